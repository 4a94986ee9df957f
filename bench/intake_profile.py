"""Where one Open311 POST spends its time, in-process through Django's test client.

The full stack but the HTTP server: middleware, the view, the use case, SQL. Gives the wall
time per request, the SQL statements per request and the time inside them, the time of the
main steps (cumulative, from cProfile) and the functions that cost most themselves.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import random
import statistics
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

PATH = "/open311/v2/requests.json"
# Steps of the path, as (module file suffix, function name) → label.
STEPS = {
    ("django/core/handlers/base.py", "get_response"): "whole request (middleware + view)",
    ("gridmgr/open311/views.py", "requests"): "view",
    ("gridmgr/open311/keys.py", "authenticate"): "api key lookup",
    ("gridmgr/open311/params.py", "new_request"): "parameter parsing",
    ("gridmgr/open311/georeport.py", "offered_service"): "service (category) lookup",
    ("gridmgr/casework/loop.py", "receive"): "cases.receive (all)",
    ("gridmgr/routing/point.py", "route_point"): "  routing lookups",
    ("gridmgr/casework/report.py", "insert_issue"): "  case, receipts and transition written",
    ("gridmgr/open311/formats.py", "render"): "rendering",
    ("django/db/models/base.py", "save_base"): "model saves (none expected)",
    ("django/db/models/query.py", "first"): "ORM .first() (none expected)",
    ("django/db/models/sql/compiler.py", "as_sql"): "ORM query compilation (all)",
    ("django/db/backends/utils.py", "execute"): "SQL statements sent (cursor.execute, all)",
}


def _poster(api_key: str, codes: list[str], points: list[tuple[float, float]]) -> Callable[[], int]:
    from django.test import Client

    client = Client()
    rng = random.Random(7)
    counter = iter(range(10**9))

    def post() -> int:
        lon, lat = rng.choice(points)
        n = next(counter)
        form = {
            "api_key": api_key,
            "service_code": rng.choice(codes),
            "lat": f"{lat:.7f}",
            "long": f"{lon:.7f}",
            "description": f"profile {n}",
        }
        # Form-encoded, as the load generator posts (the test client's default is multipart).
        response = client.post(
            PATH,
            urlencode(form),
            content_type="application/x-www-form-urlencoded",
            headers={"Idempotency-Key": f"profile-{n}-{time.time_ns()}"},
        )
        if response.status_code != 201:
            raise SystemExit(f"profile request answered {response.status_code}")
        return response.status_code

    return post


def _backend_cpu() -> Callable[[], float]:
    """A reader of the CPU seconds used so far by this connection's PostgreSQL backend."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:  # the server is not on this machine
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / ticks

    return read


def _steps(stats: pstats.Stats, calls: int) -> dict[str, float]:
    """Cumulative milliseconds per request of the named steps."""
    found: dict[str, float] = {}
    for (filename, _, name), row in stats.stats.items():  # type: ignore[attr-defined]
        label = STEPS.get((next((s for s, n in STEPS if filename.endswith(s)), ""), name))
        if label is not None:
            found[label] = found.get(label, 0.0) + row[3] * 1000 / calls
    return {label: round(found[label], 3) for label in STEPS.values() if label in found}


def profile(
    api_key: str, codes: list[str], points: list[tuple[float, float]], calls: int
) -> dict[str, Any]:
    """Time `calls` requests plainly, then with SQL counted, then under cProfile."""
    from django.db import connection

    post = _poster(api_key, codes, points)
    for _ in range(30):
        post()
    walls = []
    backend = _backend_cpu()
    py0, pg0 = time.process_time(), backend()
    for _ in range(calls):
        start = time.perf_counter()
        post()
        walls.append(time.perf_counter() - start)
    py_ms = (time.process_time() - py0) * 1000 / calls
    pg_ms = (backend() - pg0) * 1000 / calls

    counted = {"statements": 0, "seconds": 0.0}

    def wrapper(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            counted["seconds"] += time.perf_counter() - start
            counted["statements"] += 1

    with connection.execute_wrapper(wrapper):
        for _ in range(calls):
            post()

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(calls):
        post()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    steps = _steps(stats, calls)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
    top = [line for line in text.getvalue().splitlines() if line.strip()][-16:]

    whole = max(steps.values(), default=1.0) or 1.0
    wall_ms = statistics.median(walls) * 1000
    sql_ms = counted["seconds"] * 1000 / calls
    statements = counted["statements"] / calls
    summary = [
        f"CPU per request: {py_ms:.2f} ms Python (Django process) + {pg_ms:.2f} ms PostgreSQL"
        f" = {py_ms + pg_ms:.2f} ms, so at most ~{1000 * (os.cpu_count() or 1) / (py_ms + pg_ms):.0f} requests/s"
        f" on {os.cpu_count()} idle cores before any HTTP cost",
        f"median {wall_ms:.2f} ms per request in-process (no HTTP server);"
        f" {statements:.1f} SQL statements taking {sql_ms:.2f} ms (mean,"
        " savepoints counted, BEGIN/COMMIT not)",
        "share of the request's CPU under cProfile (its overhead inflates Python-heavy"
        " parts, so read the shares, not the milliseconds):",
        *(f"  {label}: {100 * ms / whole:.0f} % ({ms:.2f} ms)" for label, ms in steps.items()),
    ]
    return {
        "calls": calls,
        "wall_ms_median": round(wall_ms, 3),
        "wall_ms_p99": round(sorted(walls)[int(0.99 * (len(walls) - 1))] * 1000, 3),
        "python_cpu_ms_per_request": round(py_ms, 3),
        "postgres_cpu_ms_per_request": round(pg_ms, 3),
        "sql_statements_per_request": round(statements, 2),
        "sql_ms_per_request": round(sql_ms, 3),
        "steps_ms_cumulative_under_cprofile": steps,
        "top_functions_by_own_time": top,
        "summary": summary,
    }


def main(argv: list[str] | None = None) -> int:
    """Profile against the intake bench's database (kept when it exists)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.intake_profile", description=__doc__)
    parser.add_argument("--calls", type=int, default=300, help="requests per measurement")
    parser.add_argument("--top", action="store_true", help="also print the costliest functions")
    args = parser.parse_args(argv)
    from bench.intake_load import prepare

    fx = prepare(2_000, reuse=True)
    found = profile(fx.api_key, fx.codes, fx.points, args.calls)
    for line in found["summary"]:
        print(line)
    if args.top:
        print("\n".join(found["top_functions_by_own_time"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
