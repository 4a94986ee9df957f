"""generate_grid cuts unit grids by cell size or by street blocks, writing only with --commit."""

from __future__ import annotations

import io

import pytest
import shapely
from django.core.management import CommandError, call_command

from gridmgr.models import GridCode, Layer, Plan, Region, Zone
from tests.world import BOSTON_STREETS, World, shape


def run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_grid", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_cell_size_grid_is_generated_in_a_new_draft_plan(world: World) -> None:
    out = run(
        "--region",
        "110101007",
        "--plan",
        "朝阳门 300 米",
        "--layer",
        "单元网格",
        "--cell-size",
        "300",
        "--commit",
    )
    plan = Plan.objects.get(name="朝阳门 300 米")
    zones = Zone.objects.filter(plan=plan)
    assert f"{zones.count()} unit grids generated in plan '朝阳门 300 米'" in out
    assert plan.status == Plan.Status.DRAFT and not zones.filter(active=True).exists()
    assert all(z.code.startswith("110101007000") and len(z.code) == 15 for z in zones)
    whole = [z for z in zones if abs(z.area_m2 - 90_000) < 50]
    assert whole, "some cells are whole 300 m squares"
    union = shapely.union_all([shape(z.geom) for z in zones])
    sub = shape(world.subs["S3"].boundary)
    assert union.symmetric_difference(sub).area < 1e-9 * sub.area
    # Each cell hangs under the sector that holds it.
    assert {z.parent.code for z in zones} == {"S3"}


def test_without_commit_nothing_is_written(world: World) -> None:
    codes = GridCode.objects.count()
    out = run(
        "--region", "110101007", "--plan", "草稿", "--layer", "单元网格", "--cell-size", "300"
    )
    assert "unit grids generated" in out and "dry run" in out
    assert not Plan.objects.filter(name="草稿").exists()
    assert GridCode.objects.count() == codes


def test_street_blocks_of_boston_common_become_unit_grids(boston: Region) -> None:
    out = run(
        "--region",
        "999999",
        "--plan",
        "街区方案",
        "--layer",
        "街区网格",
        "--streets",
        str(BOSTON_STREETS),
        "--commit",
    )
    zones = list(Zone.objects.filter(plan__name="街区方案").order_by("code"))
    assert len(zones) > 20
    assert f"{len(zones)} unit grids generated" in out
    assert Layer.objects.get(name="街区网格").is_unit_grid
    assert [z.code for z in zones] == [f"999999000000{k:03d}" for k in range(1, len(zones) + 1)]
    district = shape(boston.boundary)
    blocks = [shape(z.geom) for z in zones]
    assert sum(b.difference(district).area for b in blocks) < 1e-9 * district.area
    assert all(z.area_m2 >= 50 for z in zones)
    # Blocks do not overlap one another.
    union = shapely.union_all(blocks)
    assert sum(b.area for b in blocks) == pytest.approx(union.area, rel=1e-9)


def test_an_unknown_region_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match="no region with code 110101099"):
        run("--region", "110101099", "--plan", "x", "--layer", "单元网格", "--cell-size", "300")


def test_cell_size_and_streets_are_exclusive(world: World) -> None:
    with pytest.raises(CommandError):
        run(
            "--region",
            "110101007",
            "--plan",
            "x",
            "--layer",
            "y",
            "--cell-size",
            "300",
            "--streets",
            str(BOSTON_STREETS),
        )


def test_a_non_positive_cell_size_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match="cell size must be positive"):
        run("--region", "110101007", "--plan", "x", "--layer", "单元网格", "--cell-size", "-5")
    assert not Plan.objects.filter(name="x").exists()
