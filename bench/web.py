"""Browser-app figures: `python -m bench.web [--quick] [--reuse-db]`.

Builds its own database (gridmgr_bench_web): the Dongcheng demo plus a generated layer of about
30k unit grids over the district (bench.web_data). Measures, against the issue's targets:

- vector tiles: gridmgr's tile function (what /map/tiles/ calls) against bare ST_AsMVT on the
  densest z14 tiles, same table and connection (≤ 2×); the same tiles through gunicorn;
- the coverage PDF of the largest sub-district, through `manage.py coverage --format pdf`
  (≤ 10 s), checked with pdftotext;
- the map page in headless chromium against gunicorn (production settings; static files
  gzipped, as a front web server would serve them): first complete draw (≤ 2 s) and first-load
  payload (< 1 MB); each visit in a fresh browser context (empty cache), the first one on a
  freshly started server, the figure the median of the visits after it; for the district view
  and for a street view where the dense unit grids are drawn.

Writes bench/out/web.json; bench.run runs it in a child process (its own database).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.intake_server import Gunicorn, ServerConfig
from bench.measure import Results, Row, machine
from bench.web_browser import PageLoad, Visits, visit
from bench.web_data import WEB_DB, Fixture, prepare
from bench.web_pdf import coverage_pdf
from bench.web_tiles import Tile, compare, densest_tiles, over_http

OUT = Path(__file__).resolve().parent / "out"
CELLS = 30_000
TILE_ZOOM = 14
RENDER_TARGET_S = 2.0
PAYLOAD_TARGET_BYTES = 1_000_000
PAGE = "web: map page in headless chromium"


class WebServer(ServerConfig):
    """gunicorn with the static files served too (bench/web_gunicorn.py)."""

    def args(self) -> list[str]:
        return [*super().args(), "--config", "python:bench.web_gunicorn"]


SERVER = WebServer(2, "gthread", 4)


def session_cookie(username: str) -> str:
    """A logged-in session for plain HTTP requests (stored in the database gunicorn reads)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def street_bbox(t: Tile) -> str:
    """The lon/lat bounds of a tile, as the map page's ?bbox= (a street-level view)."""
    import math

    def lon(x: int) -> float:
        return x / 2**t.z * 360.0 - 180.0

    def lat(y: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / 2**t.z))))

    return f"{lon(t.x):.5f},{lat(t.y + 1):.5f},{lon(t.x + 1):.5f},{lat(t.y):.5f}"


def _load_detail(v: PageLoad) -> str:
    top = ", ".join(f"{u} {b / 1000:.0f} kB" for u, b in v.largest[:4])
    return (
        f"{v.requests} requests ({v.aborted} cancelled by the page),"
        f" {v.decoded_bytes / 1e6:.2f} MB unpacked; zones drawn per layer"
        f" {v.zones_drawn}; largest: {top}"
    )


def _draw_row(label: str, visits: Visits) -> Row:
    warm = visits.warm
    drawn_s = visits.median("drawn_ms") / 1000.0
    failed = sorted({f for v in [visits.cold, *warm] for f in v.failed})
    return Row(
        PAGE,
        f"{label}: first complete draw, median of {len(warm)} first visits",
        drawn_s,
        "s",
        seconds=drawn_s,
        detail=f"zone layers and regions received at {visits.median('zones_loaded_ms'):.0f}"
        f" ms, page HTML at {visits.median('html_ms'):.0f} ms; runs "
        + ", ".join(f"{v.drawn_ms / 1000:.2f}" for v in warm)
        + (f"; FAILED requests: {failed}" if failed else ""),
        target=f"≤ {RENDER_TARGET_S:g} s",
        met=drawn_s <= RENDER_TARGET_S and not failed,
        extra={"runs_ms": [v.drawn_ms for v in warm], "failed": failed},
    )


def _cold_row(label: str, cold: PageLoad) -> Row:
    return Row(
        PAGE,
        f"{label}: first complete draw, first visit to a fresh server",
        cold.drawn_ms / 1000.0,
        "s",
        seconds=cold.drawn_ms / 1000.0,
        detail="cache emptied first: includes the coverage analysis of every layer, done once"
        " for all workers and kept in the database cache (GRIDMGR_CACHE)",
        target=f"≤ {RENDER_TARGET_S:g} s",
        met=cold.drawn_ms / 1000.0 <= RENDER_TARGET_S,
    )


