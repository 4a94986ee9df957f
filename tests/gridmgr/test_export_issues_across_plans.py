"""export_issues after a redraw: a unit's cases under any plan carry its one code."""

from __future__ import annotations

import csv
import io

from django.core.management import call_command

from gridmgr.casework.report import report_issue
from gridmgr.models import Issue
from tests.gridmgr.editor_cases import Editors
from tests.gridmgr.redraw_cases import redraw
from tests.world import World, full_cells


def test_closed_and_rerouted_cases_of_a_kept_code_export_the_same_code(
    world: World, editors: Editors
) -> None:
    cell = full_cells(world.subs["S1"], world.grid)[0]
    closed = report_issue(*world.inside(cell), world.categories["rubbish"])
    Issue.objects.filter(pk=closed.pk).update(status=Issue.Status.CLOSED)
    still_open = report_issue(*world.inside(cell), world.categories["parking"])
    redraw(world, editors.centre, world.sector, merge=("S1", "S2"))
    redraw(world, editors.centre, world.grid, name="2027 网格")
    out = io.StringIO()
    call_command(
        "export_issues", "--format", "csv", "--output", "-", stdout=out, stderr=io.StringIO()
    )
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    for issue in (closed, still_open):
        assert (rows[issue.pk]["zone_板块"], rows[issue.pk]["zone_单元网格"]) == ("S1", cell.code)
