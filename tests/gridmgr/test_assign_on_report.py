"""An issue is assigned when it is reported: zone per layer, owner chain, department, flags."""

from __future__ import annotations

import datetime as dt

import pytest

from geodata.coords import from_wgs84
from geodata.errors import CoordinateError
from gridmgr.casework.report import find_category, report_issue
from gridmgr.errors import OutsideDistrictError
from gridmgr.models import Issue, Layer, Ownership, Region, Routing, Zone
from gridmgr.models.issues import Rule
from tests.world import (
    SUBDISTRICT_BORDER,
    TIANANMEN,
    World,
    full_cells,
    own,
    shape,
)

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def receipt(issue: Issue, world: World, layer: str = "grid") -> Routing:
    return issue.routings.get(layer=getattr(world, layer))


def test_point_inside_a_cell_goes_to_that_cell_its_worker_and_the_category_department(
    world: World,
) -> None:
    cell = full_cells(world.subs["S3"], world.grid)[0]
    issue = report_issue(*world.inside(cell), world.categories["parking"])
    assert issue.zone == cell
    assert issue.region == world.subs["S3"]
    assert issue.owner == world.owners["网格员S3"]
    assert issue.department == world.owners["交警"]
    assert (issue.in_overlap, issue.in_blind_spot, issue.distance_m) == (False, False, None)


def test_owner_chain_has_one_owner_per_layer_bottom_owner_first(world: World) -> None:
    cell = full_cells(world.subs["S1"], world.grid)[0]
    issue = report_issue(*world.inside(cell), world.categories["parking"])
    assert receipt(issue, world, "sector").owner == world.owners["板块长S1"]
    assert receipt(issue, world, "sector").zone.code == "S1"
    assert receipt(issue, world).owner == world.owners["网格员S1"]
    assert issue.owner == world.owners["网格员S1"]


def test_subcategory_without_department_inherits_its_parents(world: World) -> None:
    cell = full_cells(world.subs["S1"], world.grid)[0]
    issue = report_issue(*world.inside(cell), world.categories["rubbish"])
    assert issue.department == world.owners["城管"]


