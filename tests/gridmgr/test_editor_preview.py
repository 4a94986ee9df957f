"""The preview measures the blind spots and overlaps a draft would leave, in m²."""

from __future__ import annotations

import pytest
import shapely
from django.db import connection
from shapely.geometry import MultiPolygon

from geodata.measure import geodesic_area_m2
from gridmgr.editor.drafts import cut_zone, draw_zone
from gridmgr.editor.preview import preview_draft
from gridmgr.models import Ownership, Plan, Zone
from tests.gridmgr.editor_cases import Editors, acting, draft_cells
from tests.world import World, shape

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def postgis_area_m2(geom: shapely.Geometry) -> float:
    with connection.cursor() as cur:
        cur.execute("SELECT ST_Area(ST_GeomFromWKB(%s, 4326)::geography)", [shapely.to_wkb(geom)])
        return float(cur.fetchone()[0])


def piece_at(pieces: list, point: shapely.Point) -> dict:
    found = [p for p in pieces if shapely.geometry.shape(p.geometry).covers(point)]
    assert len(found) == 1, found
    return found[0]


def test_an_unchanged_draft_shows_the_gap_and_overlap_of_the_active_plan(
    world: World, draft: Plan
) -> None:
    result = preview_draft(draft, world.grid)
    gap = piece_at(result.blind, world.gap.centroid)
    assert gap.area_m2 == pytest.approx(postgis_area_m2(world.gap), rel=1e-3)
    assert gap.area_m2 == pytest.approx(geodesic_area_m2(world.gap), rel=1e-3)
    assert gap.new is False
    overlap = piece_at(result.overlaps, shape(world.overlap.geom).centroid)
    assert world.overlap.code in overlap.zones
    # X01 is a 120 m square over the corner of four cells: it overlaps them all, 120² m².
    assert result.overlap_m2 == pytest.approx(120.0 * 120.0, rel=1e-3)
    assert result.blind_m2 == pytest.approx(result.now["blind_m2"], abs=0.01)


def test_a_zone_drawn_into_the_gap_closes_it(world: World, editors: Editors, draft: Plan) -> None:
    before = preview_draft(draft, world.grid)
    zone = draw_zone(acting(editors.centre), draft, world.grid, MultiPolygon([world.gap]))
    Ownership.objects.create(owner=world.owners["网格员S2"], zone=zone, role="grid_worker")
    after = preview_draft(draft, world.grid)
    assert not [
        p for p in after.blind if shapely.geometry.shape(p.geometry).covers(world.gap.centroid)
    ]
    assert before.blind_m2 - after.blind_m2 == pytest.approx(zone.area_m2, rel=1e-3)
    assert after.overlap_m2 == pytest.approx(before.overlap_m2, abs=0.01)


def test_an_unowned_draft_zone_counts_as_blind(world: World, editors: Editors, draft: Plan) -> None:
    zone = draw_zone(acting(editors.centre), draft, world.grid, MultiPolygon([world.gap]))
    result = preview_draft(draft, world.grid)
    assert zone.code in result.unowned
    assert piece_at(result.blind, world.gap.centroid).area_m2 == pytest.approx(
        zone.area_m2, rel=1e-3
    )


def test_a_cut_shows_as_a_new_blind_spot_with_its_area(
    world: World, editors: Editors, draft: Plan
) -> None:
    zone = draft_cells(world, draft, "S3")[5]
    outline = shape(zone.geom)
    hole = shapely.buffer(outline.centroid, (outline.bounds[2] - outline.bounds[0]) / 5)
    cut_zone(acting(editors.centre), zone, zone.version, hole)
    spot = piece_at(preview_draft(draft, world.grid).blind, outline.centroid)
    assert spot.new is True
    assert spot.area_m2 == pytest.approx(postgis_area_m2(hole), rel=1e-3)


def test_a_zone_laid_over_an_existing_one_shows_as_a_new_overlap(
    world: World, editors: Editors, draft: Plan
) -> None:
    cells = draft_cells(world, draft, "S3")
    square = shapely.buffer(shape(cells[12].geom).centroid, 0.0004, cap_style="square")
    zone = draw_zone(acting(editors.centre), draft, world.grid, square)
    Ownership.objects.create(owner=world.owners["网格员S3"], zone=zone, role="grid_worker")
    result = preview_draft(draft, world.grid)
    new = [p for p in result.overlaps if zone.code in p.zones]
    assert new and all(p.new for p in new)
    assert sum(p.area_m2 for p in new) == pytest.approx(postgis_area_m2(square), rel=1e-3)
    assert Zone.objects.filter(plan=draft, code=zone.code).exists()
