"""Coverage snapshots are stored only on commit, and a report says what changed since the last."""

from __future__ import annotations

import pytest

from gridmgr.coverage.analysis import analyse
from gridmgr.models import CoverageSnapshot
from tests.world import World, full_cells

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def test_snapshots_are_stored_only_with_commit(world: World) -> None:
    analyse(world.district, [world.grid])
    assert CoverageSnapshot.objects.count() == 0
    analyse(world.district, [world.sector, world.grid], commit=True)
    assert CoverageSnapshot.objects.count() == 2


def test_snapshot_keeps_the_figures_and_geometries_of_the_report(world: World) -> None:
    (report,) = analyse(world.district, [world.grid], commit=True)
    snap = CoverageSnapshot.objects.get()
    assert (snap.region, snap.layer) == (world.district, world.grid)
    assert snap.blind_m2 == pytest.approx(report.blind_m2)
    assert snap.coverage_pct == pytest.approx(report.coverage_pct)
    assert (snap.blind_count, snap.overlap_count) == (1, 4)
    assert snap.zone_count == report.zone_count
    assert snap.blind.area == pytest.approx(world.gap.area, rel=1e-6)
    assert len(snap.overlap) == 4
    assert snap.details["overlaps"] == report.overlaps


def test_the_first_report_has_no_change_the_next_reports_the_change(world: World) -> None:
    (first,) = analyse(world.district, [world.grid], commit=True)
    assert first.change is None
    retired = full_cells(world.subs["S3"], world.grid)[0]
    retired.delete()
    (second,) = analyse(world.district, [world.grid])
    assert second.change is not None
    assert second.change["blind_m2"] == pytest.approx(retired.area_m2, rel=1e-3)
    assert second.change["blind_count"] == 1
    assert second.change["overlap_count"] == 0
    assert second.change["coverage_pct"] < 0
    assert second.change["since"] == CoverageSnapshot.objects.get().taken_at.isoformat()


def test_change_is_measured_against_the_latest_committed_snapshot(world: World) -> None:
    analyse(world.district, [world.grid], commit=True)
    full_cells(world.subs["S3"], world.grid)[0].delete()
    analyse(world.district, [world.grid], commit=True)
    (third,) = analyse(world.district, [world.grid])
    assert third.change["blind_m2"] == 0
    assert third.change["blind_count"] == 0
    assert CoverageSnapshot.objects.count() == 2
