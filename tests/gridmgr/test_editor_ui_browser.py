"""The editor in chromium: a coverage row opens a draft zoomed to its hole, drawn; the search box
goes to a zone and selects it; the "too many zones" warning goes once the view is not crowded;
a read-only plan or user gets no drawing tools (and is told why); the status message floats over
the map, never over the side panel. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django.fixtures import Settings

from gridmgr.models import Plan
from tests.browser import ARTIFACTS, BROWSER_TEST
from tests.gridmgr.coverage_page_client import fresh_cache
from tests.gridmgr.editor_cases import Editors, draft_cells, grid_draft, make_editors
from tests.gridmgr.test_editor_browser import READY, chromium, show, zone_load
from tests.world import World

pytest.importorskip("playwright")
from playwright.sync_api import Page  # noqa: E402

pytestmark = [*BROWSER_TEST, pytest.mark.usefixtures(fresh_cache.__name__)]
VIEW = "(() => { const b = window.gmeditor.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()"


@pytest.fixture
def editors(world: World) -> Editors:
    return make_editors(world)


def inside(view: list[float], lon: float, lat: float) -> bool:
    return view[0] < lon < view[2] and view[1] < lat < view[3]


def boxes_overlap(page: Page, a: str, b: str) -> bool:
    one, two = page.locator(a).bounding_box(), page.locator(b).bounding_box()
    assert one and two
    return not (
        one["x"] + one["width"] <= two["x"]
        or two["x"] + two["width"] <= one["x"]
        or one["y"] + one["height"] <= two["y"]
        or two["y"] + two["height"] <= one["y"]
    )


def test_a_coverage_row_opens_a_draft_zoomed_to_its_hole_drawn_and_the_message_stays_on_the_map(
    world: World, editors: Editors, live_server: Any
) -> None:
    lon, lat = world.gap.centroid.x, world.gap.centroid.y
    with chromium(live_server) as browser:
        page = browser.log_in("zhongxin", f"/coverage/?layer={world.grid.name}")
        row = page.locator("#blind-table tr.piece", has_text="40,000")
        row.locator("form.fix button").click()
        page.wait_for_url("**/editor/?plan=*&focus=*&piece=blind")
        page.wait_for_function(READY)
        page.wait_for_function("() => window.gmeditor.state.hole && !window.gmeditor.busy()")
        hole = page.evaluate(
            "(() => { const b = window.gmeditor.state.hole.getBounds();"
            " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()"
        )
        assert inside(hole, lon, lat)
        assert inside(page.evaluate(VIEW), lon, lat)
        assert page.evaluate("window.gmeditor.map.getZoom()") >= 16
        assert "盲区" in page.inner_text("#msg")
        assert page.locator(".leaflet-pm-icon-polygon").is_visible()  # a draft: draw the fix
        # The message floats over the map, inside it, and never over the side panel.
        assert boxes_overlap(page, "#msg", "#map") and not boxes_overlap(page, "#msg", "#side")
        page.screenshot(path=str(ARTIFACTS / "editor_fix_hole.png"))
    assert Plan.objects.filter(status=Plan.Status.DRAFT).count() == 1


def test_the_search_box_goes_to_a_zone_and_selects_it(
    world: World, editors: Editors, live_server: Any
) -> None:
    draft = grid_draft(world, editors)
    cell = draft_cells(world, draft, "S1")[5]
    with chromium(live_server) as browser:
        page = browser.log_in("bankuai3", f"/editor/?plan={draft.pk}&layer={world.grid.pk}")
        page.wait_for_function(READY)
        page.fill("#zone-search", cell.code)
        page.press("#zone-search", "Enter")
        page.wait_for_function("() => document.querySelector('#sel-count').textContent === '1'")
        assert cell.code in page.inner_text("#sel-list")
        assert inside(page.evaluate(VIEW), *world.inside(cell))
        page.screenshot(path=str(ARTIFACTS / "editor_search.png"))


def test_the_crowded_warning_goes_when_the_view_is_no_longer_crowded(
    world: World, editors: Editors, live_server: Any, settings: Settings
) -> None:
    settings.GRIDMGR_MAP_MAX_FEATURES = 40  # the world's whole grid is more than this
    draft = grid_draft(world, editors)
    cell = draft_cells(world, draft, "S3")[3]
    with chromium(live_server) as browser:
        page = browser.log_in("zhongxin", f"/editor/?plan={draft.pk}&layer={world.grid.pk}")
        page.wait_for_function(
            "() => /视野内区域过多/.test(document.querySelector('#msg').textContent)"
        )
        show(page, *world.inside(cell), zoom=19)  # a dozen cells in view
        page.wait_for_function("() => document.querySelector('#msg').textContent === ''")
        assert not page.locator("#msg").is_visible()


def test_a_read_only_plan_gets_no_drawing_tools_and_says_why_and_non_editors_are_refused(
    world: World, editors: Editors, live_server: Any
) -> None:
    draft = grid_draft(world, editors)
    # A role that may edit no zone is not offered the editor at all (the top bar's page rule).
    worker = Client()
    worker.force_login(get_user_model().objects.get(username="wangge3"))
    assert worker.get(f"/editor/?plan={draft.pk}&layer={world.grid.pk}").status_code == 403
    with chromium(live_server) as browser:
        active = browser.log_in("zhongxin", f"/editor/?plan={world.plan.pk}&layer={world.grid.pk}")
        for page, reason in ((active, "该方案不是草稿"),):
            # The editor's script has set up its tools (none when read-only) and says why.
            page.wait_for_function(
                "([reason]) => window.gmeditor?.byId"
                " && document.querySelector('#read-only')?.textContent.includes(reason)",
                arg=[reason],
            )
            assert page.locator(".leaflet-pm-toolbar").count() == 0
            assert not page.locator("#btn-split").is_visible()
            assert not page.locator("#btn-merge").is_visible()
            assert reason in page.inner_text("#read-only")
        active.screenshot(path=str(ARTIFACTS / "editor_read_only.png"))
        editable = browser.log_in("zhongxin", f"/editor/?plan={draft.pk}&layer={world.grid.pk}")
        editable.wait_for_function(READY)
        assert editable.locator(".leaflet-pm-icon-polygon").is_visible()
        assert editable.locator("#read-only").count() == 0


def test_on_a_phone_the_map_takes_the_width_and_nothing_scrolls_sideways(
    world: World, editors: Editors, live_server: Any
) -> None:
    draft = grid_draft(world, editors)
    with chromium(live_server) as browser:
        page = browser.log_in("zhongxin", f"/editor/?plan={draft.pk}&layer={world.grid.pk}")
        page.wait_for_function(READY)
        # Leaflet takes the new size, fires moveend 200 ms later, and the editor then reloads.
        with page.expect_response(zone_load):
            page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_function(READY)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.locator("#map").bounding_box()
        assert box and box["width"] >= 380 and box["height"] >= 400
        assert not boxes_overlap(page, "#map", "#side")
        page.screenshot(path=str(ARTIFACTS / "editor_phone.png"))