def test_a_report_takes_one_statement_to_route_and_one_to_write(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cell = full_cells(world.subs["S1"], world.grid)[0]
    with CaptureQueriesContext(connection) as sent:
        # The category inherits its department: the routing statement reads it too.
        issue = report_issue(*world.inside(cell), world.categories["rubbish"])
    statements = [q["sql"] for q in sent.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 2, statements  # route; insert the issue with its receipts
    assert issue.department == world.owners["城管"]
    assert issue.routings.count() == Layer.objects.count()


def test_point_on_a_corner_shared_by_four_cells_is_assigned_to_the_smallest_lowest_code(
    world: World,
) -> None:
    lon, lat = world.four_cell_corner()
    covering = world.cells_covering(lon, lat)
    issue = report_issue(lon, lat, world.categories["parking"])
    expected = min(covering, key=lambda z: (z.area_m2, z.code))
    assert issue.zone == expected
    assert receipt(issue, world).rule == Rule.COVERS
    assert not issue.in_overlap  # sharing a border is not an overlap


def test_point_on_the_border_of_two_subdistricts_is_assigned_deterministically(
    world: World,
) -> None:
    first = report_issue(*SUBDISTRICT_BORDER, world.categories["parking"])
    second = report_issue(*SUBDISTRICT_BORDER, world.categories["parking"])
    # Both sub-districts cover the point: the region of lowest code takes it; of the sectors,
    # the smaller one (东四, 1.42 km² against 景山's 1.45 km²).
    assert first.region == second.region == world.subs["S1"]
    assert receipt(first, world, "sector").zone.code == "S2"
    assert (first.zone_id, first.owner_id) == (second.zone_id, second.owner_id)
    assert not first.in_blind_spot


def test_overlap_goes_to_the_smaller_zone_and_is_flagged(world: World) -> None:
    lon, lat = world.move(*world.inside(world.overlap), -30, 30)
    issue = report_issue(lon, lat, world.categories["parking"])
    assert issue.zone == world.overlap  # 120 m square < 200 m cell
    assert issue.owner == world.owners["X01"]
    assert issue.in_overlap
    assert receipt(issue, world).rule == Rule.OVERLAP


def test_point_on_the_overlap_border_inside_a_cell_goes_to_the_cell(world: World) -> None:
    # Interior beats a border touch, even though X01 is smaller than the cell.
    lon, lat = shape(world.overlap.geom).geoms[0].exterior.coords[0]
    issue = report_issue(lon, lat, world.categories["parking"])
    assert issue.zone.code != "X01"
    assert world.overlap in world.cells_covering(lon, lat)
    assert not issue.in_overlap


def test_overlap_of_equal_areas_goes_to_the_lowest_code(world: World) -> None:
    x01 = world.overlap
    Zone.objects.create(
        plan=x01.plan,
        layer=x01.layer,
        code="X00",
        name="X01 的孪生",
        geom=x01.geom,
        area_m2=x01.area_m2,
        active=True,
    )
    lon, lat = world.move(*world.inside(world.overlap), -30, 30)
    issue = report_issue(lon, lat, world.categories["parking"])
    assert issue.zone.code == "X00"
    assert issue.in_overlap


def test_point_in_the_gap_falls_back_to_the_territorial_owner_and_is_flagged(
    world: World,
) -> None:
    issue = report_issue(*world.gap_centre(), world.categories["parking"])
    grid = receipt(issue, world)
    assert (grid.zone, grid.rule) == (None, Rule.FALLBACK)
    assert grid.owner == world.owners["属地S2"]
    assert issue.in_blind_spot
    # The issue itself goes to the first owner up the chain: the sector lead.
    assert issue.owner == world.owners["板块长S2"]


def test_point_with_no_zone_owner_anywhere_goes_to_the_territorial_owner(world: World) -> None:
    Ownership.objects.filter(role="sector_lead").update(valid_to=dt.date(2021, 1, 1))
    issue = report_issue(*world.gap_centre(), world.categories["parking"])
    assert issue.owner == world.owners["属地S2"]
    assert receipt(issue, world, "sector").rule == Rule.FALLBACK
    assert receipt(issue, world, "sector").zone.code == "S2"  # the zone is kept, unowned


def test_zone_without_a_current_owner_counts_as_a_blind_spot(world: World) -> None:
    cell = full_cells(world.subs["S3"], world.grid)[1]
    cell.ownerships.update(valid_to=dt.date.today() - dt.timedelta(days=1))
    issue = report_issue(*world.inside(cell), world.categories["parking"])
    assert receipt(issue, world).zone == cell
    assert receipt(issue, world).rule == Rule.FALLBACK
    assert receipt(issue, world).owner == world.owners["属地S3"]
    assert issue.in_blind_spot


def test_territorial_owner_comes_from_the_district_when_the_subdistrict_has_none(
    world: World,
) -> None:
    Ownership.objects.filter(region=world.subs["S2"]).delete()
    issue = report_issue(*world.gap_centre(), world.categories["parking"])
    assert receipt(issue, world).owner == world.owners["district"]


def test_point_just_outside_every_zone_goes_to_the_nearest_within_the_setting(
    world: World, settings
) -> None:
    settings.GRIDMGR_NEAREST_ZONE_M = 50.0
    lon, lat = world.gap_west(20.0)
    issue = report_issue(lon, lat, world.categories["parking"])
    west = world.cells_covering(*world.move(lon, lat, -25.0, 0.0))
    grid = receipt(issue, world)
    assert grid.rule == Rule.NEAREST
    assert [grid.zone] == west
    assert grid.owner == west[0].ownerships.get().owner
    assert grid.distance_m == pytest.approx(20.0, abs=0.5)
    assert issue.distance_m == pytest.approx(20.0, abs=0.5)
    assert not issue.in_blind_spot


def test_nearest_zone_distance_is_read_from_the_setting(world: World, settings) -> None:
    settings.GRIDMGR_NEAREST_ZONE_M = 10.0
    assert report_issue(*world.gap_west(20.0), world.categories["parking"]).in_blind_spot
    settings.GRIDMGR_NEAREST_ZONE_M = 150.0
    far = report_issue(*world.gap_centre(), world.categories["parking"])
    assert receipt(far, world).rule == Rule.NEAREST
    assert receipt(far, world).distance_m == pytest.approx(100.0, abs=1.0)
    settings.GRIDMGR_NEAREST_ZONE_M = 0.0
    assert report_issue(*world.gap_west(1.0), world.categories["parking"]).in_blind_spot


def test_point_outside_the_district_is_refused_in_both_languages(world: World) -> None:
    with pytest.raises(OutsideDistrictError) as caught:
        report_issue(*TIANANMEN, world.categories["parking"])
    assert "不在本区范围内" in str(caught.value)
    assert "outside the district" in str(caught.value)
    assert Issue.objects.count() == 0


def test_point_with_impossible_coordinates_is_refused(world: World) -> None:
    with pytest.raises(CoordinateError, match="swapped"):
        report_issue(39.93, 116.42, world.categories["parking"])
    assert Issue.objects.count() == 0


def test_gcj02_location_is_converted_before_assignment(world: World) -> None:
    cell = full_cells(world.subs["S3"], world.grid)[2]
    lon, lat = world.inside(cell)
    glon, glat = from_wgs84(lon, lat, "gcj02")
    issue = report_issue(float(glon), float(glat), world.categories["parking"], coord_sys="gcj02")
    assert issue.location.x == pytest.approx(lon, abs=1e-7)
    assert issue.location.y == pytest.approx(lat, abs=1e-7)
    assert issue.zone == cell


def test_category_is_found_by_code_chinese_or_english_name(world: World) -> None:
    parking = world.categories["parking"]
    assert find_category("0201") == find_category("违章停车") == find_category("Illegal Parking")
    assert find_category("0201") == parking


def test_every_layer_has_a_routing_when_reported(world: World) -> None:
    cell = full_cells(world.subs["S2"], world.grid)[0]
    issue = report_issue(*world.inside(cell), world.categories["parking"])
    assert issue.routings.count() == 2
    assert Zone.objects.filter(pk=issue.zone_id, layer=world.grid).exists()
    assert Region.objects.get(pk=issue.region_id).code.startswith("110101006")


def test_ownership_ended_today_is_not_current_tomorrow(world: World) -> None:
    cell = full_cells(world.subs["S3"], world.grid)[3]
    cell.ownerships.update(valid_to=dt.date.today())
    later = world.owners["网格员S1"]
    own(later, "grid_worker", zone=cell, since=dt.date.today() + dt.timedelta(days=1))
    issue = report_issue(*world.inside(cell), world.categories["parking"])
    assert issue.owner == world.owners["网格员S3"]
