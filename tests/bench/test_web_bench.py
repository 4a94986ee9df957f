"""The web bench's measuring functions on the mini-district (bench/web*.py): the dense layer,
the tile comparison, the coverage PDF, the static files, the page figures' rows.
Code paths and the shape of what they report, not timings."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path
from typing import Any

import pytest

from bench import web
from bench.measure import Results
from bench.web_browser import PageLoad, Visits
from bench.web_data import dense_layer, layer_size
from bench.web_pdf import coverage_pdf
from bench.web_static import serving_static
from bench.web_tiles import compare, densest_tiles
from gridmgr.models import Layer, PlanActivation, Region
from tests.world import World


@pytest.fixture
def dense(world: World) -> int:
    """About 300 unit grids over the mini-district, in a layer and plan of their own."""
    return dense_layer(300)


def test_the_dense_layer_is_an_active_unit_grid_layer_of_about_the_asked_size(dense: int) -> None:
    n, cell_m = layer_size(dense)
    layer = Layer.objects.get(pk=dense)
    assert layer.is_unit_grid
    assert PlanActivation.objects.filter(layer=layer, ended_at=None).exists()
    assert 200 <= n <= 450
    assert 100 < cell_m < 130


def test_gridmgr_and_raw_tiles_are_the_same_tile_and_their_ratio_is_reported(dense: int) -> None:
    tiles = densest_tiles(dense, 14, 2)
    assert tiles and all(t.zones > 0 for t in tiles)
    results = Results("test")
    figures = compare(results, dense, tiles, repeats=2)
    app, raw = results.rows
    assert figures["identical"] == 1.0 and app.extra["identical"]
    assert raw.ratio == pytest.approx(app.value / raw.value)
    assert raw.met is (raw.ratio <= 2.0) and raw.target
    assert len(app.extra["runs_ms"]) == 2 * len(tiles)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_the_coverage_pdf_is_timed_in_steps_and_read_back(world: World, tmp_path: Path) -> None:
    sub = world.subs["S1"]
    results = Results("test")
    coverage_pdf(results, sub.code, sub.name, tmp_path / "c.pdf", repeats=1)
    (row,) = results.rows
    assert row.extra["pdf_ok"] and row.unit == "s" and row.value > 0
    assert set(row.extra["steps_s"]) == {"analysis", "pdf"}


def _call(app: Any, path: str, encoding: str = "") -> tuple[str, dict[str, str], bytes]:
    got: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        got.update(status=status, headers=dict(headers))

    body = b"".join(app({"PATH_INFO": path, "HTTP_ACCEPT_ENCODING": encoding}, start_response))
    return got["status"], got["headers"], body


def test_static_files_are_served_gzipped_and_other_paths_passed_on() -> None:
    def django(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        return [b"django"]

    app = serving_static(django, "/static/")
    status, headers, body = _call(app, "/static/gridmgr/map.js", "gzip, br")
    assert status == "200 OK" and headers["Content-Encoding"] == "gzip"
    assert b"gridmgr:map-drawn" in gzip.decompress(body)
    assert "Content-Encoding" not in _call(app, "/static/gridmgr/map.js")[1]
    assert _call(app, "/static/nothing.js")[0].startswith("404")
    assert _call(app, "/map/")[2] == b"django"


def _load(ms: float) -> PageLoad:
    return PageLoad(ms, ms / 2, 50.0, 300_000, 280_000, 900_000, 20, [3, 40], aborted=2)


def test_page_figures_compare_the_median_visit_with_the_targets() -> None:
    results = Results("test")
    visits = Visits(_load(5000.0), [_load(900.0), _load(1200.0), _load(3000.0)])
    web.page_figures(results, "district", visits, cold=True)
    drawn, cold, payload = results.rows
    assert (drawn.value, drawn.met) == (1.2, True)
    assert (cold.value, cold.met) == (5.0, False)
    assert (payload.value, payload.unit, payload.met) == (300.0, "kB", True)


def test_street_view_is_the_tile_bounds(world: World) -> None:
    from bench.web_tiles import Tile, tile_xy

    district = Region.objects.get(level=Region.Level.DISTRICT)
    lon, lat = district.boundary.centroid.coords
    x, y = tile_xy(lon, lat, 14)
    w, s, e, n = (float(v) for v in web.street_bbox(Tile(14, x, y, 1)).split(","))
    assert w <= lon <= e and s <= lat <= n
