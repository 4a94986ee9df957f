"""A repeat spot whose reports span a redraw is one spot, under the grid code in force."""

from __future__ import annotations

import datetime as dt

from gridmgr.casework.repeats import repeat_spots
from gridmgr.casework.report import report_issue
from gridmgr.models import Issue, Zone
from tests.gridmgr.editor_cases import Editors
from tests.gridmgr.redraw_cases import redraw
from tests.loop import at
from tests.world import World, full_cells

NOW = at(2026, 6, 1, 12)


def test_reports_before_and_after_a_redraw_make_one_spot_under_the_kept_code(
    world: World, editors: Editors
) -> None:
    cell = full_cells(world.subs["S3"], world.grid)[5]
    spot = world.inside(cell)
    rubbish = world.categories["rubbish"]
    before = [
        report_issue(
            *world.move(*spot, k * 5, 0), rubbish, reported_at=NOW - dt.timedelta(days=30 + k)
        )
        for k in range(2)
    ]
    Issue.objects.filter(pk=before[0].pk).update(status=Issue.Status.CLOSED)
    plan = redraw(world, editors.centre, world.grid)
    after = report_issue(*spot, rubbish, reported_at=NOW - dt.timedelta(days=1))
    [found] = repeat_spots(now=NOW)
    assert sorted(found.issue_ids) == sorted([*(i.pk for i in before), after.pk])
    assert found.zone == Zone.objects.get(plan=plan, layer=world.grid, code=cell.code)
    assert found.owner == world.owners["网格员S3"]
    # Asked for inside the unit's earlier or current zone, the same one spot.
    for zone in (cell, found.zone):
        assert [s.count for s in repeat_spots(zone=zone, now=NOW)] == [3]
