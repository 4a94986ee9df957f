"""Every page loads from this machine alone, with no console error and no failed request.

Chromium reaches the live server under a host name (gridmgr.test) rather than 127.0.0.1, as a
district's users do: Swagger UI, for one, calls out to the internet only off localhost. The
pages are the shared ones plus a quick crawl of the links found on them, as an outsider and as
the command centre; favicon requests (/favicon.ico, which browsers make on their own) count.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from pytest_django.fixtures import Settings

from tests.browser import ARGS, BROWSER_TEST, CHROMIUM
from tests.gridmgr.casework_cases import cases
from tests.world import World

pytest.importorskip("playwright")
from playwright.sync_api import Page, sync_playwright  # noqa: E402

pytestmark = BROWSER_TEST
HOST = "gridmgr.test"
PUBLIC = ["/accounts/login/", "/report/", "/track/", "/api/docs/", "/api/redoc/"]
SIGNED_IN = ["/", "/map/", "/issues/", "/issues/map/", "/coverage/", "/editor/", "/scores/"]
SIGNED_IN += ["/admin/", "/api/docs/", "/api/redoc/", "/accounts/password_change/"]
# Links that act (log out, switch language) or download rather than show a page.
SKIP = ("/accounts/logout/", "/i18n/", ".xlsx", "/export/", "/admin/logout/", "/api/schema/")


class Visit:
    """What the browser did on the pages: requests off the machine, console errors, failures."""

    def __init__(self, page: Page, base: str) -> None:
        self.page, self.base = page, base
        self.outside: list[str] = []
        self.problems: list[str] = []
        page.on("request", self.request)
        page.on("console", self.console)
        page.on("pageerror", lambda e: self.note(f"script: {e}"))
        page.on("requestfailed", lambda r: self.note(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.note(f"{r.status}: {r.url}"))

    def note(self, problem: str) -> None:
        self.problems.append(f"{self.page.url} → {problem}")

    def console(self, message: Any) -> None:
        if message.type == "error":
            self.note(f"console: {message.text}")

    def request(self, request: Any) -> None:
        url = urlsplit(request.url)
        if url.scheme not in ("data", "blob") and url.hostname != HOST:
            self.outside.append(f"{self.page.url} → {request.url}")

    def open(self, path: str) -> list[str]:
        """Load a page until the network is quiet; return the same-site links on it."""
        self.page.goto(self.base + path, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        hrefs = self.page.eval_on_selector_all("a[href^='/']", "els => els.map(a => a.pathname)")
        return [h for h in hrefs if not any(s in h for s in SKIP)]

    def crawl(self, paths: list[str], limit: int = 30) -> list[str]:
        """Visit the paths, then the links they show, up to `limit` pages."""
        seen: list[str] = []
        queue = list(paths)
        while queue and len(seen) < limit:
            path = queue.pop(0)
            if path not in seen:
                seen.append(path)
                queue += self.open(path)
        return seen


@pytest.fixture
def issue_page(world: World) -> str:
    """A case page (receipts, timeline, actions), of one of the world's four cases."""
    return f"/issues/{cases(world).s3_rubbish.pk}/"


@pytest.fixture
def base(live_server: Any, settings: Settings, world: World, issue_page: str) -> str:
    settings.ALLOWED_HOSTS = [HOST]
    User.objects.create_superuser("zhongxin", password="local-only-1")
    return f"http://{HOST}:{urlsplit(live_server.url).port}"


@pytest.fixture
def browser(base: str) -> Iterator[Any]:
    """Chromium, started once the data is in (Playwright's sync API runs an event loop)."""
    with sync_playwright() as p:
        args = [*ARGS, f"--host-resolver-rules=MAP {HOST} 127.0.0.1"]
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield browser
        browser.close()


def test_public_pages_and_api_docs_stay_on_this_machine(browser: Any, base: str) -> None:
    visit = Visit(browser.new_page(), base)
    seen = visit.crawl(PUBLIC)
    assert "/api/redoc/" in seen and "/api/docs/" in seen
    assert visit.outside == []
    assert visit.problems == []


def test_signed_in_pages_stay_on_this_machine_and_show_no_error(
    browser: Any, base: str, issue_page: str
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    visit = Visit(page, base)
    visit.open("/accounts/login/")
    page.fill("#id_username", "zhongxin")
    page.fill("#id_password", "local-only-1")
    with page.expect_navigation():
        page.click("button[type=submit]")
    seen = visit.crawl([issue_page, *SIGNED_IN])
    assert len(seen) >= len(set(SIGNED_IN)) and issue_page in seen
    assert visit.outside == []
    assert visit.problems == []


def test_favicon_ico_is_served_to_browsers_that_ask_for_it(browser: Any, base: str) -> None:
    page = browser.new_page()
    response = page.goto(base + "/favicon.ico")
    assert response is not None and response.status == 200
    assert response.headers["content-type"] == "image/x-icon"