def _payload_row(label: str, visits: Visits) -> Row:
    payload = visits.median("transfer_bytes")
    last = visits.warm[-1]
    return Row(
        PAGE,
        f"{label}: first-load payload (bytes on the wire)",
        round(payload / 1000.0, 1),
        "kB",
        detail=_load_detail(last),
        target=f"< {PAYLOAD_TARGET_BYTES / 1e6:g} MB",
        met=payload < PAYLOAD_TARGET_BYTES,
        extra={"decoded_bytes": last.decoded_bytes, "largest": last.largest},
    )


def page_figures(results: Results, label: str, visits: Visits, cold: bool) -> None:
    """Rows for one view of the map page: first render (median of warm visits; the cold
    first visit too if asked) and payload."""
    results.add(_draw_row(label, visits))
    if cold:
        results.add(_cold_row(label, visits.cold))
    results.add(_payload_row(label, visits))


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs (3 page loads a view)")
    parser.add_argument(
        "--reuse-db", action="store_true", help="keep gridmgr_bench_web if it is built"
    )
    parser.add_argument("--runs", type=int, help="measured page loads a view (default 7)")
    parser.add_argument("--db", default=WEB_DB, help=f"database name (default {WEB_DB})")
    return parser.parse_args(argv)


def run(fx: Fixture, results: Results, quick: bool, runs: int) -> None:
    """Every figure, on a prepared database."""
    print("== vector tiles", flush=True)
    tiles = densest_tiles(fx.layer_id, TILE_ZOOM, 4 if quick else 8)
    repeats = 5 if quick else 20
    compare(results, fx.layer_id, tiles, repeats)
    print("== coverage PDF", flush=True)
    pdf = OUT / "web-coverage.pdf"
    coverage_pdf(results, fx.subdistrict_code, fx.subdistrict_name, pdf, 1 if quick else 3)
    from django.core.cache import cache

    cache.clear()  # the first visit below then finds no coverage analysis cached
    print(f"== gunicorn {SERVER.label}", flush=True)
    with Gunicorn(SERVER, fx.url, OUT / "web-gunicorn.log") as server:
        base = f"http://127.0.0.1:{server.port}"
        over_http(results, server.port, session_cookie(fx.username), fx.layer_id, tiles, repeats)
        print("== map page in headless chromium", flush=True)
        views = {
            "district view /map/": f"{base}/map/",
            "street view (dense grids drawn)": f"{base}/map/?bbox={street_bbox(tiles[0])}",
        }
        for k, (label, url) in enumerate(views.items()):
            visits = visit(base, url, fx.username, fx.password, runs, 1)
            page_figures(results, label, visits, cold=k == 0)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    started = time.perf_counter()
    quick = bool(args.quick)
    load_before = [round(x, 2) for x in os.getloadavg()]
    print(f"== load average before starting: {load_before} on {os.cpu_count()} cores", flush=True)
    print(f"== database {args.db}: the demo and a dense unit-grid layer", flush=True)
    fx = prepare(CELLS, reuse=bool(args.reuse_db), name=args.db)
    world = {
        "dense_layer_cells": fx.cells,
        "dense_cell_m": fx.cell_m,
        "subdistrict": f"{fx.subdistrict_code} {fx.subdistrict_name}",
        "setup_s": fx.setup_s,
    }
    print(f"   {world}", flush=True)
    meta = {"machine": machine(), "load_average_before": load_before, "world": world}
    results = Results("quick" if quick else "full", meta=meta)
    run(fx, results, quick, args.runs or (3 if quick else 7))
    results.meta["elapsed_s"] = round(time.perf_counter() - started, 1)
    results.meta["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print()
    print(results.table())
    results.write_json(OUT / "web.json")
    print(f"\n{results.mode} run in {results.meta['elapsed_s']} s; figures in {OUT / 'web.json'}")
    # A target missed is a figure; a failed request, a wrong PDF or differing tiles are errors.
    broken = [
        r.name
        for r in results.rows
        if r.extra.get("failed") or False in (r.extra.get("pdf_ok"), r.extra.get("identical"))
    ]
    for name in broken:
        print(f"BROKEN: {name}")
    return 1 if broken else 0


def in_child(quick: bool) -> dict[str, Any]:
    """Run this bench in a child process (its own Django database); return its web.json.

    For bench.run, whose process is already bound to gridmgr_bench. Quick runs keep a
    database built before (the dense layer takes minutes to generate).
    """
    import sys

    args = [sys.executable, "-m", "bench.web", *(["--quick", "--reuse-db"] if quick else [])]
    path = OUT / "web.json"
    path.unlink(missing_ok=True)
    subprocess.run(args, cwd=OUT.parent.parent, check=False)
    return dict(json.loads(path.read_text())) if path.exists() else {}


if __name__ == "__main__":
    raise SystemExit(main())
