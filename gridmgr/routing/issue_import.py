"""Bulk writing of issues: route arrays of points and write issues and receipts with COPY.

The machinery of an import (gridmgr.routing.issue_file holds its rules) and of the demo's issues.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from gridmgr.errors import GridError, OutsideDistrictError
from gridmgr.routing import receipts
from gridmgr.routing.bulk import BulkRouter, BulkRoutes, LayerRoutes
from gridmgr.routing.copy_binary import CopyStream, copy_table, reserve_ids, timestamps


@dataclass
class IssueBatch:
    """Issues to create, as parallel arrays (WGS84 lon/lat)."""

    lon: np.ndarray
    lat: np.ndarray
    category_id: np.ndarray
    department_id: np.ndarray
    external_id: list[str | None] | None = None
    description: list[str] | None = None
    reported_at: list[dt.datetime] | None = None
    source: str = "import"

    def __len__(self) -> int:
        return len(self.lon)

    def take(self, idx: np.ndarray) -> IssueBatch:
        """The rows at the given indices."""

        def pick(values: list | None) -> list | None:
            return None if values is None else [values[i] for i in idx]

        return IssueBatch(
            self.lon[idx],
            self.lat[idx],
            self.category_id[idx],
            self.department_id[idx],
            pick(self.external_id),
            pick(self.description),
            pick(self.reported_at),
            self.source,
        )


def outside_rows(routes: BulkRoutes) -> list[int]:
    """0-based rows that lie outside the district."""
    return np.flatnonzero(routes.outside).tolist()


def route_batch(batch: IssueBatch, router: BulkRouter | None = None) -> BulkRoutes:
    """Route every issue of a batch (nothing is written)."""
    return (router or BulkRouter()).route(batch.lon, batch.lat)


def insert_batch(batch: IssueBatch, routes: BulkRoutes) -> np.ndarray:
    """Write a routed batch of issues and their receipts; returns the new issue ids."""
    if routes.outside.any():
        row = int(np.flatnonzero(routes.outside)[0])
        raise OutsideDistrictError(
            f"第 {row + 1} 行的位置不在本区范围内", f"row {row + 1} lies outside the district"
        )
    n = len(batch)
    now = timezone.now()
    with transaction.atomic(), deferred_indexes(n):
        ids = reserve_ids("gridmgr_issue", n)
        columns = _issue_columns(batch, routes, ids, now)
        columns["receipt_set"] = receipts.store_sets(routes)
        copy_table("gridmgr_issue", columns | _model_defaults(n, columns))
    return ids


class OutsideRows(OutsideDistrictError):
    """Rows of a batch that lie outside the district (0-based positions in `rows`)."""

    def __init__(self, rows: list[int]) -> None:
        self.rows = rows
        super().__init__(
            f"{len(rows)} 行的位置不在本区范围内", f"{len(rows)} rows lie outside the district"
        )


@dataclass
class Imported:
    """What import_batch did: the routes of every row, the rows written and their new ids."""

    routes: BulkRoutes
    written: np.ndarray
    ids: np.ndarray


# Rows routed and sent at a time: small enough that routing chunk k + 1 overlaps the server
# taking chunk k for most of the import, large enough to amortise numpy and GEOS calls.
IMPORT_CHUNK = 250_000


def import_batch(
    batch: IssueBatch,
    router: BulkRouter,
    *,
    skip_outside: bool = False,
    keep_indexes: bool = False,
    progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
    timings: dict[str, float] | None = None,
) -> Imported:
    """Route a batch of issues and write them with their receipts, in one pass.

    A worker thread routes chunk k + 1 while chunk k is encoded and sent, and the server
    takes the rows of one COPY as they come: routing (client CPU) overlaps writing (server
    CPU). The receipt sets met are written after the rows, the indexes rebuilt after them
    (deferred_indexes), all in one transaction. Rows outside the district are skipped with
    `skip_outside`; otherwise the first one stops the writing, the rest are still routed, and
    OutsideRows lists them all (nothing is written). Ids are drawn for every row up front, so
    a skipped row leaves a gap in the ids.
    """
    n, now = len(batch), timezone.now()
    chunks = [np.arange(s, min(s + IMPORT_CHUNK, n)) for s in range(0, n, IMPORT_CHUNK)]
    parts: list[BulkRoutes] = []
    written: list[np.ndarray] = []
    outside: list[int] = []
    marks = [time.perf_counter()]
    with transaction.atomic():
        with deferred_indexes(n, enabled=not keep_indexes):
            ids = reserve_ids("gridmgr_issue", n)
            sets = receipts.SetCollector()
            with routing_worker(router) as route, contextlib.ExitStack() as open_copy:
                routed = [route(batch.lon[c], batch.lat[c]) for c in chunks]
                stream: CopyStream | None = None
                steps = zip(chunks, routed, strict=True)
                for rows, future in progress(steps) if progress else steps:
                    routes = future.result()
                    parts.append(routes)
                    if not skip_outside and routes.outside.any():
                        outside += rows[routes.outside].tolist()
                    if outside:
                        continue  # failing already: only find the other outside rows
                    keep = np.flatnonzero(~routes.outside)
                    part = routes.take(keep)
                    columns = _issue_columns(batch.take(rows[keep]), part, ids[rows[keep]], now)
                    columns["receipt_set"] = sets.add(part)
                    columns |= _model_defaults(len(keep), columns)
                    if stream is None:
                        # The first batch brings most of the sets: written now, while
                        # the worker routes on and before COPY takes the connection.
                        sets.write()
                        stream = open_copy.enter_context(CopyStream("gridmgr_issue", list(columns)))
                    stream.write(columns)
                    written.append(rows[keep])
                if outside:
                    raise OutsideRows(outside)
            marks.append(time.perf_counter())
            sets.write()
            marks.append(time.perf_counter())
        marks.append(time.perf_counter())
    marks.append(time.perf_counter())
    if timings is not None:
        for k, step in enumerate(("route_copy", "sets", "rebuild", "commit")):
            timings[step] = marks[k + 1] - marks[k]
    done = np.concatenate(written) if written else np.zeros(0, dtype=np.int64)
    return Imported(_concat(parts), done, ids[done])


ROUTING_THREAD = "gridmgr-routing"


@contextlib.contextmanager
def routing_worker(router: BulkRouter) -> Iterator[Callable[..., Future[BulkRoutes]]]:
    """A thread routing chunks of points in turn, stopped and joined however the block ends.

    Yields `route(lon, lat)`, which queues a chunk and returns its future. When the block
    raises, the chunks not yet started are cancelled, the one being routed is finished
    (GEOS cannot be interrupted) and the thread is joined before the error goes on: no
    thread outlives an import, so none is left running while the interpreter exits.
    """
    stop = threading.Event()

    def work(lon: np.ndarray, lat: np.ndarray) -> BulkRoutes:
        if stop.is_set():
            raise RuntimeError("the import stopped")  # never read: its future is abandoned
        return router.route(lon, lat)

    pool = ThreadPoolExecutor(1, thread_name_prefix=ROUTING_THREAD)
    try:
        yield lambda lon, lat: pool.submit(work, lon, lat)
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)


def _concat(parts: list[BulkRoutes]) -> BulkRoutes:
    """The routes of consecutive chunks as one."""
    if not parts:
        return BulkRoutes(np.zeros(0, np.int64), np.zeros(0, bool), np.zeros(0, np.int64), [])
    layers = [
        LayerRoutes(
            first.layer_id,
            *(np.concatenate([getattr(p.layers[k], f) for p in parts]) for f in _LAYER_FIELDS),
        )
        for k, first in enumerate(parts[0].layers)
    ]
    region, out, fallback = (
        np.concatenate([getattr(p, f) for p in parts])
        for f in ("region", "outside", "fallback_owner")
    )
    return BulkRoutes(region, out, fallback, layers)


_LAYER_FIELDS = ("zone", "plan", "owner", "rule", "distance")


# A large import drops the indexes of the issue table, its primary key too (with the foreign
# keys of the tables that refer to it), and builds them again at the end: row by row, index
# upkeep costs several times what sorted builds do (bench, 2 cores; the primary key alone
# ~0.6 s a million rows in the COPY against ~0.25 s to build). A build reads the whole table,
# so it only pays when the import is large next to what is there already; until commit, the
# tables are locked for readers too. Partial indexes stay: imported rows seldom enter them (no
# tracking number, no idempotency key, no deadline), and building one scans the whole table all
# the same. The receipt table keeps its indexes: it gets a row per new receipt set and layer.
REBUILD_MIN_ROWS = 100_000
REBUILD_MAX_EXISTING = 2.0  # rows already in the issue table, per imported row
REBUILD_TABLES = ("gridmgr_issue",)
REBUILD_WORK_MEM = "1GB"  # for the index sorts, this transaction only
# How long a large import waits for the readers of the issue tables before it gives up (seconds).
REBUILD_LOCK_WAIT_S = 30.0

# The primary key first: it is built first again, and the foreign keys need it.
_INDEXES_SQL = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), quote_ident(c.conname),
  pg_get_constraintdef(c.oid)
FROM pg_index i
LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
  AND c.contype IN ('p', 'u')
WHERE i.indrelid = %s::regclass AND i.indpred IS NULL
ORDER BY i.indisprimary DESC, 1
"""
# Foreign keys of other tables (case steps, photos, notifications) that need the primary key.
_REFERRING_SQL = """
SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid)
FROM pg_constraint c WHERE c.confrelid = %s::regclass AND c.contype = 'f' ORDER BY 1, 2
"""


