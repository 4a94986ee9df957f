"""A coverage report and a draft preview are one type with one reading of the zones.

`Coverage` (gridmgr.coverage.analysis) holds the figures both show; both read their zones with
gridmgr.coverage.zones and analyse the owned ones the same way. A draft that copies the active
plan must therefore preview exactly the figures the coverage report gives for the district.
"""

from __future__ import annotations

from dataclasses import fields

import pytest

from gridmgr.coverage.analysis import Coverage, LayerCoverage, analyse_layer
from gridmgr.editor.preview import DraftCoverage, preview_draft
from gridmgr.models import Ownership, Plan
from tests.world import World, full_cells

FIGURES = ("total_m2", "covered_m2", "blind_m2", "overlap_m2", "coverage_pct")


def test_both_are_the_one_coverage_type() -> None:
    shared = [f.name for f in fields(Coverage)]
    assert len(shared) == 12
    for kind in (LayerCoverage, DraftCoverage):
        assert issubclass(kind, Coverage)
        assert [f.name for f in fields(kind)][: len(shared)] == shared


def test_a_copy_of_the_active_plan_previews_the_report_s_figures(world: World, draft: Plan) -> None:
    # One copied cell without an owner today: both must count it blind and name it unowned.
    cell = full_cells(world.subs["S2"], world.grid, draft)[0]
    Ownership.objects.filter(zone=cell).delete()
    active = full_cells(world.subs["S2"], world.grid)[0]
    Ownership.objects.filter(zone=active).delete()
    report = analyse_layer(world.district, world.grid)
    preview = preview_draft(draft, world.grid)
    for name in FIGURES:
        assert getattr(preview, name) == pytest.approx(getattr(report, name), abs=1e-6), name
    assert (preview.zone_count, preview.slivers) == (report.zone_count, report.slivers)
    assert preview.unowned == report.unowned == [active.code]
    for mine, theirs in ((preview.blind, report.blind), (preview.overlaps, report.overlaps)):
        assert sorted((p.area_m2, p.zones) for p in mine) == sorted(
            (p["area_m2"], p["zones"]) for p in theirs
        )
