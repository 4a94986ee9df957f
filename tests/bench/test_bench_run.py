"""bench.run takes over the figures of its child benches: the web rows into its table, the
Open311 intake headline onto one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import run as bench_run
from bench import web
from bench.measure import Results
from bench.web_browser import PageLoad, Visits


def _load(ms: float) -> PageLoad:
    return PageLoad(ms, ms / 2, 50.0, 300_000, 280_000, 900_000, 20, [3, 40])


def test_bench_run_takes_over_the_web_rows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    child = Results("quick", meta={"world": {"dense_layer_cells": 30_000}})
    web.page_figures(child, "district", Visits(_load(800.0), [_load(800.0)]), cold=False)
    child.write_json(tmp_path / "web.json")
    monkeypatch.setattr(
        web, "in_child", lambda quick: json.loads((tmp_path / "web.json").read_text())
    )
    results = Results("quick")
    bench_run.add_web(results, quick=True)
    assert [r.name for r in results.rows] == [r.name for r in child.rows]
    assert results.meta["web"]["world"]["dense_layer_cells"] == 30_000
    assert "district: first complete draw" in results.table()


def test_the_intake_headline_fits_one_line() -> None:
    line = bench_run.intake_line(
        {
            "config": "gthread 2×8",
            "open_loop_rate": 300.0,
            "open_loop_ok_per_s": 299.5,
            "open_loop_latency_ms": {"p50": 3.0, "p99": 20.5},
            "closed_loop_max_per_s": 410.0,
            "counts_ok": True,
            "target": {"met": {"rate_and_p99": True, "counts": True}},
        }
    )
    assert "\n" not in line and "299.5/s" in line and "p99 20.5 ms" in line
