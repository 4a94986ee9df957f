"""Both maps in chromium: the issue map draws each case in its status's colour and lists the
statuses in its legend; the district map's legend gives the same colours (all statuses when
"all" issues are shown). Screenshots go to tests/artifacts/."""

from __future__ import annotations

from typing import Any

from gridmgr.casework.report import report_issue
from gridmgr.models import Issue
from gridmgr.viewport.palette import STATUS_COLOURS
from tests.browser import ARTIFACTS, BROWSER_TEST
from tests.gridmgr.editor_cases import make_editors
from tests.gridmgr.test_editor_browser import chromium
from tests.world import World, full_cells

pytestmark = BROWSER_TEST
STATUSES = ["reported", "dispatched", "handling", "closed", "suspended"]
LEGEND = """(sel) => Object.fromEntries([...document.querySelectorAll(sel)].map(
  (el) => [el.dataset.status, getComputedStyle(el.querySelector('.sw') || el).backgroundColor]))"""


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_the_two_maps_draw_and_explain_each_status_in_the_same_colour(
    world: World, live_server: Any
) -> None:
    make_editors(world)
    cells = full_cells(world.subs["S3"], world.grid)
    for cell, status in zip(cells, STATUSES, strict=False):
        issue = report_issue(*world.inside(cell), world.categories["parking"])
        Issue.objects.filter(pk=issue.pk).update(status=status)
    palette = {s: rgb(c) for s, c in STATUS_COLOURS.items()}
    with chromium(live_server) as browser:
        issue_map = browser.log_in("zhongxin", "/issues/map/")
        issue_map.wait_for_function("() => window.issueMap && window.issueMap.ready")
        drawn = issue_map.evaluate(
            """() => window.issueMap.cluster.getLayers().map((m) => m.options.fillColor)"""
        )
        legend = issue_map.evaluate(LEGEND, "#status-legend li[data-status]")
        issue_map.screenshot(path=str(ARTIFACTS / "issue_map_legend.png"))

        district = browser.log_in("zhongxin", "/map/")
        district.select_option("#issue-status", "all")
        district.wait_for_selector("#legend .sw[data-status=closed]")
        on_map = district.evaluate(LEGEND, "#legend .sw[data-status]")
        district.screenshot(path=str(ARTIFACTS / "map_legend.png"))

    assert sorted(drawn) == sorted(STATUS_COLOURS[s] for s in STATUSES)
    assert legend == palette
    assert on_map == palette
