"""The whole loop in a real browser (Debian's chromium driven by Playwright): a citizen reports
by tapping the map on a phone, the centre registers and dispatches, the grid worker accepts and
reports back with a photo, the inspector sends it back once and then closes it, and the
citizen's tracking page says closed. Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gridmgr.models import Issue
from tests.browser import ARTIFACTS, BROWSER_TEST, launch
from tests.loop import People, jpeg, spot
from tests.world import World

pytest.importorskip("playwright")
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright  # noqa: E402

PASSWORD = "loop-secret-1"
THUMBS_LOADED = (
    "[...document.querySelectorAll('img.thumb')].filter(i => i.naturalWidth > 0).length === 3"
)
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESK: dict[str, Any] = {"viewport": {"width": 1400, "height": 900}}

pytestmark = BROWSER_TEST


@pytest.fixture
def where(world: World, people: People, media: Path) -> tuple[float, float]:
    """Where the citizen taps: well inside a unit grid of 朝阳门 (owned by 网格员S3)."""
    for user in (people.centre, people.worker, people.inspector):
        user.set_password(PASSWORD)
        user.save()
    return spot(world, 2)


@dataclass
class Chromium:
    browser: Browser
    url: str
    outside: list[str]


@contextmanager
def chromium(live_server: Any) -> Iterator[Chromium]:
    """Chromium and the live server's address; no request may leave that server.

    No database access inside: Playwright's sync API runs an event loop in this thread.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = Chromium(launch(p), live_server.url, [])
        yield browser
        browser.browser.close()
    assert browser.outside == []  # no CDN, no base map tiles


def context(chromium: Chromium, media: Path, **options: Any) -> BrowserContext:
    """A browser context that records outside requests and gets uploads from the media folder
    (the live server serves no media files when DEBUG is off)."""
    url, outside = chromium.url, chromium.outside
    ctx = chromium.browser.new_context(**options)

    def serve(route: Route) -> None:
        route.fulfill(path=str(media / route.request.url.split("/media/", 1)[1]))

    ctx.route("**/media/**", serve)
    ctx.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((url, "data:")) else None,
    )
    return ctx


def log_in(ctx: BrowserContext, url: str, username: str) -> Page:
    page = ctx.new_page()
    page.goto(f"{url}/accounts/login/?next=/issues/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/issues/")
    return page


def tap(page: Page, lon: float, lat: float) -> None:
    box = page.locator("#report-map").bounding_box()
    assert box is not None
    x, y = page.evaluate(
        f"(() => {{ const p = window.reportMap.map.latLngToContainerPoint([{lat}, {lon}]);"
        " return [p.x, p.y]; })()"
    )
    page.touchscreen.tap(box["x"] + x, box["y"] + y)


def act(page: Page, action: str, comment: str = "", photo: Path | None = None) -> None:
    """Take a step from the case sheet and wait for the sheet to come back."""
    form = page.locator(f'form[data-action="{action}"]')
    if comment:
        form.locator("textarea").fill(comment)
    if photo is not None:
        form.locator("input[type=file]").set_input_files(str(photo))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.inner_text("ul.messages").startswith("已"), page.inner_text("main")  # 已立案…


def status(page: Page) -> str:
    return page.inner_text("#status")


def photo_files(folder: Path) -> dict[str, Path]:
    """Three different JPEGs: the report, the first evidence and the evidence after rework."""
    colours = {"report": (160, 90, 30), "fixed": (30, 160, 60), "again": (20, 60, 200)}
    for name, colour in colours.items():
        (folder / f"{name}.jpg").write_bytes(jpeg(colour))
    return {name: folder / f"{name}.jpg" for name in colours}


def report_on_phone(
    browser: Chromium, media: Path, where: tuple[float, float], photo: Path
) -> Page:
    """The citizen taps the map, chooses, describes, attaches a photo and sends."""
    citizen = context(browser, media, **PHONE).new_page()
    citizen.goto(f"{browser.url}/report/")
    citizen.wait_for_function("window.reportMap !== undefined")
    tap(citizen, *where)
    assert "已选位置" in citizen.inner_text("#where")
    citizen.select_option("#id_category", label="暴露垃圾")
    citizen.fill("#id_description", "小区门口堆放生活垃圾")
    citizen.set_input_files("#id_photos", str(photo))
    citizen.screenshot(path=str(ARTIFACTS / "casework_report_phone.png"), full_page=True)
    citizen.click("#send")
    citizen.wait_for_url("**/report/thanks/")
    citizen.screenshot(path=str(ARTIFACTS / "casework_thanks_phone.png"), full_page=True)
    return citizen


