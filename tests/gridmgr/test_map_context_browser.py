"""The pin is never on an empty canvas (Debian's chromium through Playwright): with no base map
the citizen's report after a GPS fix and a case's map show the sub-district and the zones around
the pin with their names; with the district's MBTiles file, its tiles come from the app itself.
Screenshots go to tests/artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from gridmgr.models import Zone
from gridmgr.viewport import basemaps
from tests.browser import ARTIFACTS, BROWSER_TEST, launch
from tests.gridmgr.mbtiles_file import write_mbtiles
from tests.loop import spot
from tests.world import World

pytest.importorskip("playwright")
from playwright.sync_api import Page, sync_playwright  # noqa: E402

pytestmark = BROWSER_TEST
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}

LABELS = "[...document.querySelectorAll('#report-map .ctx-label')].map(e => e.textContent)"
TILES = "[...document.querySelectorAll('#report-map img.leaflet-tile-loaded')]"


def report_after_gps(
    live_server: Any, lon: float, lat: float, shot: str, settled: str
) -> tuple[Page, Any]:
    """Open /report/ on a phone, press 'use my location' and wait for the map to have drawn
    what `settled` (a script) says: its context or its tiles."""
    p = sync_playwright().start()
    browser = launch(p)
    fix = {"geolocation": {"longitude": lon, "latitude": lat}, "permissions": ["geolocation"]}
    page = browser.new_context(**PHONE, **fix).new_page()
    outside: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url)
    )
    page.goto(f"{live_server.url}/report/")
    page.click("#gps")
    page.wait_for_function("document.getElementById('id_lon').value !== ''")
    page.wait_for_function(settled)
    page.screenshot(path=str(ARTIFACTS / shot))
    assert outside == []
    return page, (p, browser)


def close(handles: Any) -> None:
    p, browser = handles
    browser.close()
    p.stop()


def test_with_no_base_map_the_gps_fix_shows_the_named_places_around_the_pin(
    live_server: Any, world: World
) -> None:
    lon, lat = spot(world, 2)  # inside a unit grid of 朝阳门 (S3)
    sector = Zone.objects.get(active=True, code="S3").name
    shot = "context_report_gps_phone.png"
    # The context of the fix's street view names unit grids (the district view's only regions).
    settled = f"{LABELS}.some(label => label.startsWith('110101'))"
    page, handles = report_after_gps(live_server, lon, lat, shot, settled)
    try:
        labels = page.evaluate(LABELS)
        tiles = page.locator("#report-map img.leaflet-tile").count()
    finally:
        close(handles)
    assert tiles == 0
    assert "朝阳门街道" in labels
    assert sector in labels
    assert any(label.startswith("110101") for label in labels), labels  # the unit grids' codes


def test_with_the_districts_mbtiles_file_the_map_draws_its_tiles(
    live_server: Any, world: World, settings: Settings, tmp_path: Path
) -> None:
    tiles = {
        (12, 3372 + dx, 1550 + dy): (90 + 40 * dx, 140, 90 + 40 * dy)
        for dx in range(3)
        for dy in range(3)
    }
    settings.GRIDMGR_BASEMAP = "mbtiles"
    settings.GRIDMGR_MBTILES_PATH = str(write_mbtiles(tmp_path / "d.mbtiles", tiles=tiles))
    basemaps.mbtiles.cache_clear()
    lon, lat = spot(world, 2)
    shot = "context_report_mbtiles_phone.png"
    page, handles = report_after_gps(live_server, lon, lat, shot, f"{TILES}.length > 0")
    try:
        sources = page.evaluate(f"{TILES}.map(i => [i.src, i.naturalWidth])")
        labels = page.evaluate(LABELS)
    finally:
        close(handles)
    assert all("/map/basemap/12/" in src and width == 256 for src, width in sources), sources
    assert labels == []  # the base map is the context
