"""One issue at a time: report_issue through the service layer vs one raw indexed lookup."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from django.db import connection
from numpy.typing import NDArray

RAW_SQL = (
    "SELECT id FROM gridmgr_zone "
    "WHERE active AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))"
)


def _per_call(call: Callable[[float, float], object], lon: NDArray, lat: NDArray) -> list[float]:
    samples = []
    for x, y in zip(lon.tolist(), lat.tolist(), strict=True):
        start = time.perf_counter()
        call(x, y)
        samples.append(time.perf_counter() - start)
    return samples


def report_issue_samples(
    lon: NDArray, lat: NDArray, category_code: str, warmup: int
) -> list[float]:
    """Seconds per report_issue call (after `warmup` untimed calls)."""
    from gridmgr.casework.report import report_issue
    from gridmgr.models import Category

    category = Category.objects.get(code=category_code)

    def call(x: float, y: float) -> object:
        return report_issue(x, y, category, source="bench")

    _per_call(call, lon[:warmup], lat[:warmup])
    return _per_call(call, lon[warmup:], lat[warmup:])


def route_point_samples(lon: NDArray, lat: NDArray, warmup: int) -> list[float]:
    """Seconds per route_point call: the lookup part of report_issue, nothing written."""
    from gridmgr.routing.point import route_point

    _per_call(route_point, lon[:warmup], lat[:warmup])
    return _per_call(route_point, lon[warmup:], lat[warmup:])


def raw_samples(lon: NDArray, lat: NDArray, warmup: int) -> list[float]:
    """Seconds per prepared, GiST-indexed point-in-zone query over the same connection."""
    connection.ensure_connection()
    with connection.cursor() as wrapper:
        cur = wrapper.cursor

        def call(x: float, y: float) -> object:
            cur.execute(RAW_SQL, (x, y), prepare=True)
            return cur.fetchall()

        _per_call(call, lon[:warmup], lat[:warmup])
        return _per_call(call, lon[warmup:], lat[warmup:])


def sql_share(lon: NDArray, lat: NDArray, category_code: str) -> dict[str, float]:
    """Median per report_issue call: wall time, time inside SQL statements, statement count.

    BEGIN/COMMIT go through the connection, not a cursor: they count as outside SQL.
    """
    from gridmgr.casework.report import report_issue
    from gridmgr.models import Category

    category = Category.objects.get(code=category_code)
    inside: list[float] = []

    def wrapper(execute: Callable, sql: str, params: object, many: bool, context: object) -> object:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            inside.append(time.perf_counter() - start)

    walls, sqls, counts = [], [], []
    with connection.execute_wrapper(wrapper):
        for x, y in zip(lon.tolist(), lat.tolist(), strict=True):
            inside.clear()
            start = time.perf_counter()
            report_issue(x, y, category, source="bench")
            walls.append(time.perf_counter() - start)
            sqls.append(sum(inside))
            counts.append(len(inside))
    return {
        "wall_ms": float(np.median(walls) * 1000),
        "sql_ms": float(np.median(sqls) * 1000),
        "statements": float(np.median(counts)),
    }


def query_count(lon: float, lat: float, category_code: str) -> int:
    """How many SQL statements one report_issue sends."""
    from django.test.utils import CaptureQueriesContext

    from gridmgr.casework.report import report_issue
    from gridmgr.models import Category

    category = Category.objects.get(code=category_code)
    with CaptureQueriesContext(connection) as ctx:
        report_issue(lon, lat, category, source="bench")
    return len(ctx.captured_queries)


def sample_points(
    lon: NDArray, lat: NDArray, n: int, seed: int = 11
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """n of the bulk points, in random order."""
    pick = np.random.default_rng(seed).choice(len(lon), size=n, replace=False)
    return lon[pick], lat[pick]
