"""Timing helpers and the collected results (table on stdout, JSON in bench/out)."""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


@dataclass
class Timing:
    """Wall-clock seconds of several runs of the same work."""

    runs: list[float]

    @property
    def median(self) -> float:
        return float(statistics.median(self.runs))


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Run fn once; return its wall-clock seconds and its result."""
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def repeat(
    fn: Callable[[], T], repeats: int, before: Callable[[], object] | None = None
) -> tuple[Timing, T]:
    """Run fn `repeats` times (calling `before` untimed ahead of each); last result kept."""
    if before is not None:
        before()
    seconds, result = timed(fn)
    runs = [seconds]
    for _ in range(repeats - 1):
        if before is not None:
            before()
        seconds, result = timed(fn)
        runs.append(seconds)
    return Timing(runs), result


def percentiles_ms(samples_s: list[float]) -> dict[str, float]:
    """p50/p95/p99/max in milliseconds of per-call seconds."""
    ms = np.asarray(samples_s) * 1000.0
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return {"p50": float(p50), "p95": float(p95), "p99": float(p99), "max": float(ms.max())}


@dataclass
class Row:
    """One measured figure: gridmgr's or a raw tool's."""

    section: str
    name: str
    value: float
    unit: str
    seconds: float | None = None
    detail: str = ""
    # gridmgr's time divided by this raw tool's time (2.0: gridmgr takes twice as long).
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Results:
    """All rows of one bench run, with what was run on what."""

    mode: str
    meta: dict[str, Any] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        # Other work on the machine inflates every figure: keep the 1-minute load with each row.
        row.extra["load1"] = round(os.getloadavg()[0], 2)
        self.rows.append(row)
        print(f"  · {row.section}: {row.name}: {fmt_value(row.value, row.unit)}", flush=True)
        return row

    def table(self) -> str:
        """A plain-text table: one line per figure, its detail on the line below."""
        head = ("measure", "figure", "time ÷ raw", "target")
        lines: list[tuple[str, str, str, str] | str] = []
        section = ""
        for r in self.rows:
            if r.section != section:
                section = r.section
                lines.append(f"[{section}]")
            ratio = "" if r.ratio is None else f"{r.ratio:.2f}×"
            verdict = "" if r.met is None else (" met" if r.met else " NOT met")
            lines.append((f"  {r.name}", fmt_value(r.value, r.unit), ratio, r.target + verdict))
            if r.detail:
                lines.append(f"      {r.detail}")
        loads = [r.extra["load1"] for r in self.rows if "load1" in r.extra]
        if loads:
            lines.append(
                f"(1-minute load average while measuring: {min(loads):.1f}–{max(loads):.1f} "
                f"on {os.cpu_count()} cores; above the core count every figure is inflated)"
            )
        rows = [x for x in [head, *lines] if isinstance(x, tuple)]
        widths = [max(len(x[i]) for x in rows) for i in range(3)]
        out = []
        for x in [head, *lines]:
            if isinstance(x, str):
                out.append(x)
                continue
            cells = [x[0].ljust(widths[0]), x[1].rjust(widths[1]), x[2].rjust(widths[2]), x[3]]
            out.append("  ".join(cells).rstrip())
        return "\n".join(out)

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"mode": self.mode, "meta": self.meta, "rows": [asdict(r) for r in self.rows]}
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def fmt_value(value: float, unit: str) -> str:
    """A figure with its unit, rounded for reading."""
    if unit.endswith("/s"):
        if value >= 1e6:
            return f"{value / 1e6:.2f}M {unit}"
        return f"{value / 1e3:.0f}k {unit}"
    if unit == "ms":
        return f"{value:.2f} ms"
    if unit == "s":
        return f"{value:.3f} s"
    return f"{value:g} {unit}"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import shapely

    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "shapely": shapely.__version__,
        "geos": ".".join(map(str, shapely.geos_version)),
        "numpy": np.__version__,
    }
