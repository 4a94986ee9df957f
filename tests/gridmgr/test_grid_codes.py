"""Unit-grid codes: 15 digits by default, ordered W→E then N→S, unique, never reused."""

from __future__ import annotations

import pytest
import shapely

from gridmgr.models import GridCode, Plan, Zone
from gridmgr.territory.grids import generate_grid
from tests.world import CELL_M, World, full_cells, shape

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def cell_codes(world: World, plan: Plan | None = None) -> list[str]:
    zones = Zone.objects.filter(layer=world.grid, plan=plan or world.plan).exclude(code="X01")
    return list(zones.values_list("code", flat=True))


def test_codes_have_15_digits_community_prefix_and_sequence(world: World) -> None:
    codes = cell_codes(world)
    assert all(len(c) == 15 and c.isdigit() for c in codes)
    # No communities in the world: the prefix is the sub-district code padded to 12 digits.
    prefixes = {c[:12] for c in codes}
    assert prefixes == {"110101002000", "110101006000", "110101007000"}
    for prefix in prefixes:
        seqs = sorted(int(c[12:]) for c in codes if c.startswith(prefix))
        assert seqs[0] == 1


def test_codes_are_unique_and_every_issued_code_is_recorded(world: World) -> None:
    codes = cell_codes(world)
    assert len(codes) == len(set(codes))
    issued = set(GridCode.objects.values_list("code", flat=True))
    assert set(codes) | {world.gap_code} == issued
    assert GridCode.objects.get(code=world.gap_code).first_plan == world.plan


def test_cells_are_numbered_west_to_east_then_north_to_south(world: World) -> None:
    cells = full_cells(world.subs["S3"], world.grid)
    centres = shapely.centroid([shape(c.geom) for c in cells])
    x, y = world.proj.points_to_metres(shapely.get_x(centres), shapely.get_y(centres))
    for k in range(1, len(cells)):
        same_row = abs(y[k] - y[k - 1]) < CELL_M / 2
        if same_row:
            assert x[k] > x[k - 1], (cells[k - 1].code, cells[k].code)
        else:
            assert y[k] < y[k - 1] - CELL_M / 2, (cells[k - 1].code, cells[k].code)


def test_a_new_grid_continues_after_the_highest_code_ever_issued(world: World) -> None:
    old = set(cell_codes(world)) | {world.gap_code}
    highest = {p: max(int(c[12:]) for c in old if c[:12] == p) for p in {c[:12] for c in old}}
    # Retire the old grid entirely, then cut a new one: no code may come back.
    Zone.objects.filter(plan=world.plan, layer=world.grid).delete()
    plan = Plan.objects.create(name="2027 网格方案")
    generate_grid(world.district, plan, world.grid, cell_size_m=250)
    new = cell_codes(world, plan)
    assert new and not set(new) & old
    for code in new:
        assert int(code[12:]) > highest[code[:12]]
    assert GridCode.objects.count() == len(old) + len(new)


def test_the_code_scheme_is_a_setting(world: World, settings) -> None:
    settings.GRIDMGR_GRID_CODE_SCHEME = "14"
    plan = Plan.objects.create(name="14 位方案")
    generate_grid(world.subs["S1"], plan, world.grid, cell_size_m=400)
    codes = cell_codes(world, plan)
    assert codes and all(len(c) == 14 and c.startswith("110101002000") for c in codes)
    assert len(set(codes)) == len(codes)


def test_cells_of_a_generated_grid_tile_their_subdistrict(world: World) -> None:
    sub = shape(world.subs["S3"].boundary)
    cells = [shape(z.geom) for z in Zone.objects.filter(layer=world.grid, region=world.subs["S3"])]
    union = shapely.union_all(cells)
    assert union.symmetric_difference(sub).area / sub.area < 1e-9
    assert abs(sum(c.area for c in cells) / sub.area - 1) < 1e-9  # and no two cells overlap
