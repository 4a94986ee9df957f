"""Activation says what the preview said: the summary shown before (zones added, removed and
redrawn, blind area before → after, open cases that change hands, from whom to whom) is the
summary activation returns, computed the same way, and it counts the cases that really moved."""

from __future__ import annotations

import shapely
from django.contrib.auth.models import User
from django.test import Client

from gridmgr.access import account_of
from gridmgr.casework.report import report_issue
from gridmgr.coverage.analysis import analyse_layer
from gridmgr.editor import drafts as editor
from gridmgr.editor import plan_summary
from gridmgr.models import Issue, Ownership, Plan, Routing, Zone
from tests.gridmgr.editor_cases import client_of, grid_draft, make_editors
from tests.world import World, full_cells, make_owner, shape


def owners_now() -> dict[tuple[int, int], int | None]:
    rows = Routing.objects.filter(issue__status__in=Issue.OPEN_STATUSES)
    return {(r.issue_id, r.layer_id): r.owner_id for r in rows}


def draft_that_fills_the_gap_and_moves_a_cell(world: World) -> Plan:
    """A copy of the unit grid: the gap drawn in, one S1 cell deleted, one S3 cell re-owned
    and shrunk by a 50 m strip."""
    editors = make_editors(world)
    plan = grid_draft(world, editors, "汇总草稿")
    centre = account_of(editors.centre)
    editor.draw_zone(centre, plan, world.grid, world.gap)
    full_cells(world.subs["S1"], world.grid, plan)[3].delete()
    cell = full_cells(world.subs["S3"], world.grid, plan)[2]
    minx, miny, maxx, maxy = shape(cell.geom).bounds
    strip = shapely.box(minx, miny, minx + (maxx - minx) / 4, maxy)
    editor.cut_zone(centre, cell, cell.version, strip)
    cell.ownerships.all().delete()
    Ownership.objects.create(owner=make_owner("新网格员甲"), zone=cell, role="grid_worker")
    return plan


def test_activation_returns_the_summary_shown_before_and_it_counts_real_moves(
    world: World,
) -> None:
    parking = world.categories["parking"]
    cells = full_cells(world.subs["S3"], world.grid)
    for cell in cells[:6]:
        report_issue(*world.inside(cell), parking)
    plan = draft_that_fills_the_gap_and_moves_a_cell(world)
    shown = plan_summary.summarise(plan).as_dict()
    before = owners_now()
    blind_was = analyse_layer(world.district, world.grid).blind_m2

    done = plan_summary.activate(plan).as_dict()

    assert done == shown
    after = owners_now()
    changed = {issue for (issue, layer), owner in after.items() if before[(issue, layer)] != owner}
    assert done["moved"] == len(changed) == 1
    assert done["open_issues"] == len({issue for issue, _ in after}) == 6
    (move,) = done["moves"]
    assert (move["from_owner"], move["to_owner"], move["count"]) == ("网格员S3", "新网格员甲", 1)
    (grid,) = done["layers"]
    assert (grid["added"], grid["removed"], grid["redrawn"]) == (1, 1, 1)
    blind_now = analyse_layer(world.district, world.grid).blind_m2
    assert grid["blind_after_m2"] == round(blind_now, 1)
    assert grid["blind_before_m2"] == round(blind_was, 1)
    assert Zone.objects.filter(plan=plan, active=True).count() == grid["zones"]


def test_only_the_centre_is_shown_the_summary_and_nothing_changes(world: World) -> None:
    plan = draft_that_fills_the_gap_and_moves_a_cell(world)
    url = f"/editor/plans/{plan.pk}/summary"
    assert Client().get(url).status_code == 302  # to the login page
    lead, centre = User.objects.get(username="bankuai3"), User.objects.get(username="zhongxin")
    refused = client_of(lead).get(url)
    assert refused.status_code == 403 and "only the command centre" in refused.json()["en"]
    shown = client_of(centre).get(url).json()
    assert shown == plan_summary.summarise(plan).as_dict()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
