"""Each demo role in a real browser (Debian's chromium driven by Playwright): it logs in through
the form and lands on its work; the top bar reaches every page the role may open, each answers
and marks its entry; every other staff page answers 403. A visitor lands on the login form.
One browser, one login per role."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from gridmgr.casework.loop import apply, receive
from gridmgr.models import Issue
from tests.browser import ARTIFACTS, BROWSER_TEST, launch
from tests.gridmgr.nav_cases import LANDING, PAGE_URLS, PASSWORD, TOP_BAR, make_logins
from tests.world import World, full_cells

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

pytestmark = BROWSER_TEST


@pytest.fixture
def logins(world: World) -> dict[str, User]:
    """The logins, and a case in 朝阳门 waiting for each of its roles' first step."""
    users = make_logins(world)
    for k, status in enumerate(("dispatched", "handled")):
        cell = full_cells(world.subs["S3"], world.grid)[k]
        issue = receive(*world.inside(cell), world.categories["rubbish"], source="hotline").issue
        apply(issue, "register", users["zhongxin"])
        apply(issue, "dispatch", users["zhongxin"])
        Issue.objects.filter(pk=issue.pk).update(status=status)
    return users


def log_in(browser: Browser, url: str, name: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click(".login button[type=submit]")
    return page


def entries(page: Page) -> list[str]:
    keys: list[str] = page.eval_on_selector_all(
        "nav.top a[data-page]", "links => links.map(a => a.dataset.page)"
    )
    return keys


def walk_the_top_bar(page: Page, url: str, name: str) -> None:
    """Follow every entry of the bar from the page before; each must open and be marked."""
    for key in TOP_BAR[name]:
        with page.expect_navigation() as went:
            page.click(f'nav.top a[data-page="{key}"]')
        if key == "admin":  # Django's admin, with its own header
            page.wait_for_selector("#site-name")
            assert page.url == f"{url}/admin/"
            page.go_back()
            continue
        response = went.value
        assert response is not None and response.status == 200, (name, key, page.url)
        assert entries(page) == TOP_BAR[name], (name, key)
        current = page.eval_on_selector("nav.top a[aria-current=page]", "a => a.dataset.page")
        assert current == key, (name, key)


def test_each_role_lands_on_its_work_and_the_bar_reaches_its_pages_and_no_other(
    live_server: Any, logins: dict[str, User]
) -> None:
    url = live_server.url
    with sync_playwright() as p:  # no database access below: Playwright runs an event loop
        browser = launch(p)
        try:
            visit_as_each_role(browser, url)
        finally:
            browser.close()


def visit_as_each_role(browser: Browser, url: str) -> None:
    for name in TOP_BAR:
        page = log_in(browser, url, name)
        assert page.url == url + LANDING[name], name
        assert entries(page) == TOP_BAR[name], name
        if name == "wanggeyuan":
            page.screenshot(path=str(ARTIFACTS / "nav_grid_worker_landing.png"))
        walk_the_top_bar(page, url, name)
        for key, path in PAGE_URLS.items():
            if key not in TOP_BAR[name]:
                response = page.goto(url + path)
                assert response is not None, (name, key)
                if key == "admin":
                    assert "/admin/login/" in page.url, name
                else:
                    assert response.status == 403, (name, key, response.status)
                    assert entries(page) == TOP_BAR[name], (name, key)
        page.context.close()
    visitor = browser.new_page()
    visitor.goto(f"{url}/")
    assert visitor.url == f"{url}/accounts/login/"
    assert entries(visitor) == ["report", "track"]
