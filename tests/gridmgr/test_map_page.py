"""The map page: login required, layers from the database, everything served locally."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

from gridmgr.viewport.basemaps import basemap
from tests.gridmgr.map_client import centre_client
from tests.world import World

ENDPOINTS = [
    "/map/",
    "/map/layers/1.geojson?bbox=116,39,117,40&zoom=15",
    "/map/tiles/1/14/13490/6206.pbf",
    "/map/regions.geojson?bbox=116,39,117,40&zoom=15",
    "/map/stations.geojson",
    "/map/issues.geojson",
    "/map/coverage.geojson",
    "/map/search?q=S1",
    "/map/zones/1/panel",
]
CDN = re.compile(
    r"unpkg|jsdelivr|cdnjs|googleapis|bootcdn|staticfile\.org|cloudflare|//cdn\.", re.I
)
STATIC = Path(settings.BASE_DIR) / "gridmgr" / "static" / "gridmgr"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_map_url_needs_a_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL)


def test_page_lists_the_layers_of_the_database(world: World) -> None:
    page = centre_client().get("/map/")
    assert page.status_code == 200
    html = page.content.decode()
    for layer in (world.sector, world.grid):
        assert f'data-layer="{layer.pk}"' in html and layer.name in html
    assert "> 盲区</label>" in html and "> 重叠</label>" in html
    assert '"bounds": [' in html  # the district's extent, for the first view


def test_page_loads_scripts_and_styles_only_from_this_server(world: World) -> None:
    html = centre_client().get("/map/").content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(u.endswith("vendor/leaflet/dist/leaflet.js") for u in urls)
    assert any(u.endswith("leaflet.markercluster/dist/leaflet.markercluster.js") for u in urls)
    local = [u for u in urls if u != "data:,"]  # the empty favicon
    assert all(u.startswith("/") and not u.startswith("//") for u in local), urls
    assert "http://" not in html and "https://" not in html
    assert not CDN.search(html)


def test_map_scripts_and_styles_name_no_cdn() -> None:
    files = sorted(STATIC.glob("map*.*"))
    assert {f.name for f in files} >= {"map.js", "map-strings.js", "map.css"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not CDN.search(text) and "http" not in text, path.name


def test_vendor_files_are_found_by_staticfiles() -> None:
    for path in (
        "vendor/leaflet/dist/leaflet.js",
        "vendor/leaflet/dist/leaflet.css",
        "vendor/leaflet.markercluster/dist/leaflet.markercluster.js",
        "vendor/leaflet.markercluster/dist/MarkerCluster.Default.css",
        "gridmgr/map.js",
        "gridmgr/map-strings.js",
    ):
        assert finders.find(path), path


def test_the_default_base_map_is_none() -> None:
    assert settings.GRIDMGR_BASEMAP == "none"
    assert basemap() == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"GRIDMGR_BASEMAP": "osm"}, ["https://tile.openstreetmap.org/{z}/{x}/{y}.png"]),
        ({"GRIDMGR_BASEMAP": "tianditu", "GRIDMGR_TIANDITU_KEY": ""}, []),
        ({"GRIDMGR_BASEMAP": "wmts", "GRIDMGR_WMTS_URL": ""}, []),
        (
            {
                "GRIDMGR_BASEMAP": "wmts",
                "GRIDMGR_WMTS_URL": "http://gis.local/wmts/{TileMatrix}/{TileRow}/{TileCol}.png",
            },
            ["http://gis.local/wmts/{z}/{y}/{x}.png"],
        ),
        ({"GRIDMGR_BASEMAP": "bing"}, []),
    ],
)
def test_base_map_follows_the_settings(overrides: dict[str, str], expected: list[str]) -> None:
    with override_settings(**overrides):
        assert [t["url"] for t in basemap()] == expected


def test_tianditu_needs_its_key_and_brings_labels() -> None:
    with override_settings(GRIDMGR_BASEMAP="tianditu", GRIDMGR_TIANDITU_KEY="k123"):
        layers = basemap()
    assert [("vec_w" in t["url"], "cva_w" in t["url"]) for t in layers] == [
        (True, False),
        (False, True),
    ]
    assert all(t["url"].endswith("tk=k123") and t["subdomains"] == "01234567" for t in layers)


def test_an_internal_base_map_reaches_the_page(world: World) -> None:
    with override_settings(
        GRIDMGR_BASEMAP="wmts", GRIDMGR_WMTS_URL="http://gis.local/t/{z}/{x}/{y}.png"
    ):
        html = centre_client().get("/map/").content.decode()
    assert "http://gis.local/t/{z}/{x}/{y}.png" in html
