"""Split by a line, merge two neighbours, cut a hole: shapely on the stored outlines, with
fresh never-reused codes and the zone's version checked."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import LineString

from gridmgr.editor.drafts import EditorError, cut_zone, merge_zones, split_zone
from gridmgr.errors import PlanError
from gridmgr.models import GridCode, Ownership, Plan, Zone
from gridmgr.territory.zone_edits import ZoneAccessError, ZoneConflictError
from tests.gridmgr.editor_cases import (
    Editors,
    across,
    acting,
    draft_cells,
    neighbour,
)
from tests.world import World, shape

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def test_a_line_splits_a_zone_into_two_whose_union_is_the_original(
    world: World, editors: Editors, draft: Plan
) -> None:
    zone = draft_cells(world, draft, "S3")[7]
    before = shape(zone.geom)
    kept, new = split_zone(acting(editors.centre), zone, zone.version, across(zone, 0.3))
    a, b = shape(kept.geom), shape(new.geom)
    assert shapely.symmetric_difference(shapely.union(a, b), before).area < 1e-15
    assert shapely.intersection(a, b).area == 0
    assert kept.code == zone.code and kept.version == zone.version + 1
    assert kept.area_m2 > new.area_m2 > 0
    assert abs(kept.area_m2 + new.area_m2 - zone.area_m2) < 0.01


def test_the_new_piece_gets_the_next_code_never_issued_before(
    world: World, editors: Editors, draft: Plan
) -> None:
    zone = draft_cells(world, draft, "S2")[0]
    prefix = zone.code[:12]
    highest = max(GridCode.objects.filter(prefix=prefix).values_list("sequence", flat=True))
    _, new = split_zone(acting(editors.centre), zone, zone.version, across(zone))
    assert new.code == f"{prefix}{highest + 1:03d}"
    assert new.code != world.gap_code  # the retired cell's code is never given again
    assert GridCode.objects.get(code=new.code).first_plan == draft
    assert new.plan == draft and new.layer == world.grid and new.region == zone.region


def test_the_new_piece_keeps_the_owners_of_the_zone_it_was_cut_from(
    world: World, editors: Editors, draft: Plan
) -> None:
    zone = draft_cells(world, draft, "S3")[3]
    _, new = split_zone(acting(editors.centre), zone, zone.version, across(zone))
    assert list(Ownership.objects.filter(zone=new).values_list("owner__name", flat=True)) == [
        "网格员S3"
    ]


def test_a_line_that_does_not_cross_the_zone_is_refused(
    world: World, editors: Editors, draft: Plan
) -> None:
    zone = draft_cells(world, draft, "S3")[3]
    minx, miny, maxx, maxy = shape(zone.geom).bounds
    inside_only = LineString([((minx + maxx) / 2, miny + 1e-5), ((minx + maxx) / 2, maxy - 1e-5)])
    with pytest.raises(EditorError, match="exactly two pieces"):
        split_zone(acting(editors.centre), zone, zone.version, inside_only)
    assert (
        Zone.objects.filter(plan=draft).count()
        == Zone.objects.active().filter(layer=world.grid).count()
    )


def test_a_split_on_a_stale_version_is_refused(world: World, editors: Editors, draft: Plan) -> None:
    zone = draft_cells(world, draft, "S3")[3]
    with pytest.raises(ZoneConflictError) as refused:
        split_zone(acting(editors.centre), zone, zone.version + 1, across(zone))
    assert "reload" in refused.value.en and "刷新" in refused.value.zh
    zone.refresh_from_db()
    assert zone.version == 1


def test_two_adjacent_zones_merge_into_one_that_keeps_the_first_code(
    world: World, editors: Editors, draft: Plan
) -> None:
    cells = draft_cells(world, draft, "S3")
    keep = cells[10]
    other = neighbour(cells, keep)
    union = shapely.union(shape(keep.geom), shape(other.geom))
    merged = merge_zones(acting(editors.centre), keep, keep.version, other, other.version)
    assert merged.code == keep.code and merged.version == keep.version + 1
    assert not Zone.objects.filter(pk=other.pk).exists()
    assert shapely.symmetric_difference(shape(merged.geom), union).area < 1e-15
    assert len(shape(merged.geom).geoms) == 1
    assert abs(merged.area_m2 - (keep.area_m2 + other.area_m2)) < 0.01


def test_zones_that_do_not_touch_are_not_merged(
    world: World, editors: Editors, draft: Plan
) -> None:
    cells = draft_cells(world, draft, "S3")
    far = cells[-1]
    with pytest.raises(EditorError, match="not adjacent"):
        merge_zones(acting(editors.centre), cells[0], 1, far, 1)


def test_a_merge_with_one_stale_version_changes_nothing(
    world: World, editors: Editors, draft: Plan
) -> None:
    cells = draft_cells(world, draft, "S3")
    keep = cells[10]
    other = neighbour(cells, keep)
    with pytest.raises(ZoneConflictError):
        merge_zones(acting(editors.centre), keep, keep.version, other, other.version + 3)
    assert Zone.objects.filter(pk=other.pk).exists()
    keep.refresh_from_db()
    assert keep.version == 1


def test_cutting_a_polygon_out_leaves_a_hole_and_cutting_all_deletes(
    world: World, editors: Editors, draft: Plan
) -> None:
    zone = draft_cells(world, draft, "S3")[5]
    outline = shape(zone.geom)
    hole = shapely.buffer(outline.centroid, (outline.bounds[2] - outline.bounds[0]) / 6)
    rest = cut_zone(acting(editors.centre), zone, zone.version, hole)
    assert rest is not None and rest.version == 2
    assert abs(shape(rest.geom).area - (outline.area - hole.area)) < 1e-12
    assert cut_zone(acting(editors.centre), rest, rest.version, outline.buffer(1e-4)) is None
    assert not Zone.objects.filter(pk=zone.pk).exists()


def test_a_sector_lead_splits_inside_its_sector_but_not_outside(
    world: World, editors: Editors, draft: Plan
) -> None:
    lead = acting(editors.lead_s3)
    mine = draft_cells(world, draft, "S3")[4]
    split_zone(lead, mine, mine.version, across(mine))
    theirs = draft_cells(world, draft, "S1")[4]
    with pytest.raises(ZoneAccessError, match="sector"):
        split_zone(lead, theirs, theirs.version, across(theirs))
    with pytest.raises(ZoneAccessError):
        cut_zone(lead, theirs, theirs.version, shape(theirs.geom).centroid.buffer(1e-4))


def test_zones_of_an_active_plan_are_not_split(world: World, editors: Editors) -> None:
    zone = Zone.objects.active().filter(layer=world.grid).order_by("code")[5]
    with pytest.raises(PlanError):
        split_zone(acting(editors.centre), zone, zone.version, across(zone))
