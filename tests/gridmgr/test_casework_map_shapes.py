"""The shapes a case map draws: the district's outline and a case's receipt zones, each read in
one query, in a fixed order (district before sub-districts; top layer first)."""

from __future__ import annotations

from typing import Any

import pytest

from gridmgr.casework.web.queries import outline, receipt_zones
from tests.gridmgr.casework_cases import cases, grid_code
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def test_the_outline_is_the_district_then_its_subdistricts_in_one_query(
    world: World, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        shapes = outline()
    props = [f["properties"] for f in shapes["features"]]
    assert [p["level"] for p in props] == ["district"] + ["subdistrict"] * 3
    assert [p["code"] for p in props[1:]] == sorted(s.code for s in world.subs.values())
    assert shapes["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_a_case_shows_its_zone_per_layer_top_first_in_one_query(
    world: World, django_assert_num_queries: Any
) -> None:
    issue = cases(world).s3_rubbish
    with django_assert_num_queries(1):
        shapes = receipt_zones(issue)
    props = [f["properties"] for f in shapes["features"]]
    assert [(p["layer"], p["layer_en"]) for p in props] == [
        ("板块", "sector"),
        ("单元网格", "unit grid"),
    ]
    assert [p["code"] for p in props] == ["S3", grid_code(issue)]


def test_a_blind_spot_case_shows_only_the_zones_it_has(world: World) -> None:
    props = [f["properties"] for f in receipt_zones(cases(world).blind)["features"]]
    assert [p["layer"] for p in props] == ["板块"]
