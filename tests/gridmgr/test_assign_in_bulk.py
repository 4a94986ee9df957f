"""Issues written in bulk (BulkRouter + insert_batch) are assigned as single reports are."""

from __future__ import annotations

import numpy as np
import pytest

from gridmgr.errors import OutsideDistrictError
from gridmgr.models import Issue, Routing
from gridmgr.models.issues import Rule
from gridmgr.routing.issue_import import IssueBatch, insert_batch, route_batch
from tests.world import SUBDISTRICT_BORDER, TIANANMEN, World, full_cells

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def batch_of(world: World, points: list[tuple[float, float]], prefix: str = "B") -> IssueBatch:
    parking = world.categories["parking"]
    n = len(points)
    return IssueBatch(
        lon=np.array([p[0] for p in points]),
        lat=np.array([p[1] for p in points]),
        category_id=np.full(n, parking.pk, dtype=np.int64),
        department_id=np.full(n, parking.department_id, dtype=np.int64),
        external_id=[f"{prefix}{i}" for i in range(n)],
    )


def insert(world: World, points: list[tuple[float, float]], prefix: str = "B") -> list[Issue]:
    batch = batch_of(world, points, prefix)
    ids = insert_batch(batch, route_batch(batch))
    by_id = Issue.objects.in_bulk(ids.tolist())
    return [by_id[i] for i in ids.tolist()]


def grid_receipt(issue: Issue, world: World) -> Routing:
    return issue.routings.get(layer=world.grid)


def test_bulk_issues_get_zone_owner_department_and_two_receipts(world: World) -> None:
    cell = full_cells(world.subs["S3"], world.grid)[0]
    (issue,) = insert(world, [world.inside(cell)])
    assert issue.zone == cell
    assert issue.region == world.subs["S3"]
    assert issue.owner == world.owners["网格员S3"]
    assert issue.department == world.owners["交警"]
    assert issue.external_id == "B0"
    assert issue.status == Issue.Status.REPORTED
    assert issue.routings.count() == 2
    assert (issue.in_overlap, issue.in_blind_spot, issue.distance_m) == (False, False, None)


def test_bulk_overlap_goes_to_the_smaller_zone_and_is_flagged(world: World) -> None:
    (issue,) = insert(world, [world.move(*world.inside(world.overlap), -30, 30)])
    assert issue.zone == world.overlap
    assert issue.in_overlap
    assert grid_receipt(issue, world).rule == Rule.OVERLAP


def test_bulk_corner_point_is_covered_and_not_an_overlap(world: World) -> None:
    lon, lat = world.four_cell_corner()
    (issue,) = insert(world, [(lon, lat)])
    expected = min(world.cells_covering(lon, lat), key=lambda z: (z.area_m2, z.code))
    assert issue.zone == expected
    assert not issue.in_overlap


def test_bulk_border_of_two_subdistricts_takes_the_lowest_region_code(world: World) -> None:
    (issue,) = insert(world, [SUBDISTRICT_BORDER])
    assert issue.region == world.subs["S1"]
    assert issue.routings.get(layer=world.sector).zone.code == "S2"


def test_bulk_gap_falls_back_to_territorial_owner(world: World) -> None:
    (issue,) = insert(world, [world.gap_centre()])
    assert issue.in_blind_spot
    assert grid_receipt(issue, world).owner == world.owners["属地S2"]
    assert grid_receipt(issue, world).rule == Rule.FALLBACK
    assert issue.owner == world.owners["板块长S2"]


def test_bulk_nearest_zone_within_the_setting(world: World, settings) -> None:
    settings.GRIDMGR_NEAREST_ZONE_M = 50.0
    near, far = insert(world, [world.gap_west(20.0), world.gap_centre()])
    assert grid_receipt(near, world).rule == Rule.NEAREST
    assert near.distance_m == pytest.approx(20.0, abs=0.5)
    assert not near.in_blind_spot
    assert far.in_blind_spot
    settings.GRIDMGR_NEAREST_ZONE_M = 10.0
    (refused,) = insert(world, [world.gap_west(20.0)], prefix="C")
    assert refused.in_blind_spot


def test_bulk_batch_with_a_point_outside_the_district_writes_nothing(world: World) -> None:
    cell = full_cells(world.subs["S3"], world.grid)[0]
    batch = batch_of(world, [world.inside(cell), TIANANMEN])
    routes = route_batch(batch)
    assert routes.outside.tolist() == [False, True]
    with pytest.raises(OutsideDistrictError, match="row 2 lies outside the district"):
        insert_batch(batch, routes)
    assert Issue.objects.count() == Routing.objects.count() == 0
