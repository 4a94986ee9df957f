"""Run the bench: `python -m bench.run [--quick] [--points N]` (see README, Benchmarks)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.measure import Results, Row

if TYPE_CHECKING:
    from bench.load import Loaded
    from bench.suite import Plan
    from bench.world import Grid, World

OUT = Path(__file__).resolve().parent / "out"


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="100k points, 10k + 30k cells, fewer web and intake runs",
    )
    parser.add_argument(
        "--points", type=int, help="points in the bulk file (default 1M, quick 100k)"
    )
    parser.add_argument("--repeats", type=int, help="runs per figure, median kept (default 3)")
    parser.add_argument(
        "--no-big-assign", action="store_true", help="skip bulk assignment on the 100k-cell grid"
    )
    parser.add_argument(
        "--no-web", action="store_true", help="skip the browser-app figures (bench.web)"
    )
    parser.add_argument(
        "--coverage-only",
        action="store_true",
        help="only the coverage figures (no bulk, one-issue, readers, web or intake parts)",
    )
    parser.add_argument(
        "--no-intake", action="store_true", help="skip the Open311 intake load (bench.intake_load)"
    )
    return parser.parse_args(argv)


def add_web(results: Results, quick: bool) -> None:
    """The browser-app figures (bench.web, in a child process with its own database)."""
    from bench import web

    found = web.in_child(quick)
    results.rows.extend(Row(**row) for row in found.get("rows", []))
    results.meta["web"] = found.get("meta", {})


def intake_line(h: dict[str, Any]) -> str:
    """The Open311 intake headline (bench.intake_load.headline) on one line."""
    p99 = (h.get("open_loop_latency_ms") or {}).get("p99")
    return (
        f"Open311 intake through gunicorn {h.get('config')}: open loop at"
        f" {h.get('open_loop_rate')}/s served {h.get('open_loop_ok_per_s')}/s, p99 {p99} ms;"
        f" closed-loop maximum {h.get('closed_loop_max_per_s')}/s; counts ok"
        f" {h.get('counts_ok')}; target {(h.get('target') or {}).get('met')}"
    )


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    started = time.perf_counter()
    from bench.db import setup_django

    print("== bench database: ", end="", flush=True)
    print(setup_django())

    from bench import suite
    from bench.load import cells_table, load_world
    from bench.measure import machine
    from bench.world import add_grid, build_world, cell_size_for

    quick = bool(args.quick)
    plan = suite.Plan(
        points=args.points or (100_000 if quick else 1_000_000),
        repeats=args.repeats or (2 if quick else 3),
        single_calls=300 if quick else 1000,
        warmup=50 if quick else 100,
        big_assign=not quick and not args.no_big_assign,
    )
    results = Results("quick" if quick else "full", meta={"machine": machine(), "plan": vars(plan)})

    print("== synthetic district", flush=True)
    world = build_world()
    main_grid = add_grid(world, "main", cell_size_for(world, 10_000) if quick else 100.0)
    big_grid = add_grid(world, "big", 100.0 if quick else cell_size_for(world, 100_000))
    loaded = load_world(world, main_grid)
    cells_table("bench_cells_big", big_grid.cells)
    results.meta["world"] = {
        "district_km2": round(world.area_m2 / 1e6, 1),
        "subdistricts": len(world.subdistricts),
        "sectors": len(world.sectors),
        "packages": len(world.packages),
        "grid_cells": len(main_grid),
        "grid_cell_m": main_grid.cell_m,
        "big_grid_cells": len(big_grid),
        "big_grid_cell_m": big_grid.cell_m,
        "defects_per_grid": {"removed_cells": main_grid.removed, "grown_cells": main_grid.grown},
        "points": plan.points,
        "setup_s": round(time.perf_counter() - started, 1),
    }
    print(f"   {results.meta['world']}", flush=True)

    from bench.cover import grid_cells_sql

    print("== coverage", flush=True)
    suite.coverage(
        results, world, loaded, main_grid, grid_cells_sql(loaded.layers["grid"].pk), plan, True
    )
    suite.coverage(
        results, world, loaded, big_grid, "SELECT geom FROM bench_cells_big", plan, False
    )
    if not args.coverage_only:
        rest(results, world, loaded, (main_grid, big_grid), plan, args)
    return report(results, started, "coverage.json" if args.coverage_only else "results.json")


def rest(
    results: Results,
    world: World,
    loaded: Loaded,
    grids: tuple[Grid, Grid],
    plan: Plan,
    args: argparse.Namespace,
) -> None:
    """Every part after the coverage figures (the main grid, then the big one)."""
    from bench import assign, suite
    from bench.load import swap_grid

    quick = bool(args.quick)
    main_grid, big_grid = grids
    points = assign.make_points(world, plan.points, loaded.categories, OUT / "points.csv")
    print("== bulk assignment", flush=True)
    suite.bulk(results, world, loaded, main_grid, points, plan)
    print("== one issue at a time", flush=True)
    suite.single_issue(results, loaded, points, plan)
    print("== readers", flush=True)
    from bench import readers

    OUT.mkdir(parents=True, exist_ok=True)
    readers.kml_folders(results, OUT)
    if plan.big_assign:
        print("== bulk assignment on the big grid", flush=True)
        swap_grid(loaded, world, big_grid)
        big_plan = suite.Plan(plan.points, 1, plan.single_calls, plan.warmup, False)
        suite.bulk(results, world, loaded, big_grid, points, big_plan, full=False)

    if not args.no_web:
        print("== browser app (bench.web, own database)", flush=True)
        add_web(results, quick)
    if not args.no_intake:
        print("== Open311 intake through gunicorn (bench.intake_load, own database)", flush=True)
        from bench import intake_load

        results.meta["intake"] = intake_load.in_child(quick)


def report(results: Results, started: float, name: str) -> int:
    """Print the table and write bench/out/<name>."""
    results.meta["elapsed_s"] = round(time.perf_counter() - started, 1)
    print()
    print(results.table())
    for check in results.meta.get("checks", []):
        print(f"check: {check}")
    if results.meta.get("intake"):
        print(intake_line(results.meta["intake"]))
    print(f"\n{results.mode} run in {results.meta['elapsed_s']} s; figures in {OUT / name}")
    results.write_json(OUT / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
