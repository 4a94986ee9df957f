"""Vector tiles of a layer: one SQL with ST_AsMVT, decodable, empty far away or too crowded."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.gis.gdal import DataSource
from django.test import Client, override_settings

from tests.gridmgr.map_client import centre_client, codes_in_box, tile_box, tile_of
from tests.world import World, full_cells

MVT = "application/vnd.mapbox-vector-tile"

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def client(world: World) -> Client:
    return centre_client()


def fetch(client: Client, layer_id: int, z: int, x: int, y: int) -> bytes:
    response = client.get(f"/map/tiles/{layer_id}/{z}/{x}/{y}.pbf")
    assert response.status_code == 200
    assert response["Content-Type"] == MVT
    return response.content


def decode(data: bytes, z: int, x: int, y: int, tmp_path: Path) -> list[dict]:
    """The features of a tile, read back by GDAL's MVT driver (it georeferences z/x/y.pbf)."""
    path = tmp_path / str(z) / str(x) / f"{y}.pbf"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    layer = DataSource(str(path))["zones"]
    return [{"id": f.get("mvt_id"), "code": f.get("code")} for f in layer]


def test_a_z14_tile_holds_the_zones_of_its_square(
    world: World, client: Client, tmp_path: Path
) -> None:
    cell = full_cells(world.subs["S1"], world.grid)[10]
    x, y = tile_of(*world.inside(cell), 14)
    data = fetch(client, world.grid.pk, 14, x, y)
    assert len(data) > 100
    features = decode(data, 14, x, y, tmp_path)
    found = {f["code"] for f in features}
    assert cell.code in found
    inside = codes_in_box(world.grid, tile_box(14, x, y))
    assert inside <= found  # plus the zones that only touch the tile's 64-unit buffer
    assert next(f for f in features if f["code"] == cell.code)["id"] == cell.pk


def test_a_tile_far_away_is_empty(world: World, client: Client) -> None:
    assert fetch(client, world.grid.pk, 14, 0, 0) == b""


@override_settings(GRIDMGR_MAP_SPARSE_FEATURES=20)
def test_a_crowded_tile_below_the_minimum_zoom_is_empty(world: World, client: Client) -> None:
    x, y = tile_of(*world.inside(world.overlap), 11)
    assert fetch(client, world.grid.pk, 11, x, y) == b""
    assert fetch(client, world.sector.pk, 11, x, y) != b""


@pytest.mark.parametrize("address", ["14/99999/1", "30/0/0"])
def test_a_tile_address_out_of_range_is_refused(world: World, client: Client, address: str) -> None:
    assert client.get(f"/map/tiles/{world.grid.pk}/{address}.pbf").status_code == 400
