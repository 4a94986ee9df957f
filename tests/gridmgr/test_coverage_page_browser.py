"""The coverage page in a real browser (Debian's chromium driven by Playwright): log in, export
XLSX in the background with a progress bar, download it and find the page's blind-spot table in
it; a click on a blind spot zooms the inline map. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from pytest_django.fixtures import Settings

from gridmgr.models import Account, AccountRole
from tests.browser import ARTIFACTS, BROWSER_TEST, launch
from tests.gridmgr.coverage_page_client import fresh_cache
from tests.world import World

pytest.importorskip("playwright")
from playwright.sync_api import Page, sync_playwright  # noqa: E402

BOUNDS = "window.coverageMap.map.getBounds().toBBoxString()"
# Every (state, progress) an export item of the page goes through, recorded as it changes.
WATCH_JOBS = """() => {
  window.seen = [];
  new MutationObserver(() => document.querySelectorAll("#jobs li").forEach((li) => {
    const p = li.querySelector("progress");
    window.seen.push([li.dataset.state || "", p ? p.value : -1]);
  })).observe(document.querySelector("#jobs"), { subtree: true, attributes: true, childList: true });
}"""
ROWS = """(id) => [...document.querySelectorAll(`#${id} tbody tr`)].map(
  (tr) => [...tr.querySelectorAll("td")].filter((td) => !td.querySelector("a, form"))
    .map((td) => td.textContent.trim()))"""

pytestmark = [*BROWSER_TEST, pytest.mark.usefixtures(fresh_cache.__name__)]


@pytest.fixture
def page(live_server: Any, world: World, settings: Settings, tmp_path: Path) -> Iterator[Page]:
    """The coverage page of the mini-district, logged in at /accounts/login/ by the centre."""
    settings.GRIDMGR_COVERAGE_EXPORT_DIR = tmp_path / "exports"
    settings.GRIDMGR_COVERAGE_EXPORT_SYNC = False  # the web process's worker threads
    user = User.objects.create_user("zhongxin", password="cov-secret-1")
    Account.objects.create(user=user, role=AccountRole.COMMAND_CENTRE)
    ARTIFACTS.mkdir(exist_ok=True)
    # No database access below: Playwright's sync API runs an event loop in this thread.
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        outside: list[str] = []
        page.on(
            "request",
            lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
        )
        page.goto(f"{live_server.url}/accounts/login/?next=/coverage/")
        page.fill("#id_username", "zhongxin")
        page.fill("#id_password", "cov-secret-1")
        page.click("button[type=submit]")
        page.wait_for_url("**/coverage/")
        page.wait_for_function("() => window.coverageMap !== undefined")
        yield page
        browser.close()
    assert outside == []  # Leaflet from /static/vendor/, no CDN, no tiles


def same(text: str, value: Any) -> bool:
    """Whether a cell of the page shows a cell of the workbook (numbers as formatted)."""
    if value is None or value == "":
        return text == "—"
    if isinstance(value, int | float):
        shown = float(text.replace(",", ""))
        decimals = len(text.split(".")[1]) if "." in text else 0
        return abs(shown - value) <= 0.5 * 10**-decimals + 1e-9
    return text == str(value)


def test_xlsx_export_runs_in_the_background_and_matches_the_blind_spot_table(
    page: Page, tmp_path: Path
) -> None:
    rows = page.evaluate(ROWS, "blind-table")
    assert len(rows) == 1 and rows[0][0] == "单元网格" and "东四街道" in rows[0]
    page.evaluate(WATCH_JOBS)
    page.click("button[data-format=xlsx]")
    done = "#jobs li[data-format=xlsx][data-state=done]"
    page.wait_for_selector(done, timeout=60_000)
    assert page.eval_on_selector(f"{done} progress", "p => p.value") == 100
    seen = page.evaluate("window.seen")
    assert seen[-1] == ["done", 100]
    progress = [value for _, value in seen]
    assert progress == sorted(progress)  # the bar only moves forward
    page.screenshot(path=str(ARTIFACTS / "coverage_page_export.png"))

    with page.expect_download() as info:
        page.click(f"{done} a.download")
    download = info.value
    day = timezone.localdate()
    assert download.suggested_filename == f"coverage_110101_{day:%Y%m%d}.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = openpyxl.load_workbook(path)["盲区 Blind spots"]
    book_rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(book_rows) == len(rows)
    for page_row, book_row in zip(rows, book_rows, strict=True):
        assert len(page_row) == len(book_row)
        assert all(same(t, v) for t, v in zip(page_row, book_row, strict=True)), (
            page_row,
            book_row,
        )


def test_clicking_a_blind_spot_zooms_the_inline_map(page: Page) -> None:
    before = page.evaluate(BOUNDS)
    row = page.locator("#blind-table tbody tr").first
    bbox = [float(v) for v in row.get_attribute("data-bbox").strip("[]").split(",")]  # type: ignore[union-attr]
    row.locator("td").first.click()
    page.wait_for_function(f"{BOUNDS} !== '{before}'")
    # The end of the zoom animation (Leaflet marks its map pane while one runs).
    page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
    west, south, east, north = (float(v) for v in page.evaluate(BOUNDS).split(","))
    b_west, b_south, b_east, b_north = (float(v) for v in before.split(","))
    assert west <= bbox[0] and south <= bbox[1] and east >= bbox[2] and north >= bbox[3]
    assert (east - west) < (b_east - b_west) / 4  # zoomed in on the piece
    assert "on" in (row.get_attribute("class") or "")
    page.screenshot(path=str(ARTIFACTS / "coverage_page_zoom.png"), full_page=True)
