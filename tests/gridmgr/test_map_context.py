"""With no base map, the maps draw the regions and zones around the view, named, from
/map/context.geojson: public (the citizen's report page has no login), codes and names only."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from tests.world import World, shape

pytestmark = [pytest.mark.world_per_module, pytest.mark.django_db]


def context(client: Client, bbox: tuple[float, float, float, float], zoom: int) -> dict:
    response = client.get("/map/context.geojson", {"bbox": ",".join(map(str, bbox)), "zoom": zoom})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def around(
    world: World, lon: float, lat: float, metres: float
) -> tuple[float, float, float, float]:
    """A square view of 2 × metres around a point (lon/lat)."""
    x, y = world.proj.points_to_metres([lon], [lat])
    lons, lats = world.proj.points_to_lonlat(x + [-metres, metres], y + [-metres, metres])
    return (float(lons[0]), float(lats[0]), float(lons[1]), float(lats[1]))


def test_a_view_around_a_pin_names_its_sub_district_and_the_zones_around_it(
    world: World,
) -> None:
    cell = shape(world.overlap.geom).centroid
    found = context(Client(), around(world, cell.x, cell.y, 300), 17)
    props = [f["properties"] for f in found["features"]]
    regions = {p["name"] for p in props if p["kind"] == "region"}
    zones = {p["code"] for p in props if p["kind"] == "zone"}
    assert "景山街道" in regions and "东城迷你区" in regions
    assert "X01" in zones and "S1" in zones
    assert any(code.startswith("110101") and len(code) > 12 for code in zones)  # unit grids


def test_every_label_point_lies_inside_the_view(world: World) -> None:
    cell = shape(world.overlap.geom).centroid
    w, s, e, n = around(world, cell.x, cell.y, 250)
    for f in context(Client(), (w, s, e, n), 17)["features"]:
        lon, lat = f["properties"]["label"]
        assert w - 1e-6 <= lon <= e + 1e-6 and s - 1e-6 <= lat <= n + 1e-6, f["properties"]


def test_a_layer_crowded_in_the_view_is_left_out(world: World) -> None:
    w, s, e, n = world.district.boundary.extent
    with override_settings(GRIDMGR_MAP_CONTEXT_MAX_FEATURES=20):
        props = [f["properties"] for f in context(Client(), (w, s, e, n), 13)["features"]]
    kinds = {(p["kind"], p["layer"]) for p in props}
    assert ("zone", "板块") in kinds  # 3 sectors
    assert ("zone", "单元网格") not in kinds  # hundreds of 200 m cells
    assert ("region", "subdistrict") in kinds


def test_the_context_carries_no_owner_nor_any_case(world: World) -> None:
    w, s, e, n = world.district.boundary.extent
    text = json.dumps(context(Client(), (w, s, e, n), 13), ensure_ascii=False)
    for owner in world.owners.values():
        assert owner.name not in text
        if owner.phone:
            assert owner.phone not in text
    assert set(json.loads(text)["features"][0]["properties"]) == {
        "kind",
        "code",
        "name",
        "layer",
        "layer_en",
        "rank",
        "unit",
        "label",
    }


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"bbox": "a,b,c,d", "zoom": "17"},
        {"bbox": "1,1,0,0", "zoom": "17"},
        {"bbox": "116,39,117,40", "zoom": "99"},
        {"bbox": "nan,39,117,40", "zoom": "3"},
    ],
)
def test_a_malformed_view_is_refused_in_both_languages(world: World, query: dict) -> None:
    response = Client().get("/map/context.geojson", query)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] and body["error_en"]
