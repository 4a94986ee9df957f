"""Activating a plan from the editor: a dialog (not window.confirm) shows the summary the
activation will return (zones added, removed and redrawn, blind area before → after, open cases
that change hands, from whom to whom), and the result says the same numbers the same way, as do
the preview panel's words."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gridmgr.casework.report import report_issue
from gridmgr.models import Ownership, Plan
from tests.browser import ARTIFACTS, BROWSER_TEST
from tests.gridmgr.coverage_page_client import fresh_cache
from tests.gridmgr.editor_cases import grid_draft, make_editors
from tests.gridmgr.test_editor_browser import READY, chromium
from tests.world import World, full_cells, make_owner

pytestmark = [*BROWSER_TEST, pytest.mark.usefixtures(fresh_cache.__name__)]


def draft_moving_one_case(world: World) -> Plan:
    """Five open cases in 朝阳门; a draft in which one of their cells has a new grid worker."""
    cells = full_cells(world.subs["S3"], world.grid)
    for cell in cells[:5]:
        report_issue(*world.inside(cell), world.categories["parking"])
    plan = grid_draft(world, make_editors(world), "启用对话框")
    moved = full_cells(world.subs["S3"], world.grid, plan)[0]
    moved.ownerships.all().delete()
    Ownership.objects.create(owner=make_owner("新网格员乙"), zone=moved, role="grid_worker")
    return plan


def test_the_confirm_dialog_shows_the_summary_and_the_result_repeats_it(
    world: World, live_server: Any
) -> None:
    plan = draft_moving_one_case(world)
    with chromium(live_server) as browser:
        page = browser.log_in("zhongxin", f"/editor/?plan={plan.pk}&layer={world.grid.pk}")
        page.wait_for_function(READY)
        page.click("#btn-preview")
        page.wait_for_function("() => window.gmeditor.state.lastPreview && !window.gmeditor.busy()")
        previewed = page.inner_text("#pv-moved")
        page.on("dialog", lambda d: pytest.fail(f"a window dialog: {d.message}"))
        page.click("#btn-activate")
        page.wait_for_selector("#activate-dialog[open]")
        shown = page.inner_text("#activate-summary")
        page.screenshot(path=str(ARTIFACTS / "editor_activate_dialog.png"))
        page.click("#activate-confirm")
        page.wait_for_function("() => window.gmeditor.state.activated && !window.gmeditor.busy()")
        said, result = page.inner_text("#msg"), page.inner_text("#preview")
        page.screenshot(path=str(ARTIFACTS / "editor_activated_summary.png"))
        assert page.locator(".leaflet-pm-toolbar").count() == 0  # active now: read-only

    assert previewed == "在办问题 5 件中，1 件将换责任人（至少一个图层）"
    assert "在办问题 5 件中，1 件将换责任人（至少一个图层）" in shown
    assert "网格员S3" in shown and "新网格员乙" in shown
    assert re.search(r"新增 0，删除 0，改形 0", shown)
    blind = re.search(r"盲区面积 ([\d,.]+ m²) → ([\d,.]+ m²)", shown)
    assert blind and blind.group(1) == blind.group(2)  # owners changed, not outlines
    assert "在办问题 5 件中，1 件已换责任人（至少一个图层）" in said
    assert shown.replace("将换", "已换") in result
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE
