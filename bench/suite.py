"""The measures, each gridmgr's figure next to the raw tools' on the same data, in one run."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from bench import assign, cover, single
from bench.load import Loaded
from bench.measure import Results, Row, percentiles_ms, repeat, timed
from bench.world import Grid, World

BULK_TARGET = 150_000.0  # issues/s, file in → assigned rows in PostGIS
SINGLE_P99_MS = 5.0
COVERAGE_TARGETS = ((25_000, 35_000, 0.5), (90_000, 110_000, 2.0))  # cells → seconds
# The report of the coverage page and API, uncached, at most this many times raw shapely's time.
SERVICE_TO_SHAPELY = 1.5


@dataclass
class Plan:
    """How much work each measure does."""

    points: int
    repeats: int
    single_calls: int
    warmup: int
    big_assign: bool


def coverage_target(n_cells: int) -> float | None:
    for low, high, seconds in COVERAGE_TARGETS:
        if low <= n_cells <= high:
            return seconds
    return None


def coverage(
    results: Results, world: World, loaded: Loaded, grid: Grid, sql: str, plan: Plan, service: bool
) -> None:
    """Blind spots / overlaps / m² of one grid over the district."""
    n = len(grid)
    section = f"coverage, {n:,} cells of {grid.cell_m:g} m"
    target = coverage_target(n)
    cells = grid.cells
    t_gm, fig = repeat(lambda: cover.gridmgr_geodata(world.district, cells), plan.repeats)
    t_pg, fig_pg = repeat(lambda: cover.raw_postgis(sql, loaded.district.pk), plan.repeats)
    t_sh, fig_sh = repeat(lambda: cover.raw_shapely(world.district, cells), plan.repeats)
    results.add(
        Row(
            section,
            "gridmgr geodata.coverage.analyse",
            t_gm.median,
            "s",
            seconds=t_gm.median,
            detail=(
                f"blind spots, overlaps, spill-over in m²: blind {fig.blind_m2:,.0f} m² in "
                f"{fig.blind_pieces} pieces ≥ 1 m², overlaps "
                f"{fig.overlap_m2 or 0:,.0f} m² in {fig.overlap_pieces} pairs; runs "
                + ", ".join(f"{s:.3f}" for s in t_gm.runs)
            ),
            target=f"≤ {target:g} s" if target else "",
            met=t_gm.median <= target if target else None,
            extra={"runs": t_gm.runs, "blind_m2": fig.blind_m2, "overlap_m2": fig.overlap_m2},
        )
    )
    if service:
        _service(results, section, world, loaded, cells, plan)
    for name, t, f in (
        ("raw PostGIS ST_Union + ST_Difference", t_pg, fig_pg),
        ("raw shapely invalid edges → coverage_union_all → difference", t_sh, fig_sh),
    ):
        results.add(
            Row(
                section,
                name,
                t.median,
                "s",
                seconds=t.median,
                ratio=t_gm.median / t.median,
                detail=f"blind {f.blind_m2:,.0f} m²; runs " + ", ".join(f"{s:.3f}" for s in t.runs),
                extra={"runs": t.runs, "blind_m2": f.blind_m2},
            )
        )


def _service(
    results: Results, section: str, world: World, loaded: Loaded, cells: Any, plan: Plan
) -> None:
    """The coverage page's and API's report on a cache miss against raw shapely, run in turns
    (at least five pairs) so that both see the same load; the median of the pairs' ratios."""
    runs: list[tuple[float, float]] = []
    for _ in range(max(plan.repeats, 5)):
        cover.empty_cache()
        t_sv, fig = timed(
            lambda: cover.gridmgr_service(loaded.district.pk, loaded.layers["grid"].pk)
        )
        t_sh, _ = timed(lambda: cover.raw_shapely(world.district, cells))
        runs.append((t_sv, t_sh))
    ratio = statistics.median(sv / sh for sv, sh in runs)
    seconds = statistics.median(sv for sv, _ in runs)
    results.add(
        Row(
            section,
            "gridmgr coverage page / API report, cache miss",
            seconds,
            "s",
            seconds=seconds,
            ratio=ratio,
            detail=f"cache.report: zones read from PostGIS, full report, cached; {ratio:.2f}× "
            f"raw shapely run in turns with it; blind {fig.blind_m2:,.0f} m²; runs (report / "
            "shapely) " + ", ".join(f"{sv:.3f}/{sh:.3f}" for sv, sh in runs),
            target=f"≤ {SERVICE_TO_SHAPELY:g}× raw shapely",
            met=ratio <= SERVICE_TO_SHAPELY,
            extra={"runs": runs, "ratio_to_raw_shapely": ratio},
        )
    )


