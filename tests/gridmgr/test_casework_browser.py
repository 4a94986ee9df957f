"""The whole loop in a real browser (Debian's chromium driven by Playwright): a citizen reports
by tapping the map on a phone, the centre registers and dispatches, the grid worker accepts and
reports back with a photo, the inspector sends it back once and then closes it, and the
citizen's tracking page says closed. Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gridmgr.models import Issue
from tests.loop import People, jpeg, spot
from tests.world import World

pytest.importorskip("playwright")
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PASSWORD = "loop-secret-1"
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESK: dict[str, Any] = {"viewport": {"width": 1400, "height": 900}}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]


@pytest.fixture
def where(world: World, people: People, media: Path) -> tuple[float, float]:
    """Where the citizen taps: well inside a unit grid of 朝阳门 (owned by 网格员S3)."""
    for user in (people.centre, people.worker, people.inspector):
        user.set_password(PASSWORD)
        user.save()
    return spot(world, 2)


@pytest.fixture
def browser(live_server: Any, media: Path) -> Iterator[tuple[Browser, str, list[str]]]:
    """Chromium, the live server's address, and the requests that left it (none may)."""
    ARTIFACTS.mkdir(exist_ok=True)
    outside: list[str] = []
    # No database access below: Playwright's sync API runs an event loop in this thread.
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium, live_server.url, outside
        chromium.close()
    assert outside == []  # no CDN, no base map tiles


def context(browser: tuple[Browser, str, list[str]], media: Path, **options: Any) -> BrowserContext:
    """A browser context that records outside requests and gets uploads from the media folder
    (the live server serves no media files when DEBUG is off)."""
    chromium, url, outside = browser
    ctx = chromium.new_context(**options)

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
    assert "done" in page.inner_text("ul.messages"), page.inner_text("main")


def status(page: Page) -> str:
    return page.inner_text("#status")


def test_a_citizen_report_goes_round_the_loop_with_one_rework(
    browser: tuple[Browser, str, list[str]],
    where: tuple[float, float],
    media: Path,
    tmp_path: Path,
) -> None:
    url = browser[1]
    photos = {}
    for name, colour in {
        "report": (160, 90, 30),
        "fixed": (30, 160, 60),
        "again": (20, 60, 200),
    }.items():
        photos[name] = tmp_path / f"{name}.jpg"
        photos[name].write_bytes(jpeg(colour))

    # The citizen, on a phone: tap the map, choose, describe, attach a photo, send.
    phone = context(browser, media, **PHONE)
    citizen = phone.new_page()
    citizen.goto(f"{url}/report/")
    citizen.wait_for_function("window.reportMap !== undefined")
    tap(citizen, *where)
    assert "已选位置" in citizen.inner_text("#where")
    citizen.select_option("#id_category", label="暴露垃圾 / exposed rubbish")
    citizen.fill("#id_description", "小区门口堆放生活垃圾")
    citizen.set_input_files("#id_photos", str(photos["report"]))
    citizen.screenshot(path=str(ARTIFACTS / "casework_report_phone.png"), full_page=True)
    citizen.click("#send")
    citizen.wait_for_url("**/report/thanks/")
    number = citizen.inner_text("#tracking").strip()
    assert len(number) == 12
    citizen.screenshot(path=str(ARTIFACTS / "casework_thanks_phone.png"), full_page=True)

    # The centre finds it in the list, registers and dispatches it.
    centre = log_in(context(browser, media, **DESK), url, "centre")
    centre.goto(f"{url}/issues/?status=reported")
    centre.screenshot(path=str(ARTIFACTS / "casework_list.png"), full_page=True)
    with centre.expect_navigation():
        centre.click(f"text={number}")
    assert status(centre) == "已上报 / reported"
    act(centre, "register", "情况属实")
    act(centre, "dispatch")
    assert status(centre) == "已派遣 / dispatched"
    sheet = centre.url

    # The grid worker accepts and reports back with a photo.
    worker = log_in(context(browser, media, **DESK), url, "worker")
    assert number in worker.inner_text("table.issues")
    worker.goto(sheet)
    act(worker, "accept")
    act(worker, "handle", "已清运", photos["fixed"])
    assert status(worker) == "已处理 / handled"

    # The inspector sends it back; the worker handles it again; the inspector closes it.
    inspector = log_in(context(browser, media, **DESK), url, "inspector")
    inspector.goto(sheet)
    act(inspector, "rework", "仍有垃圾残留")
    assert status(inspector) == "处理中 / in handling"
    worker.goto(sheet)
    act(worker, "handle", "二次清理完毕", photos["again"])
    inspector.goto(sheet)
    act(inspector, "verify", "现场核查干净")
    assert status(inspector) == "已结案 / closed"
    inspector.wait_for_function(
        "document.querySelectorAll('img.thumb').length === 3 && [...document.querySelectorAll('img.thumb')].every(i => i.naturalWidth > 0)"
    )
    inspector.screenshot(path=str(ARTIFACTS / "casework_detail.png"), full_page=True)

    centre.goto(f"{url}/issues/map/")
    centre.wait_for_function("window.issueMap && window.issueMap.ready")
    centre.screenshot(path=str(ARTIFACTS / "casework_map.png"))

    # The citizen's tracking page says closed, with steps and no internal comment.
    citizen.goto(f"{url}/track/?number={number}")
    assert citizen.inner_text("#public-status") == "已结案 / closed"
    steps = citizen.inner_text("#steps")
    assert "返工" in steps and "核查结案" in steps and "仍有垃圾残留" not in citizen.content()
    citizen.screenshot(path=str(ARTIFACTS / "casework_track_phone.png"), full_page=True)

    issue = Issue.objects.get(tracking_number=number)
    assert (issue.status, issue.rework_count, issue.source) == ("closed", 1, "citizen")
    actions = list(issue.transitions.values_list("action", flat=True))
    assert actions == [
        "report",
        "register",
        "dispatch",
        "accept",
        "handle",
        "rework",
        "handle",
        "verify",
    ]


def test_the_phone_location_fills_in_the_report(
    browser: tuple[Browser, str, list[str]], where: tuple[float, float], media: Path
) -> None:
    lon, lat = where
    phone = context(
        browser,
        media,
        **PHONE,
        geolocation={"longitude": lon, "latitude": lat},
        permissions=["geolocation"],
    )
    page = phone.new_page()
    page.goto(f"{browser[1]}/report/")
    page.click("#gps")
    page.wait_for_function("document.getElementById('id_lon').value !== ''")
    assert abs(float(page.input_value("#id_lon")) - lon) < 1e-6
    assert abs(float(page.input_value("#id_lat")) - lat) < 1e-6
    assert "当前位置" in page.inner_text("#where")
    page.screenshot(path=str(ARTIFACTS / "casework_report_gps_phone.png"))
