"""Every page on a 390 × 844 phone in a real browser (Debian's chromium driven by Playwright):
no page scrolls sideways, for each role and for a visitor; the top bar's menu opens and shows
the role's pages, the language, the user and logging out; a grid worker's case page puts its
actions first and a refused step's message once, next to them. Screenshots go to
tests/artifacts/ (git-ignored). One browser a test, one login per role."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User

from gridmgr.casework.loop import apply, receive
from gridmgr.models import Issue
from tests.browser import ARTIFACTS, BROWSER_TEST, launch
from tests.gridmgr.nav_cases import PASSWORD, TOP_BAR, make_logins
from tests.world import World, full_cells

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

pytestmark = BROWSER_TEST

WIDTH = 390
PHONE: dict[str, Any] = {
    "viewport": {"width": WIDTH, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
# Beyond the top bar's pages: what a role reaches from them, and what a visitor may open.
STAFF_EXTRA = ["/issues/map/", "/report/", "/track/", "/accounts/password_change/", "/api/redoc/"]
VISITOR = ["/accounts/login/", "/report/", "/track/", "/track/?number=NOSUCHCASE"]
SIDEWAYS = "document.documentElement.scrollWidth"
CASE_LINK = re.compile(r"^/issues/\d+/$")


@pytest.fixture
def case(world: World) -> Issue:
    """A case in 朝阳门 in the grid worker's hands, its reported address a long unbroken text."""
    cell = full_cells(world.subs["S3"], world.grid)[0]
    issue = receive(
        *world.inside(cell),
        world.categories["rubbish"],
        source="hotline",
        address="朝阳门南小街" + "x" * 80,
        description="垃圾堆放 " * 40,
    ).issue
    return issue


@pytest.fixture
def logins(world: World, case: Issue) -> dict[str, User]:
    users = make_logins(world)
    for step, who in (("register", "zhongxin"), ("dispatch", "zhongxin"), ("accept", "wanggeyuan")):
        apply(case, step, users[who])
    return users


def log_in(browser: Browser, url: str, name: str) -> Page:
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click(".login button[type=submit]")
    return page


def fits(page: Page, url: str, path: str, who: str) -> None:
    response = page.goto(url + path)
    assert response is not None and response.status in (200, 404), (who, path)
    width = page.evaluate(SIDEWAYS)
    if width > WIDTH + 1:
        page.screenshot(path=str(ARTIFACTS / f"phone_too_wide_{who}.png"))
    assert width <= WIDTH + 1, (who, path, width)


def the_menu_opens(page: Page, name: str) -> None:
    """Folded, the bar fits; opened, every page, the language, the user and log-out show."""
    assert page.locator("#top-menu").is_hidden(), name
    page.click("nav.top .menu-toggle")
    shown = ["nav.top a[data-page]", "nav.top form.lang button", "nav.top .who"]
    shown.append("nav.top form[action='/accounts/logout/'] button")
    for selector in shown:
        for box in [el.bounding_box() for el in page.locator(selector).all()]:
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (
                name,
                selector,
            )
    keys = page.eval_on_selector_all("nav.top a[data-page]", "a => a.map(e => e.dataset.page)")
    assert keys == TOP_BAR[name]
    page.keyboard.press("Escape")
    assert page.locator("#top-menu").is_hidden()


def every_page_of(page: Page, url: str, name: str) -> None:
    the_menu_opens(page, name)
    pages: list[str] = page.eval_on_selector_all(
        "nav.top a[data-page]", "a => a.map(e => e.getAttribute('href'))"
    )
    for path in [p for p in pages if p != "/admin/"] + STAFF_EXTRA:  # the admin is Django's
        fits(page, url, path, name)
    page.goto(f"{url}/issues/")
    links: list[str] = page.eval_on_selector_all("a", "a => a.map(e => e.getAttribute('href'))")
    for path in [h for h in links if h and CASE_LINK.match(h)][:1]:  # a case page it may see
        fits(page, url, path, name)


def test_no_page_scrolls_sideways_on_a_phone(live_server: Any, logins: dict[str, User]) -> None:
    url = live_server.url
    with sync_playwright() as p:  # no database access below: Playwright runs an event loop
        browser = launch(p)
        try:
            visitor = browser.new_context(**PHONE).new_page()
            for path in VISITOR:
                fits(visitor, url, path, "visitor")
            for name in TOP_BAR:
                page = log_in(browser, url, name)
                fits(page, url, page.url.removeprefix(url), name)  # its landing page
                if name == "wanggeyuan":
                    page.screenshot(path=str(ARTIFACTS / "phone_grid_worker_landing.png"))
                every_page_of(page, url, name)
                page.context.close()
        finally:
            browser.close()


def test_the_grid_worker_s_case_page_puts_the_actions_first(
    live_server: Any, logins: dict[str, User], case: Issue
) -> None:
    url, sheet = live_server.url, f"/issues/{case.pk}/"
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = log_in(browser, url, "wanggeyuan")
            fits(page, url, sheet, "wanggeyuan")
            actions = page.locator("#actions").bounding_box()
            facts = page.locator(".sheet section").first.bounding_box()
            assert actions is not None and facts is not None
            assert actions["y"] < facts["y"] and actions["y"] < 400  # on the first screen
            with page.expect_navigation():  # report back without the photo it needs
                page.locator('form[data-action="handle"] button[type=submit]').click()
            refused = "处置反馈须附本轮处置照片"
            assert page.inner_text("#actions ul.messages") == refused
            assert page.inner_text("body").count(refused) == 1
            page.screenshot(path=str(ARTIFACTS / "phone_case_refused.png"))
        finally:
            browser.close()