@contextlib.contextmanager
def deferred_indexes(n: int, enabled: bool = True) -> Iterator[None]:
    """Inside a transaction, write n issues with their secondary indexes built at the end.

    A no-op when not `enabled` (import_issues --keep-indexes), for a small import, or inside
    another deferral (nothing is left to drop). On an error the transaction's rollback brings
    the dropped indexes back. While it runs, the two tables are closed to readers too.
    """
    if not enabled or n < REBUILD_MIN_ROWS or _existing_issues() > REBUILD_MAX_EXISTING * n:
        yield
        return
    rebuild: list[str] = []
    # Raw SQL: DDL (locks, dropped keys and indexes) read from the catalogue.
    with connection.cursor() as cur:
        referring: list[tuple[str, str, str]] = []
        for table in REBUILD_TABLES:
            cur.execute(_REFERRING_SQL, [table])
            referring += cur.fetchall()
        _lock_for_rebuild(cur, sorted({child for child, _, _ in referring}))
        if referring:
            # Rows this transaction wrote before keep their (deferred) checks pending, and a
            # table with pending checks cannot be altered: run them now.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for child, constraint, _ in referring:
            cur.execute(f"ALTER TABLE {child} DROP CONSTRAINT {constraint}")
        for table in REBUILD_TABLES:
            cur.execute(_INDEXES_SQL, [table])
            for index, index_def, constraint, constraint_def in cur.fetchall():
                if constraint:
                    cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
                    rebuild.append(
                        f"ALTER TABLE {table} ADD CONSTRAINT {constraint} {constraint_def}"
                    )
                else:
                    cur.execute(f"DROP INDEX {index}")
                    rebuild.append(index_def)
        # Checked again when added back: every step, photo and notice still names an issue.
        rebuild += [f"ALTER TABLE {c} ADD CONSTRAINT {name} {d}" for c, name, d in referring]
    yield
    # Raw SQL: DDL, the dropped keys and indexes built again.
    with connection.cursor() as cur:
        cur.execute("SELECT set_config('maintenance_work_mem', %s, true)", [REBUILD_WORK_MEM])
        for statement in rebuild:
            cur.execute(statement)
        if referring:
            cur.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's keys: deferred to commit


