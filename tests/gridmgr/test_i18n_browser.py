"""Switching language in a real browser (Debian's chromium driven by Playwright): the map page
switches from Chinese to English, its layer panel, legend and zone panel with it (scripts read
Django's JavaScript catalogue), and the issue list switches back. Screenshots of both languages
go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.browser import ARTIFACTS, BROWSER_TEST, launch
from tests.gridmgr.casework_cases import cases
from tests.world import World, full_cells

pytest.importorskip("playwright")
from playwright.sync_api import Page, sync_playwright  # noqa: E402

READY = "() => window.gridmap && !window.gridmap.busy() && window.gridmap.zones.every(z => z.meta)"

pytestmark = BROWSER_TEST


@pytest.fixture
def zone_spot(world: World) -> tuple[float, float]:
    """A user, four issues, and a point inside a unit grid of 朝阳门, set up before the browser."""
    User.objects.create_superuser("zhongxin", password="i18n-secret-1")
    cases(world)
    return world.inside(full_cells(world.subs["S3"], world.grid)[20])


@pytest.fixture
def page(live_server: Any, zone_spot: tuple[float, float]) -> Iterator[Page]:
    """A browser logged in through the login page, whose language (Accept-Language) is English:
    the pages must still come in Chinese until the user chooses."""
    ARTIFACTS.mkdir(exist_ok=True)
    # No database access below: Playwright's sync API runs an event loop in this thread.
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
        errors: list[str] = []
        outside: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "request",
            lambda r: (
                None if r.url.startswith((live_server.url, "data:")) else outside.append(r.url)
            ),
        )
        page.goto(f"{live_server.url}/accounts/login/?next=/map/")
        page.fill("#id_username", "zhongxin")
        page.fill("#id_password", "i18n-secret-1")
        page.click("button[type=submit]")
        page.wait_for_url("**/map/")
        page.wait_for_function(READY)
        yield page
        browser.close()
        assert errors == []  # e.g. a script that calls gettext before the catalogue
        assert outside == []


def side(page: Page) -> str:
    return page.inner_text("#side")


def switch(page: Page, label: str) -> None:
    """Click 中文 or English in the switcher and wait for the page to come back."""
    with page.expect_navigation():
        page.click(f"form.lang button:text-is('{label}')")


def open_panel(page: Page, lon: float, lat: float) -> str:
    # Without animation moveend fires inside setView, where map.js starts its requests (busy()).
    page.evaluate(f"void window.gridmap.map.setView([{lat}, {lon}], 16, {{animate: false}})")
    page.wait_for_function(READY)
    box = page.locator("#map").bounding_box()
    assert box is not None
    x, y = page.evaluate(
        f"(() => {{ const p = window.gridmap.map.latLngToContainerPoint([{lat}, {lon}]);"
        " return [p.x, p.y]; })()"
    )
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector("#panel:not([hidden]) #panel-code")
    return page.inner_text("#panel")


def test_the_map_switches_language_with_its_layer_panel(
    page: Page, zone_spot: tuple[float, float]
) -> None:
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    chinese = side(page)
    for label in ("图层", "行政区划", "驻点", "盲区", "着色", "图例", "行政区划边界", "单元网格"):
        assert label in chinese, label
    assert "Layers" not in chinese and "Legend" not in chinese
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "放大"
    panel = open_panel(page, *zone_spot)
    assert "责任链" in panel and "面积" in panel and "Owner chain" not in panel
    page.screenshot(path=str(ARTIFACTS / "i18n_map_zh.png"))

    switch(page, "English")
    page.wait_for_function(READY)
    assert page.evaluate("document.documentElement.lang") == "en"
    english = side(page)
    for label in ("Layers", "Regions", "Stations", "Blind spots", "Colour", "Legend"):
        assert label in english, label
    for label in ("region outline", "unit grid", "sector", "issue: reported"):
        assert label in english, label  # the legend, drawn by map.js
    assert "图层" not in english and "行政区划" not in english
    assert page.input_value("#search") == "" and "Search" in page.get_attribute(
        "#search", "placeholder"
    )
    assert page.inner_text("#status").startswith("zoom")
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "Zoom in"
    panel = open_panel(page, *zone_spot)
    assert "Owner chain" in panel and "Area" in panel and " m²" in panel
    assert "责任链" not in panel and "面积" not in panel
    page.screenshot(path=str(ARTIFACTS / "i18n_map_en.png"))


def test_the_issue_list_switches_back_to_chinese(page: Page, live_server: Any) -> None:
    switch(page, "English")
    page.goto(f"{live_server.url}/issues/")
    assert page.inner_text("h1") == "Issues"
    assert "4 issues" in page.inner_text("p.total")
    assert "reported" in page.inner_text("table.issues")
    page.screenshot(path=str(ARTIFACTS / "i18n_issues_en.png"), full_page=True)

    page.goto(f"{live_server.url}/issues/map/")
    page.wait_for_function("() => window.issueMap && window.issueMap.ready")
    assert page.inner_text("#map-status") == "4 issues"

    page.goto(f"{live_server.url}/issues/")
    switch(page, "中文")
    assert page.url.endswith("/issues/")
    assert page.inner_text("h1") == "问题列表"
    assert "共 4 件" in page.inner_text("p.total")
    assert "已上报" in page.inner_text("table.issues")
    page.screenshot(path=str(ARTIFACTS / "i18n_issues_zh.png"), full_page=True)
