"""The search box finds zones by grid code, name, owner name, and lon,lat points."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from gridmgr.maps.panel import parse_coordinates
from tests.gridmgr.map_client import centre_client
from tests.world import World, full_cells


@pytest.fixture
def client(world: World) -> Client:
    return centre_client()


def search(client: Client, q: str) -> list[dict[str, Any]]:
    response = client.get("/map/search", {"q": q})
    assert response.status_code == 200
    return json.loads(response.content)["results"]


def test_a_full_grid_code_comes_first(world: World, client: Client) -> None:
    cell = full_cells(world.subs["S2"], world.grid)[7]
    found = search(client, cell.code)
    assert found[0]["kind"] == "zone" and found[0]["id"] == cell.pk
    assert found[0]["layer"] == "单元网格" and found[0]["match"] == "code"
    minx, miny, maxx, maxy = found[0]["bbox"]
    assert minx < maxx and miny < maxy


def test_a_partial_code_finds_several_zones(world: World, client: Client) -> None:
    prefix = full_cells(world.subs["S3"], world.grid)[0].code[:12]
    found = search(client, prefix)
    assert len(found) > 3
    assert all(r["code"].startswith(prefix) for r in found if r["kind"] == "zone")


def test_a_zone_name_is_found(world: World, client: Client) -> None:
    found = search(client, "东四")
    assert any(r["kind"] == "zone" and r["code"] == "S2" for r in found)
    assert any(r["kind"] == "region" and r["name"] == "东四街道" for r in found)


def test_an_owner_name_finds_the_zones_they_own(world: World, client: Client) -> None:
    found = search(client, "重叠区网格员")
    assert [(r["code"], r["match"], r["owner"]) for r in found] == [
        ("X01", "owner", "重叠区网格员")
    ]


def test_coordinates_find_the_zones_covering_the_point(world: World, client: Client) -> None:
    cell = full_cells(world.subs["S3"], world.grid)[3]
    lon, lat = world.inside(cell)
    found = search(client, f"{lon:.6f},{lat:.6f}")
    assert found[0]["kind"] == "point" and found[0]["region"] == "朝阳门街道"
    zones = [(r["layer"], r["code"]) for r in found[1:]]
    assert zones == [("单元网格", cell.code), ("板块", "S3")]  # finest layer first


def test_coordinates_in_a_blind_spot_find_only_the_upper_layer(
    world: World, client: Client
) -> None:
    lon, lat = world.gap_centre()
    found = search(client, f"{lon} {lat}")
    assert [r["code"] for r in found[1:]] == ["S2"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("116.41,39.92", (116.41, 39.92)),
        ("116.41，39.92", (116.41, 39.92)),
        (" 116.41  39.92 ", (116.41, 39.92)),
        ("39.92,116.41", (116.41, 39.92)),  # lat,lon typed the other way round
        ("200,39", None),
        ("110101001", None),
        ("东四", None),
    ],
)
def test_coordinates_are_recognised(text: str, expected: tuple[float, float] | None) -> None:
    assert parse_coordinates(text) == expected


def test_nothing_is_found_for_an_empty_or_unknown_query(world: World, client: Client) -> None:
    assert search(client, "") == []
    assert search(client, "没有这个地方") == []
