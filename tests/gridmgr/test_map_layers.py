"""Zones reach the map limited to the view, simplified by zoom, with a minimum zoom and a cap."""

from __future__ import annotations

import json
import math

import pytest
from django.test import Client, override_settings

from gridmgr.models import Ownership, Zone
from gridmgr.viewport.view import coordinate_digits, simplify_tolerance
from tests.gridmgr.map_client import bbox_around, centre_client, codes, codes_in_box, get_geojson
from tests.world import World, full_cells


@pytest.fixture
def client(world: World) -> Client:
    return centre_client()


def layer_url(layer_id: int) -> str:
    return f"/map/layers/{layer_id}.geojson"


def test_only_zones_in_the_view_are_sent(world: World, client: Client) -> None:
    cell = full_cells(world.subs["S1"], world.grid)[10]
    bbox = bbox_around(*world.inside(cell), 0.002)
    data = get_geojson(client, layer_url(world.grid.pk), bbox=bbox, zoom=16)
    assert cell.code in codes(data)
    assert codes(data) == codes_in_box(world.grid, bbox)
    assert len(data["features"]) < Zone.objects.active().filter(layer=world.grid).count() / 5
    assert data["meta"]["count"] == len(data["features"])


def test_a_view_outside_the_district_is_empty(world: World, client: Client) -> None:
    data = get_geojson(client, layer_url(world.grid.pk), bbox="121.4,31.1,121.5,31.2", zoom=16)
    assert data["features"] == []


def test_features_carry_code_owner_and_coverage_state(world: World, client: Client) -> None:
    bbox = bbox_around(*world.inside(world.overlap), 0.003)
    data = get_geojson(client, layer_url(world.grid.pk), bbox=bbox, zoom=16)
    by_code = {f["properties"]["code"]: f for f in data["features"]}
    x01 = by_code["X01"]
    assert x01["id"] == world.overlap.pk
    assert x01["properties"]["state"] == "overlap"
    assert x01["properties"]["owner"] == world.owners["X01"].pk
    assert data["meta"]["owners"][str(world.owners["X01"].pk)] == "重叠区网格员"
    states = [f["properties"]["state"] for f in data["features"]]
    assert states.count("overlap") == 5  # X01 and the four cells under its corner
    assert "owned" in states


def test_a_zone_without_a_current_owner_is_unowned(world: World, client: Client) -> None:
    cell = full_cells(world.subs["S3"], world.grid)[5]
    Ownership.objects.filter(zone=cell).delete()
    data = get_geojson(
        client, layer_url(world.grid.pk), bbox=bbox_around(*world.inside(cell), 0.001), zoom=17
    )
    state = {f["properties"]["code"]: f["properties"]["state"] for f in data["features"]}
    assert state[cell.code] == "unowned"
    assert next(f for f in data["features"] if f["id"] == cell.pk)["properties"]["owner"] is None


@override_settings(GRIDMGR_MAP_SPARSE_FEATURES=20)
def test_unit_grids_wait_for_their_minimum_zoom_when_the_view_is_crowded(
    world: World, client: Client
) -> None:
    bbox = ",".join(str(v) for v in world.district.boundary.extent)
    low = get_geojson(client, layer_url(world.grid.pk), bbox=bbox, zoom=14)
    assert low["features"] == []
    assert low["meta"]["hidden"] == "zoom" and low["meta"]["min_zoom"] == 15
    high = get_geojson(client, layer_url(world.grid.pk), bbox=bbox, zoom=15)
    assert len(high["features"]) == Zone.objects.active().filter(layer=world.grid).count()


@override_settings(GRIDMGR_MAP_SPARSE_FEATURES=20)
def test_unit_grids_show_early_when_the_view_holds_few(world: World, client: Client) -> None:
    cell = full_cells(world.subs["S2"], world.grid)[0]
    data = get_geojson(
        client, layer_url(world.grid.pk), bbox=bbox_around(*world.inside(cell), 0.001), zoom=12
    )
    assert cell.code in codes(data)
    assert "hidden" not in data["meta"]


@override_settings(GRIDMGR_MAP_SPARSE_FEATURES=20)
def test_upper_layers_have_no_minimum_zoom(world: World, client: Client) -> None:
    bbox = ",".join(str(v) for v in world.district.boundary.extent)
    data = get_geojson(client, layer_url(world.sector.pk), bbox=bbox, zoom=8)
    assert codes(data) == {"S1", "S2", "S3"}


@override_settings(GRIDMGR_MAP_MAX_FEATURES=7)
def test_a_response_is_capped_and_says_so(world: World, client: Client) -> None:
    bbox = ",".join(str(v) for v in world.district.boundary.extent)
    data = get_geojson(client, layer_url(world.grid.pk), bbox=bbox, zoom=16)
    assert len(data["features"]) == 7
    assert data["meta"]["truncated"] is True


def vertices(collection: dict) -> int:
    return sum(
        len(ring)
        for f in collection["features"]
        for poly in f["geometry"]["coordinates"]
        for ring in poly
    )


def test_outlines_are_simpler_when_zoomed_out(world: World, client: Client) -> None:
    bbox = ",".join(str(v) for v in world.district.boundary.extent)
    far = get_geojson(client, layer_url(world.sector.pk), bbox=bbox, zoom=11)
    near = get_geojson(client, layer_url(world.sector.pk), bbox=bbox, zoom=18)
    assert vertices(far) < vertices(near) / 2
    assert codes(far) == codes(near)


def test_tolerance_and_precision_follow_the_zoom() -> None:
    assert simplify_tolerance(15) == pytest.approx(simplify_tolerance(14) / 2)
    # Half a pixel at zoom 15 is under 2 m in Beijing (a pixel there is 3.7 m).
    assert simplify_tolerance(15) * 111_320 * math.cos(math.radians(39.9)) < 2.0
    assert [coordinate_digits(z) for z in (8, 12, 15, 18, 22)] == [4, 4, 5, 6, 7]


@pytest.mark.parametrize(
    "params",
    [
        {"zoom": "15"},
        {"bbox": "1,2,3", "zoom": "15"},
        {"bbox": "3,2,1,4", "zoom": "15"},
        {"bbox": "a,b,c,d", "zoom": "15"},
        {"bbox": "116,39,117,40", "zoom": "99"},
        {"bbox": "116,39,117,40"},
    ],
)
def test_a_malformed_view_is_refused_in_both_languages(
    world: World, client: Client, params: dict[str, str]
) -> None:
    response = client.get(layer_url(world.grid.pk), params)
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["error"] and body["error_en"]


def test_an_unknown_layer_is_404(world: World, client: Client) -> None:
    response = client.get(layer_url(999999), {"bbox": "116,39,117,40", "zoom": "15"})
    assert response.status_code == 404


def test_large_responses_are_gzipped(world: World, client: Client) -> None:
    bbox = ",".join(str(v) for v in world.district.boundary.extent)
    response = client.get(
        layer_url(world.grid.pk), {"bbox": bbox, "zoom": "16"}, HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response["Content-Encoding"] == "gzip"