def _lock_for_rebuild(cur: Any, referring: list[str]) -> None:
    """Take the issue tables for the import, waiting REBUILD_LOCK_WAIT_S at most for readers.

    `referring`: the tables whose foreign keys to them are dropped and added back too.
    """
    cur.execute("SELECT current_setting('lock_timeout')")
    before = cur.fetchone()[0]
    cur.execute(
        "SELECT set_config('lock_timeout', %s, true)", [f"{REBUILD_LOCK_WAIT_S * 1000:.0f}"]
    )
    try:
        tables = ", ".join([*REBUILD_TABLES, *referring])
        cur.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != "55P03":  # lock_not_available
            raise
        raise GridError(
            f"问题表正被其他操作占用，{REBUILD_LOCK_WAIT_S:g} 秒内未能取得，未写入任何数据；"
            "请稍后重试，或加 --keep-indexes 边读边导入",
            f"the issue tables stayed busy with other work for {REBUILD_LOCK_WAIT_S:g} s; "
            "nothing was written: try again later, or use --keep-indexes to import alongside "
            "readers",
        ) from exc
    cur.execute("SELECT set_config('lock_timeout', %s, true)", [before])


def _existing_issues() -> float:
    """The planner's estimate of the rows in the issue table (counted if never estimated)."""
    # Raw SQL: the planner's estimate lives in pg_class; counting a million rows takes a while.
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples FROM pg_class WHERE oid = 'gridmgr_issue'::regclass")
        estimate = float(cur.fetchone()[0])
        if estimate < 0:
            cur.execute("SELECT count(*) FROM gridmgr_issue")
            estimate = float(cur.fetchone()[0])
    return estimate


