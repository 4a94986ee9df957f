"""The map page in a real browser (Debian's chromium driven by Playwright): it loads, layers
toggle, a click on a zone opens its panel, the search finds a grid. Screenshots go to
tests/artifacts/ (git-ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.browser import ARTIFACTS, BROWSER_TEST, launch
from tests.world import World, full_cells

pytest.importorskip("playwright")
from playwright.sync_api import Page, sync_playwright  # noqa: E402

READY = "() => window.gridmap && !window.gridmap.busy() && window.gridmap.zones.every(z => z.meta)"

# Leaflet marks its map pane while a zoom animation runs.
ZOOMED = "() => !document.querySelector('#map .leaflet-zoom-anim')"

pytestmark = BROWSER_TEST


@dataclass(frozen=True)
class Target:
    code: str
    lon: float
    lat: float


@pytest.fixture
def targets(world: World) -> dict[str, Target]:
    """Cells to click and to search for, read before the browser starts."""
    User.objects.create_superuser("zhongxin", password="map-secret-1")
    cells = {"click": full_cells(world.subs["S3"], world.grid)[20]}
    cells["search"] = full_cells(world.subs["S2"], world.grid)[3]
    return {k: Target(c.code, *world.inside(c)) for k, c in cells.items()}


@pytest.fixture
def page(live_server: Any, targets: dict[str, Target]) -> Iterator[Page]:
    """The map, logged in through the admin's login form as a superuser."""
    ARTIFACTS.mkdir(exist_ok=True)
    # No database access below: Playwright's sync API runs an event loop in this thread.
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        outside: list[str] = []
        page.on(
            "request",
            lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
        )
        page.goto(f"{live_server.url}/admin/login/?next=/map/")
        page.fill("#id_username", "zhongxin")
        page.fill("#id_password", "map-secret-1")
        page.click("input[type=submit]")
        page.wait_for_url("**/map/")
        page.wait_for_function(READY)
        yield page
        browser.close()
    assert outside == []  # no CDN, no base map tiles by default


def count(page: Page, index: int) -> int:
    return int(page.evaluate(f"window.gridmap.zones[{index}].group.getLayers().length"))


def click_at(page: Page, lon: float, lat: float) -> None:
    box = page.locator("#map").bounding_box()
    assert box is not None
    pt = page.evaluate(
        f"(() => {{ const p = window.gridmap.map.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }})()"
    )
    page.mouse.click(box["x"] + pt[0], box["y"] + pt[1])


def open_panel(page: Page, cell: Target) -> None:
    """Zoom to the cell, click it and wait for its panel."""
    # Without animation the view's moveend fires inside setView and map.js starts its requests
    # there, so busy() already covers them.
    page.evaluate(
        f"void window.gridmap.map.setView([{cell.lat}, {cell.lon}], 16, {{animate: false}})"
    )
    page.wait_for_function(READY)
    click_at(page, cell.lon, cell.lat)
    page.wait_for_selector("#panel:not([hidden]) #panel-code")


def test_page_loads_with_the_layers_of_the_district(page: Page) -> None:
    assert page.title().startswith("东城迷你区")
    assert count(page, 0) == 3  # the sectors S1, S2, S3
    assert count(page, 1) > 100  # the unit grids: few enough to show before zoom 15
    assert page.locator("#legend li").count() > 5
    page.screenshot(path=str(ARTIFACTS / "map_page.png"))


def test_layers_toggle_off_and_on(page: Page) -> None:
    grids = page.locator("input[data-toggle=layer]").nth(1)
    grids.uncheck()
    assert count(page, 1) == 0
    grids.check()
    page.wait_for_function(READY)
    assert count(page, 1) > 100
    page.locator("input[data-toggle=regions]").uncheck()
    assert page.evaluate("window.gridmap.map.hasLayer(window.gridmap.regions.group)") is False


def test_clicking_a_zone_opens_its_panel(page: Page, targets: dict[str, Target]) -> None:
    cell = targets["click"]
    open_panel(page, cell)
    assert page.inner_text("#panel-code") == cell.code
    assert "网格员S3" in page.inner_text("#panel")
    page.screenshot(path=str(ARTIFACTS / "map_panel.png"))


def test_search_finds_a_grid_by_code(page: Page, targets: dict[str, Target]) -> None:
    cell = targets["search"]
    page.fill("#search", cell.code[-6:])
    page.wait_for_selector("#results li[data-k]")
    page.screenshot(path=str(ARTIFACTS / "map_search_results.png"))
    page.fill("#search", cell.code)
    page.press("#search", "Enter")
    page.wait_for_function(f"document.querySelector('#panel-code')?.textContent === '{cell.code}'")
    page.wait_for_function("window.gridmap.map.getZoom() >= 16")
    page.wait_for_function(ZOOMED)
    page.wait_for_function(READY)
    page.screenshot(path=str(ARTIFACTS / "map_search.png"))


def test_on_a_phone_the_layers_are_a_drawer_and_the_panel_opens(
    page: Page, targets: dict[str, Target]
) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    page.wait_for_selector("#side", state="hidden", timeout=5000)
    assert page.locator("#side").is_hidden()
    assert page.locator("#top .menu-toggle").is_visible()  # the way to every other page stays
    page.click("#drawer-toggle")
    assert page.locator("#side").is_visible()
    assert page.get_attribute("#drawer-toggle", "aria-expanded") == "true"
    page.locator("input[data-toggle=regions]").uncheck()
    assert page.evaluate("window.gridmap.map.hasLayer(window.gridmap.regions.group)") is False
    page.screenshot(path=str(ARTIFACTS / "map_phone_drawer.png"))
    page.keyboard.press("Escape")
    assert page.locator("#side").is_hidden()
    cell = targets["click"]
    open_panel(page, cell)
    assert page.locator("#panel").is_visible()
    assert page.inner_text("#panel-code") == cell.code
    page.screenshot(path=str(ARTIFACTS / "map_phone_panel.png"))
