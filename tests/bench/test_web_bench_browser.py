"""The web bench's browser and HTTP figures against a live server (bench/web_browser.py,
bench/web_tiles.py): a first visit of the map page is read from the page's own first-draw mark
and resource timing, and tiles come back through HTTP with the bench's login cookie."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from bench import web
from bench.measure import Results
from bench.web_browser import CHROMIUM, visit
from bench.web_data import dense_layer
from bench.web_tiles import densest_tiles, over_http
from tests.world import World

pytest.importorskip("playwright")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]


def test_a_first_visit_reports_its_draw_time_payload_and_tiles(
    world: World, live_server: Any
) -> None:
    User.objects.create_superuser("zhongxin", password="map-secret-1")
    layer = dense_layer(300)
    tiles = densest_tiles(layer, 14, 1)
    cookie = web.session_cookie("zhongxin")
    results = Results("test")
    port = int(live_server.url.rsplit(":", 1)[1])
    assert over_http(results, port, cookie, layer, tiles, repeats=1) > 0
    # No database access below: Playwright's sync API runs an event loop in this thread.
    url = f"{live_server.url}/map/"
    visits = visit(live_server.url, url, "zhongxin", "map-secret-1", runs=1, warmups=0)
    for v in (visits.cold, *visits.warm):
        assert v.failed == []
        assert 0 < v.zones_loaded_ms <= v.drawn_ms
        assert 0 < v.encoded_bytes <= v.transfer_bytes and v.encoded_bytes <= v.decoded_bytes
        assert v.requests >= 10 and v.zones_drawn[0] == 3  # the three sectors
    web.page_figures(results, "district", visits, cold=True)
    assert [r.unit for r in results.rows] == ["ms", "s", "s", "kB"]
    assert all(r.target for r in results.rows[1:])
