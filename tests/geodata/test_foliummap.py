"""The folium coverage map renders as one HTML page with every asset inline and no URL."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import folium
import pytest
import shapely
from folium.plugins import Fullscreen
from shapely.geometry import MultiPolygon

from geodata.errors import GeoDataError
from geodata.foliummap import coverage_map, standalone_html
from geodata.mapimage import MapLayers
from geodata.measure import LocalProjection
from geodata.readers import Feature

LEAFLET = Path(__file__).resolve().parents[2] / "node_modules" / "leaflet" / "dist"
PROJ = LocalProjection(116.41)
X0, Y0 = (float(v[0]) for v in PROJ.points_to_metres([116.41], [39.92]))


def square(east_m: float, north_m: float, side_m: float) -> MultiPolygon:
    x, y = X0 + east_m, Y0 + north_m
    return MultiPolygon([PROJ.to_lonlat(shapely.box(x, y, x + side_m, y + side_m))])


def feature(i: int, geom: MultiPolygon, **props: object) -> Feature:
    return Feature(i, dict(props), geom)


@pytest.fixture
def layers() -> MapLayers:
    return MapLayers(
        title="测试区 T01",
        outline=square(0, 0, 1000),
        zones=[
            feature(1, square(0, 0, 500), code="A1", layer="单元网格", area_m2=250000.04),
            feature(2, square(500, 0, 500), code="A2", layer="单元网格", area_m2=250000.0),
            feature(3, square(0, 0, 1000), code="S1", layer="板块", area_m2=1e6),
        ],
        subregions=[feature(1, square(0, 0, 1000), code="110101001", name="甲街道")],
        blind=[feature(1, square(500, 500, 200), layer="单元网格", area_m2=40000.0)],
        overlaps=[
            feature(1, square(0, 0, 50), layer="单元网格", area_m2=2500.0, zones=["A1", "X"])
        ],
    )


class Links(HTMLParser):
    """Every URL-bearing attribute, every <script src> and <link>, and the inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.external: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs if k in ("src", "href", "action", "srcset")}
        self.urls += found.values()
        if tag == "link" or (tag == "script" and "src" in found):
            self.external.append(tag)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parse(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def collections(html: str) -> list[dict]:
    """The GeoJSON FeatureCollections that folium hands to Leaflet."""
    found = re.findall(r"_add\((\{\"features\".*?\})\);\n", html)
    return [json.loads(text) for text in found]


def test_the_page_loads_nothing_no_script_src_no_link_no_url(layers: MapLayers) -> None:
    html = standalone_html(coverage_map(layers), LEAFLET)
    links = parse(html)
    assert links.external == []
    assert links.urls == []
    # The one URL in the text: Leaflet's attribution prefix, a string in leaflet.js that the map
    # never shows (attributionControl is off; the browser test checks the rendered page).
    text = html.replace('<a href="https://leafletjs.com" title=', "")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert '"attributionControl": false' in html
    # Leaflet's stylesheet images are data: URIs.
    assert re.findall(r"url\((?!data:|#default#VML)", html) == []


def test_leaflet_is_inlined_from_the_asset_folder(layers: MapLayers) -> None:
    html = standalone_html(coverage_map(layers), LEAFLET)
    scripts = "".join(parse(html).scripts)
    assert "Leaflet 1.9" in scripts  # the licence header of leaflet.js
    assert ".leaflet-container" in html
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()


def test_the_page_holds_every_feature_with_its_tooltip_fields(layers: MapLayers) -> None:
    data = collections(standalone_html(coverage_map(layers), LEAFLET))
    features = [f for c in data for f in c["features"]]
    # zones of two layers, a sub-region, a blind spot, an overlap and the region outline
    assert len(data) == 6 and len(features) == 7
    codes = {f["properties"].get("code") for f in features}
    assert {"A1", "A2", "S1", "110101001"} <= codes
    a1 = next(f for f in features if f["properties"].get("code") == "A1")
    assert a1["properties"]["area_m2"] == 250000.0  # a tenth of a square metre
    overlap = next(f for f in features if f["properties"].get("zones"))
    assert overlap["properties"]["zones"] == "A1, X"
    assert overlap["geometry"]["type"] == "MultiPolygon"


def test_a_map_without_pieces_has_no_empty_layers(layers: MapLayers) -> None:
    layers.blind, layers.overlaps = [], []
    html = standalone_html(coverage_map(layers), LEAFLET)
    assert len(collections(html)) == 4
    overlays = re.search(r"overlays\s*:\s*\{(.*?)\}", html, re.S)
    assert overlays is not None
    assert len(re.findall(r":\s*feature_group_", overlays.group(1))) == 4


def test_a_plugin_that_needs_the_network_is_refused(layers: MapLayers) -> None:
    m = coverage_map(layers)
    Fullscreen().add_to(m)
    with pytest.raises(GeoDataError, match="network"):
        standalone_html(m, LEAFLET)


def test_rendering_leaves_folium_defaults_alone(layers: MapLayers) -> None:
    before = list(folium.Map.default_js)
    standalone_html(coverage_map(layers), LEAFLET)
    assert folium.Map.default_js == before


def test_a_missing_asset_folder_is_reported_in_both_languages(
    layers: MapLayers, tmp_path: Path
) -> None:
    with pytest.raises(GeoDataError, match="npm install") as err:
        standalone_html(coverage_map(layers), tmp_path)
    assert "找不到" in err.value.zh
