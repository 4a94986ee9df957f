"""Bulk assignment: a CSV of points → routed issues in PostGIS, and the raw tools on the same points."""

from __future__ import annotations

import contextlib
import io
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import shapely
from django.core.management import call_command
from django.db import DatabaseError, transaction
from numpy.typing import NDArray

from bench.db import copy_rows, execute
from bench.world import Grid, World

CSV_FIELDS = ("lon", "lat", "category")


@dataclass
class Points:
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    path: Path


def make_points(world: World, n: int, categories: list[str], path: Path, seed: int = 7) -> Points:
    """n points spread evenly over the district (7 decimals, as files carry them), as a CSV."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = world.district.bounds
    shapely.prepare(world.district)
    lon, lat = np.empty(0), np.empty(0)
    while len(lon) < n:
        x = np.round(rng.uniform(minx, maxx, n), 7)
        y = np.round(rng.uniform(miny, maxy, n), 7)
        inside = shapely.contains_xy(world.district, x, y)
        lon, lat = np.r_[lon, x[inside]], np.r_[lat, y[inside]]
    lon, lat = lon[:n], lat[:n]
    cats = np.asarray(categories)[rng.integers(0, len(categories), n)]
    table = pa.table({"lon": lon, "lat": lat, "category": cats})
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, path)
    return Points(lon, lat, path)


def reset_issues() -> None:
    """Empty the issue tables (untimed, between repeats) and checkpoint if allowed."""
    execute("TRUNCATE gridmgr_receipt, gridmgr_issue RESTART IDENTITY CASCADE")
    # Only a superuser may checkpoint: on a foreign server, skip it.
    with contextlib.suppress(DatabaseError):
        execute("CHECKPOINT")


def gridmgr_pipeline(path: Path) -> dict[str, float]:
    """What import_issues --commit does, step by step, timed: file → rows in PostGIS.

    The command's own core (import_issue_file), called without the command-line around it.
    """
    from gridmgr.routing.issue_file import IssueFile, import_issue_file

    timings: dict[str, float] = {}
    start = time.perf_counter()
    with transaction.atomic():
        source = IssueFile(path, lon_field="lon", lat_field="lat", category_field="category")
        report = import_issue_file(source, skip_invalid=True, timings=timings)
    out = dict(timings)
    out["total"] = time.perf_counter() - start
    # Routing and COPY (overlapped), receipt sets, index builds and the commit.
    out["write"] = out["total"] - sum(out[s] for s in ("read", "categories", "index"))
    out["written"] = float(report.written)
    out["blind"] = float(report.blind)
    out["overlap"] = float(report.overlap)
    return out


def gridmgr_routing_only(points: Points) -> float:
    """BulkRouter built and run on the points alone, nothing written (seconds).

    In the pipeline routing overlaps writing; this is its own cost, next to the raw lookups.
    """
    from gridmgr.routing.bulk import BulkRouter

    start = time.perf_counter()
    BulkRouter().route(points.lon, points.lat)
    return time.perf_counter() - start


def gridmgr_command(path: Path) -> float:
    """The import_issues command itself, --commit, end to end (seconds)."""
    start = time.perf_counter()
    call_command(
        "import_issues",
        str(path),
        "--lon-field=lon",
        "--lat-field=lat",
        "--category-field=category",
        "--commit",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return time.perf_counter() - start


def issue_count() -> int:
    return int(execute("SELECT count(*) FROM gridmgr_issue")[0][0])


# --- raw PostGIS ---------------------------------------------------------------------------


def postgis_points(points: Points) -> None:
    """COPY the points into a table of their own (untimed preparation of the raw join)."""
    execute("DROP TABLE IF EXISTS bench_pts")
    execute("CREATE TABLE bench_pts (id integer, lon float8, lat float8)")
    rows = zip(range(len(points.lon)), points.lon.tolist(), points.lat.tolist(), strict=True)
    copy_rows("bench_pts", ["id", "lon", "lat"], rows)
    execute("DROP TABLE IF EXISTS bench_pts_g")
    execute(
        "CREATE TABLE bench_pts_g AS "
        "SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom FROM bench_pts"
    )
    execute("ANALYZE bench_pts_g")
    execute("DROP TABLE IF EXISTS bench_join")
    execute("CREATE TABLE bench_join (point integer, zone bigint)")


_NAIVE_JOIN = (
    "INSERT INTO bench_join SELECT p.id, z.id FROM bench_pts_g p "
    "JOIN gridmgr_zone z ON ST_Intersects(z.geom, p.geom) "
    "WHERE z.active AND z.layer_id = ANY(%s)"
)
# Zones outside, points found through their own GiST index: each zone's geometry stays the same
# over its run of points, so PostGIS keeps it prepared (far fewer index probes, too).
_TUNED_JOIN = (
    "INSERT INTO bench_join SELECT q.id, z.id FROM gridmgr_zone z CROSS JOIN LATERAL "
    "(SELECT p.id FROM bench_pts_g p WHERE ST_Intersects(z.geom, p.geom) OFFSET 0) q "
    "WHERE z.active AND z.layer_id = ANY(%s)"
)


def postgis_join(layer_ids: list[int], tuned: bool) -> tuple[float, int]:
    """Time INSERT … SELECT … ST_Intersects of every point against the zones of some layers.

    Untuned: the planner's own plan (one zone-index probe per point). Tuned: a GiST index on the
    points is built (timed) and each zone looks up its points.
    """
    execute("TRUNCATE bench_join")
    execute("DROP INDEX IF EXISTS bench_pts_g_gix")
    # The planner's parallel plan is several times slower on 2 cores (field notes).
    execute("SET max_parallel_workers_per_gather = 0")
    start = time.perf_counter()
    with transaction.atomic():
        if tuned:
            execute("CREATE INDEX bench_pts_g_gix ON bench_pts_g USING gist (geom)")
            execute("ANALYZE bench_pts_g")
        execute(_TUNED_JOIN if tuned else _NAIVE_JOIN, [layer_ids])
    seconds = time.perf_counter() - start
    return seconds, int(execute("SELECT count(*) FROM bench_join")[0][0])


def bare_inserts() -> dict[str, float]:
    """Time copying the written issues and receipts into index-free copies of their tables.

    What PostgreSQL needs for the same rows without the tables' indexes and triggers: the
    rest of gridmgr's write step is index maintenance, constraint triggers and COPY parsing.
    """
    out: dict[str, float] = {}
    for table in ("gridmgr_issue", "gridmgr_receipt"):
        execute(f"DROP TABLE IF EXISTS bench_bare_{table}")
        execute(f"CREATE TABLE bench_bare_{table} (LIKE {table})")
        start = time.perf_counter()
        with transaction.atomic():
            execute(f"INSERT INTO bench_bare_{table} SELECT * FROM {table}")
        out[table] = time.perf_counter() - start
        out[f"{table}_rows"] = float(execute(f"SELECT count(*) FROM bench_bare_{table}")[0][0])
        out[f"{table}_indexes"] = float(
            execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [table])[0][0]
        )
        out[f"{table}_triggers"] = float(
            execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass "
                "AND tgfoid = '\"RI_FKey_check_ins\"'::regproc",
                [table],
            )[0][0]
        )
        execute(f"DROP TABLE bench_bare_{table}")
    return out


# --- raw shapely ---------------------------------------------------------------------------


@dataclass
class RawIndex:
    geoms: NDArray[np.object_]
    tree: shapely.STRtree


def raw_index(geoms: NDArray[np.object_], threads: int = 2) -> list[RawIndex]:
    """An STRtree over prepared polygons, one copy per thread.

    GEOS prepared geometries are not thread-safe (libgeos/geos#825): two threads sharing one
    crash the process now and then, so each thread gets its own copy, as gridmgr's does.
    """
    out = []
    for k in range(threads):
        own = np.asarray(geoms, dtype=object)
        if k:
            own = shapely.from_wkb(shapely.to_wkb(own))
        shapely.prepare(own)
        out.append(RawIndex(own, shapely.STRtree(own)))
    return out


def _raw_lookup(index: RawIndex, x: NDArray, y: NDArray) -> NDArray[np.int64]:
    """STRtree bounding-box query, then contains_xy on the prepared candidates."""
    pt, zone = index.tree.query(shapely.points(x, y))
    inside = shapely.contains_xy(index.geoms[zone], x[pt], y[pt])
    out = np.full(len(x), -1, dtype=np.int64)
    out[pt[inside]] = zone[inside]
    return out


def shapely_lookup(indexes: list[list[RawIndex]], lon: NDArray, lat: NDArray) -> list:
    """Every point against every layer, the points split across threads (GEOS frees the GIL)."""
    threads = len(indexes[0])
    parts = np.array_split(np.arange(len(lon)), threads)
    found = []
    with ThreadPoolExecutor(threads) as pool:
        for copies in indexes:
            runs = pool.map(
                lambda k, c=copies: _raw_lookup(c[k], lon[parts[k]], lat[parts[k]]), range(threads)
            )
            found.append(np.concatenate(list(runs)))
    return found


# --- arithmetic lattice ----------------------------------------------------------------------


@dataclass
class Lattice:
    """A regular grid's cells by (row, col), for index arithmetic on metres."""

    size: float
    col0: int
    row0: int
    table: NDArray[np.int64]


def lattice(world: World, grid: Grid) -> Lattice:
    """Index a lattice grid by cell position (its defects stay as they are)."""
    centres = shapely.centroid(world.proj.to_metres(grid.cells))
    col = np.floor(shapely.get_x(centres) / grid.cell_m).astype(np.int64)
    row = np.floor(shapely.get_y(centres) / grid.cell_m).astype(np.int64)
    table = np.full((row.max() - row.min() + 1, col.max() - col.min() + 1), -1, dtype=np.int64)
    table[row - row.min(), col - col.min()] = np.arange(len(grid.cells))
    return Lattice(grid.cell_m, int(col.min()), int(row.min()), table)


def lattice_lookup(lat_ix: Lattice, x: NDArray, y: NDArray) -> NDArray[np.int64]:
    """The cell of each point in metres: two floor divisions and a table read."""
    col = np.floor_divide(x, lat_ix.size).astype(np.int64) - lat_ix.col0
    row = np.floor_divide(y, lat_ix.size).astype(np.int64) - lat_ix.row0
    nrows, ncols = lat_ix.table.shape
    ok = (col >= 0) & (col < ncols) & (row >= 0) & (row < nrows)
    out = np.full(len(x), -1, dtype=np.int64)
    out[ok] = lat_ix.table[row[ok], col[ok]]
    return out