def bulk(
    results: Results,
    world: World,
    loaded: Loaded,
    grid: Grid,
    points: assign.Points,
    plan: Plan,
    full: bool = True,
) -> None:
    """File of points → routed issues and receipts in PostGIS, vs the raw lookups.

    `full`: also time the import_issues command and PostGIS's own (slow) plan.
    """
    n = len(points.lon)
    section = f"bulk assignment, {n:,} points, {len(grid):,} unit grids"
    runs = []
    for _ in range(plan.repeats):
        assign.reset_issues()
        runs.append(assign.gridmgr_pipeline(points.path))
    best = sorted(runs, key=lambda r: r["total"])[len(runs) // 2]
    totals = [r["total"] for r in runs]
    rate = n / best["total"]
    steps = ("read", "categories", "index")
    results.add(
        Row(
            section,
            "gridmgr CSV file → assigned issues + receipts in PostGIS",
            rate,
            "issues/s",
            seconds=best["total"],
            detail="import_issue_file (read_point_table, CategoryResolver, BulkRouter, import_batch): "
            + " · ".join(f"{s} {best[s]:.2f} s" for s in steps)
            + (
                " · route and COPY, overlapped {route_copy:.2f} s · receipt sets {sets:.2f} s"
                " · index builds {rebuild:.2f} s · commit {commit:.2f} s"
            ).format(**best)
            + f" · total {best['total']:.2f} s (runs "
            + ", ".join(f"{s:.2f}" for s in totals)
            + f"); {best['blind']:.0f} in blind spots, {best['overlap']:.0f} in overlaps",
            target=f"≥ {BULK_TARGET / 1000:.0f}k issues/s",
            met=rate >= BULK_TARGET,
            extra={"runs": runs, "median_run": best},
        )
    )
    if assign.issue_count() != n:
        raise RuntimeError(f"expected {n} issues, found {assign.issue_count()}")
    if full:
        assign.reset_issues()
        t_cmd = assign.gridmgr_command(points.path)
        results.add(
            Row(
                section,
                "gridmgr manage.py import_issues --commit (1 run)",
                n / t_cmd,
                "issues/s",
                seconds=t_cmd,
                detail=f"{t_cmd:.2f} s",
                target=f"≥ {BULK_TARGET / 1000:.0f}k issues/s",
                met=n / t_cmd >= BULK_TARGET,
            )
        )
    _bare_write(results, section, n, best)
    _raw_bulk(results, section, world, loaded, grid, points, plan, best, full)


def _bare_write(results: Results, section: str, n: int, best: dict[str, float]) -> None:
    """PostgreSQL writing the same rows into index-free tables: the floor of the write step."""
    bare = assign.bare_inserts()
    seconds = bare["gridmgr_issue"] + bare["gridmgr_receipt"]
    results.add(
        Row(
            section,
            "raw PostgreSQL: the same rows into index-free copies of the tables",
            n / seconds,
            "issues/s",
            seconds=seconds,
            ratio=best["total"] / seconds,
            detail=f"INSERT … SELECT of {bare['gridmgr_issue_rows']:,.0f} issues "
            f"{bare['gridmgr_issue']:.2f} s + {bare['gridmgr_receipt_rows']:,.0f} receipts "
            f"{bare['gridmgr_receipt']:.2f} s; gridmgr's write step ({best['write']:.2f} s) also "
            f"maintains or builds {bare['gridmgr_issue_indexes']:.0f} + "
            f"{bare['gridmgr_receipt_indexes']:.0f} indexes and "
            f"{bare['gridmgr_issue_triggers'] + bare['gridmgr_receipt_triggers']:.0f} "
            "foreign-key check triggers per row",
            extra=bare,
        )
    )


def _raw_bulk(
    results: Results,
    section: str,
    world: World,
    loaded: Loaded,
    grid: Grid,
    points: assign.Points,
    plan: Plan,
    best: dict[str, float],
    full: bool,
) -> None:
    n = len(points.lon)
    total, routing = best["total"], assign.gridmgr_routing_only(points)
    assign.postgis_points(points)
    grid_layer = [loaded.layers["grid"].pk]
    all_layers = [layer.pk for layer in loaded.layers.values()]
    joins = (
        ("3 layers, tuned", all_layers, True, plan.repeats),
        ("unit-grid layer, tuned", grid_layer, True, plan.repeats),
        ("3 layers, planner's own plan", all_layers, False, 1 if full else 0),
    )
    for label, layers, tuned, repeats in joins:
        if not repeats:
            continue
        runs = [assign.postgis_join(layers, tuned) for _ in range(repeats)]
        seconds = statistics.median(r[0] for r in runs)
        how = (
            "GiST index on the points built (timed), each zone finds its points"
            if tuned
            else "one zone-index probe per point, as the planner chooses; 1 run"
        )
        results.add(
            Row(
                section,
                f"raw PostGIS INSERT … SELECT … ST_Intersects, {label}",
                n / seconds,
                "points/s",
                seconds=seconds,
                ratio=total / seconds,
                detail=f"{seconds:.2f} s, {runs[-1][1]:,} pairs; {how}; points COPYed first",
                extra={"runs": [r[0] for r in runs]},
            )
        )
    lon, lat = points.lon, points.lat
    layer_geoms: dict[str, list] = {
        "unit-grid layer": [grid.cells],
        "3 layers + sub-districts": [
            world.sectors,
            world.packages,
            grid.cells,
            world.subdistricts,
        ],
    }
    for label, geoms in layer_geoms.items():
        start = time.perf_counter()
        indexes = [assign.raw_index(np.asarray(g, dtype=object)) for g in geoms]
        built = time.perf_counter() - start
        t, found = repeat(partial(assign.shapely_lookup, indexes, lon, lat), plan.repeats)
        results.add(
            Row(
                section,
                f"raw shapely STRtree + prepared contains_xy, 2 threads, {label}",
                n / t.median,
                "points/s",
                seconds=t.median,
                ratio=total / t.median,
                detail=f"lookup {t.median:.2f} s (+ index, one copy per thread, {built:.2f} s); "
                f"gridmgr's routing step (index + route) {routing:.2f} s = "
                f"{routing / t.median:.2f}× this",
            )
        )
    _agreement(results, section, loaded, points, found[2])
    lat_ix = assign.lattice(world, grid)
    start = time.perf_counter()
    x, y = world.proj.points_to_metres(lon, lat)
    projected = time.perf_counter() - start
    t, _cells = repeat(lambda: assign.lattice_lookup(lat_ix, x, y), plan.repeats)
    results.add(
        Row(
            section,
            "raw arithmetic lattice lookup (numpy floor division on metres)",
            n / t.median,
            "points/s",
            seconds=t.median,
            ratio=total / t.median,
            detail=f"{t.median * 1000:.1f} ms; projecting lon/lat → metres first: "
            f"{projected:.2f} s ({n / projected / 1e6:.1f}M points/s)",
        )
    )


def _agreement(
    results: Results, section: str, loaded: Loaded, points: assign.Points, raw: np.ndarray
) -> None:
    """Share of points whose unit grid gridmgr and raw shapely agree on (untimed check)."""
    from gridmgr.routing.bulk import OVERLAP, BulkRouter

    routes = BulkRouter().route(points.lon, points.lat)
    grid_layer = [r for r in routes.layers if r.layer_id == loaded.layers["grid"].pk][0]
    raw_ids = np.where(raw >= 0, loaded.zone_ids["grid"][np.maximum(raw, 0)], -1)
    inside = raw_ids >= 0
    same = grid_layer.zone[inside] == raw_ids[inside]
    disagree = int((~same).sum())
    overlap = int((grid_layer.rule[inside][~same] == OVERLAP).sum())
    results.meta.setdefault("checks", []).append(
        f"{section}: gridmgr and raw shapely agree on the unit grid of "
        f"{same.mean() * 100:.3f}% of the {int(inside.sum()):,} points raw shapely places; "
        f"{disagree} differ, {overlap} of them in overlaps (tie-break by size then code)"
    )


def single_issue(results: Results, loaded: Loaded, points: assign.Points, plan: Plan) -> None:
    """report_issue one at a time, vs a raw prepared indexed lookup."""
    section = f"one issue through the service layer ({plan.single_calls} calls)"
    total = plan.warmup + plan.single_calls
    lon, lat = single.sample_points(points.lon, points.lat, total)
    category = loaded.categories[0]
    queries = single.query_count(float(lon[0]), float(lat[0]), category)
    gm = percentiles_ms(single.report_issue_samples(lon, lat, category, plan.warmup))
    rp = percentiles_ms(single.route_point_samples(lon, lat, plan.warmup))
    raw = percentiles_ms(single.raw_samples(lon, lat, plan.warmup))
    share = single.sql_share(lon[: plan.warmup], lat[: plan.warmup], category)
    results.add(
        Row(
            section,
            "gridmgr report_issue, p99",
            gm["p99"],
            "ms",
            detail=f"route + insert issue + receipts: p50 {gm['p50']:.2f} · p95 {gm['p95']:.2f} · "
            f"p99 {gm['p99']:.2f} · "
            f"max {gm['max']:.2f} ms; {queries} SQL statements per call, "
            f"{share['sql_ms']:.2f} of {share['wall_ms']:.2f} ms (median) inside them, the rest "
            "in Python, Django and COMMIT",
            target=f"p99 ≤ {SINGLE_P99_MS:g} ms",
            met=gm["p99"] <= SINGLE_P99_MS,
            extra=gm | {"queries": queries} | share,
        )
    )
    results.add(
        Row(
            section,
            "gridmgr route_point alone, p99",
            rp["p99"],
            "ms",
            detail=f"lookups only, nothing written: p50 {rp['p50']:.2f} · p95 {rp['p95']:.2f} · "
            f"p99 {rp['p99']:.2f} ms",
            extra=rp,
        )
    )
    results.add(
        Row(
            section,
            "raw prepared indexed SELECT, p99",
            raw["p99"],
            "ms",
            ratio=gm["p99"] / raw["p99"],
            detail="SELECT id FROM gridmgr_zone WHERE active AND ST_Covers(geom, pt): "
            f"p50 {raw['p50']:.2f} · p95 {raw['p95']:.2f} · p99 {raw['p99']:.2f} ms; "
            f"report_issue p50 ÷ raw p50 = {gm['p50'] / raw['p50']:.1f}×",
            extra=raw,
        )
    )
