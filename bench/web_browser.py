"""The map page in headless chromium (Debian's, driven by Playwright): first render, payload.

One login through the login form; every measured load then runs in a fresh browser context
with that session (an empty HTTP cache, as on a first visit). The page marks its first
complete draw (zone layers, regions, issues, coverage, stations: map.js's
"gridmgr:map-drawn" performance mark, taken in the animation frame after the last layer was
added); the payload is what resource timing says went over the wire for the page and
everything it fetched up to then.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
VIEWPORT = {"width": 1280, "height": 800}
DRAWN = "() => document.body !== null && document.body.dataset.drawn === '1'"
# Read once the page is drawn: times from navigation start, bytes of every response.
_FIGURES_JS = """() => {
  const mark = performance.getEntriesByName("gridmgr:map-drawn")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  const res = performance.getEntriesByType("resource");
  const zoneEnds = res.filter((r) => /\\/map\\/(layers\\/|regions\\.geojson)/.test(r.name))
    .map((r) => r.responseEnd);
  return {
    drawn_ms: mark ? mark.startTime : -1,
    zones_loaded_ms: Math.max(0, ...zoneEnds),
    html_ms: nav.responseEnd,
    entries: [nav, ...res].map((e) => [e.name, e.transferSize, e.encodedBodySize,
      e.decodedBodySize]),
    zones_drawn: window.gridmap.zones.map((z) => z.group.getLayers().length),
    status: document.getElementById("status").textContent,
  };
}"""


@dataclass
class PageLoad:
    """One first visit of the map page."""

    drawn_ms: float  # navigation start → the first complete draw
    zones_loaded_ms: float  # navigation start → the last zone-layer or region response
    html_ms: float  # navigation start → the page's HTML received
    transfer_bytes: int  # on the wire: headers and (compressed) bodies
    encoded_bytes: int  # bodies as sent (compressed)
    decoded_bytes: int  # bodies once decompressed
    requests: int
    zones_drawn: list[int]
    aborted: int = 0  # requests the page itself cancelled (superseded by a newer view)
    failed: list[str] = field(default_factory=list)
    largest: list[tuple[str, int]] = field(default_factory=list)


def log_in(browser: Any, base: str, username: str, password: str) -> Any:
    """Log in through the login form; returns the session as Playwright storage state."""
    ctx = browser.new_context(viewport=VIEWPORT)
    page = ctx.new_page()
    page.goto(f"{base}/accounts/login/?next=/map/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("[type=submit]")
    page.wait_for_url("**/map/**")
    state = ctx.storage_state()
    ctx.close()
    return state


def load_once(browser: Any, state: Any, url: str, timeout_s: float = 120.0) -> PageLoad:
    """Open the page in a fresh context (empty cache, logged in) and read its figures."""
    ctx = browser.new_context(storage_state=state, viewport=VIEWPORT)
    page = ctx.new_page()
    failed: list[str] = []
    aborted: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on(
        "requestfailed",
        lambda r: (aborted if r.failure == "net::ERR_ABORTED" else failed).append(r.url),
    )
    page.goto(url, wait_until="commit")
    page.wait_for_function(DRAWN, timeout=timeout_s * 1000)
    got: dict[str, Any] = page.evaluate(_FIGURES_JS)
    ctx.close()
    entries = got["entries"]
    base = url.split("/map/")[0]
    largest = sorted(((e[0].removeprefix(base), int(e[1])) for e in entries), key=lambda e: -e[1])
    return PageLoad(
        drawn_ms=float(got["drawn_ms"]),
        zones_loaded_ms=float(got["zones_loaded_ms"]),
        html_ms=float(got["html_ms"]),
        transfer_bytes=sum(int(e[1]) for e in entries),
        encoded_bytes=sum(int(e[2]) for e in entries),
        decoded_bytes=sum(int(e[3]) for e in entries),
        requests=len(entries),
        zones_drawn=[int(n) for n in got["zones_drawn"]],
        aborted=len(aborted),
        failed=failed,
        largest=largest[:6],
    )


@dataclass
class Visits:
    """The first visit on a fresh server, then `runs` visits once its caches are warm."""

    cold: PageLoad
    warm: list[PageLoad]

    def median(self, name: str) -> float:
        return float(statistics.median(getattr(v, name) for v in self.warm))


def visit(base: str, url: str, username: str, password: str, runs: int, warmups: int) -> Visits:
    """Log in, load `url` once cold, `warmups` times unmeasured, then `runs` times."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            state = log_in(browser, base, username, password)
            cold = load_once(browser, state, url)
            for _ in range(warmups):
                load_once(browser, state, url)
            warm = [load_once(browser, state, url) for _ in range(runs)]
        finally:
            browser.close()
    return Visits(cold, warm)