def _issue_columns(
    batch: IssueBatch, routes: BulkRoutes, ids: np.ndarray, now: dt.datetime
) -> dict:
    n = len(batch)
    reported = (
        pa.array(batch.reported_at, type=pa.timestamp("us", tz="UTC"))
        if batch.reported_at is not None
        else timestamps(n, now)
    )
    # Left out, the columns take their database defaults (NULL, "", "reported": db_default).
    optional = {
        "external_id": batch.external_id,
        "description": batch.description,
    }
    return {
        "id": ids,
        **{k: pa.array(v, type=pa.string()) for k, v in optional.items() if v is not None},
        "location": _ewkb_points(batch.lon, batch.lat),
        "category_id": batch.category_id,
        "source": pa.repeat(pa.scalar(batch.source, pa.string()), n),
        "reported_at": reported,
        "region_id": routes.region,
        "zone_id": routes.zone(),
        "owner_id": routes.owner(),
        "department_id": batch.department_id,
        "in_overlap": routes.in_overlap(),
        "in_blind_spot": routes.in_blind_spot(),
        "distance_m": routes.distance(),
        "routed_at": timestamps(n, now),
    }


# EWKB of a point: little-endian, type Point with an SRID (0x20000001), SRID 4326, x, y.
_EWKB_POINT_4326 = np.void(bytes.fromhex("0101000020E6100000"))


def _ewkb_points(lon: np.ndarray, lat: np.ndarray) -> pa.Array:
    """SRID=4326 points as EWKB, the same bytes shapely.to_wkb(include_srid=True) writes,
    built with numpy: ~10× faster than making and serialising point objects."""
    rows = np.empty(len(lon), dtype=[("head", "V9"), ("x", "<f8"), ("y", "<f8")])
    rows["head"], rows["x"], rows["y"] = _EWKB_POINT_4326, lon, lat
    return pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(rows.itemsize), len(rows), [None, pa.py_buffer(rows)]
    )


def _model_defaults(n: int, written: dict) -> dict:
    """The NOT NULL issue columns COPY does not set, at their model defaults (as the ORM would)."""
    from gridmgr.models import Issue

    # COPY bypasses the ORM: a NOT NULL column without a database default must be written.
    fields = [
        f
        for f in Issue._meta.concrete_fields
        if f.column not in written and not f.null and not f.has_db_default()
    ]
    values = {f.column: f.get_default() for f in fields}  # "" for text fields without default
    return {column: pa.repeat(pa.scalar(v), n) for column, v in values.items() if v is not None}
