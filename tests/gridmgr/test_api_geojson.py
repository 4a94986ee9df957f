"""Geo resources come as GeoJSON FeatureCollections, paged by limit and offset."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from gridmgr.api.pagination import Pages
from gridmgr.models import Region, Station, Zone
from tests.gridmgr.api_client import Clients, issue_in, make_clients, url
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def api(world: World) -> Clients:
    return make_clients(world)


def test_zones_are_a_paged_feature_collection(world: World, api: Clients) -> None:
    total = Zone.objects.count()
    page = api.viewer.get(url("zone-list"), {"limit": 10, "offset": 20}).json()
    assert list(page) == ["type", "count", "next", "previous", "features"]
    assert page["type"] == "FeatureCollection" and page["count"] == total
    assert "limit=10" in page["next"] and "offset=30" in page["next"]
    assert "offset=10" in page["previous"]
    feature = page["features"][0]
    assert list(feature) == ["id", "type", "geometry", "properties"]
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "MultiPolygon"
    assert {"code", "name", "layer", "plan", "version", "owners"} <= set(feature["properties"])
    assert len(page["features"]) == 10


def test_a_zone_lists_its_current_owners(world: World, api: Clients) -> None:
    got = api.viewer.get(url("zone-detail", world.overlap.pk)).json()
    assert got["properties"]["owners"] == [
        {"id": world.owners["X01"].pk, "name": "重叠区网格员", "role": "grid_worker"}
    ]


def test_pages_stop_at_the_largest_limit_and_past_the_end_are_empty(
    world: World, api: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Pages.max_limit == 1000
    monkeypatch.setattr(Pages, "max_limit", 50)
    assert len(api.viewer.get(url("zone-list"), {"limit": 5000}).json()["features"]) == 50
    beyond = api.viewer.get(url("zone-list"), {"offset": 10**30}).json()
    assert beyond["features"] == [] and beyond["count"] == Zone.objects.count()


def test_regions_are_features_looked_up_by_code(world: World, api: Clients) -> None:
    page = api.viewer.get(url("region-list"), {"level": "subdistrict"}).json()
    assert page["type"] == "FeatureCollection" and page["count"] == 3
    assert {f["properties"]["parent"] for f in page["features"]} == {"110101"}
    one = api.viewer.get(url("region-detail", world.subs["S2"].code)).json()
    assert one["properties"]["name"] == "东四街道"
    assert one["geometry"]["type"] == "MultiPolygon"
    assert api.viewer.get(url("region-detail", "000000")).status_code == 404


def test_stations_are_point_features(world: World, api: Clients) -> None:
    Station.objects.create(
        name="景山驻点", location=Point(*world.inside(world.overlap), srid=4326), address="景山"
    )
    page = api.viewer.get(url("station-list")).json()
    assert page["type"] == "FeatureCollection" and page["count"] == 1
    assert page["features"][0]["geometry"]["type"] == "Point"
    assert page["features"][0]["properties"]["name"] == "景山驻点"


def test_issues_are_point_features(world: World, api: Clients) -> None:
    issue = issue_in(world, "S3")
    page = api.centre.get(url("issue-list")).json()
    assert page["type"] == "FeatureCollection" and page["count"] == 1
    feature = page["features"][0]
    assert feature["id"] == issue.pk and feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == pytest.approx(
        [issue.location.x, issue.location.y], abs=1e-7
    )
    assert feature["properties"]["zone_code"] == issue.zone.code


def test_plain_resources_are_paged_json_lists(world: World, api: Clients) -> None:
    layers = api.viewer.get(url("layer-list")).json()
    assert list(layers) == ["count", "next", "previous", "results"]
    assert [layer["name"] for layer in layers["results"]] == ["板块", "单元网格"]
    categories = api.viewer.get(url("category-list"), {"parent": "01"}).json()
    assert [c["code"] for c in categories["results"]] == ["0101"]
    assert categories["results"][0]["department_name"] is None  # inherited, not its own


def test_every_region_of_the_world_is_listed(world: World, api: Clients) -> None:
    assert api.viewer.get(url("region-list")).json()["count"] == Region.objects.count()