def go_round(browser: Chromium, media: Path, number: str, photos: dict[str, Path]) -> None:
    """Centre registers and dispatches; worker accepts and handles; one rework; closed."""
    url = browser.url
    centre = log_in(context(browser, media, **DESK), url, "centre")
    centre.goto(f"{url}/issues/?status=reported")
    centre.screenshot(path=str(ARTIFACTS / "casework_list.png"), full_page=True)
    with centre.expect_navigation():
        centre.click(f"text={number}")
    assert status(centre) == "已上报"
    act(centre, "register", "情况属实")
    act(centre, "dispatch")
    assert status(centre) == "已派遣"
    sheet = centre.url

    worker = log_in(context(browser, media, **DESK), url, "worker")
    assert number in worker.inner_text("table.issues")
    worker.goto(sheet)
    act(worker, "accept")
    act(worker, "handle", "已清运", photos["fixed"])
    assert status(worker) == "已处理"

    inspector = log_in(context(browser, media, **DESK), url, "inspector")
    inspector.goto(sheet)
    act(inspector, "rework", "仍有垃圾残留")
    assert status(inspector) == "处理中"
    worker.goto(sheet)
    act(worker, "handle", "二次清理完毕", photos["again"])
    inspector.goto(sheet)
    act(inspector, "verify", "现场核查干净")
    assert status(inspector) == "已结案"
    inspector.wait_for_function(THUMBS_LOADED)
    inspector.screenshot(path=str(ARTIFACTS / "casework_detail.png"), full_page=True)

    centre.goto(f"{url}/issues/map/")
    centre.wait_for_function("window.issueMap && window.issueMap.ready")
    centre.screenshot(path=str(ARTIFACTS / "casework_map.png"))


def test_a_citizen_report_goes_round_the_loop_with_one_rework(
    live_server: Any, where: tuple[float, float], media: Path, tmp_path: Path
) -> None:
    photos = photo_files(tmp_path)
    with chromium(live_server) as browser:
        citizen = report_on_phone(browser, media, where, photos["report"])
        number = citizen.inner_text("#tracking").strip()
        go_round(browser, media, number, photos)
        citizen.goto(f"{browser.url}/track/?number={number}")
        public = citizen.inner_text("#public-status")
        steps = citizen.inner_text("#steps")
        page = citizen.content()
        citizen.screenshot(path=str(ARTIFACTS / "casework_track_phone.png"), full_page=True)

    assert public == "已结案"
    assert "返工" in steps and "核查结案" in steps and "仍有垃圾残留" not in page
    issue = Issue.objects.get(tracking_number=number)
    assert (issue.status, issue.rework_count, issue.source) == ("closed", 1, "citizen")
    actions = list(issue.transitions.values_list("action", flat=True))
    assert actions == ["report", "register", "dispatch", "accept"] + ["handle", "rework"] + [
        "handle",
        "verify",
    ]
    assert issue.photos.count() == 3


def test_the_phone_location_fills_in_the_report(
    live_server: Any, where: tuple[float, float], media: Path
) -> None:
    lon, lat = where
    with chromium(live_server) as browser:
        fix = {"geolocation": {"longitude": lon, "latitude": lat}, "permissions": ["geolocation"]}
        page = context(browser, media, **PHONE, **fix).new_page()
        page.goto(f"{browser.url}/report/")
        page.click("#gps")
        page.wait_for_function("document.getElementById('id_lon').value !== ''")
        got = float(page.input_value("#id_lon")), float(page.input_value("#id_lat"))
        where_text = page.inner_text("#where")
        page.screenshot(path=str(ARTIFACTS / "casework_report_gps_phone.png"))
    assert abs(got[0] - lon) < 1e-6 and abs(got[1] - lat) < 1e-6
    assert "当前位置" in where_text
