"""Routing receipts as shared, content-addressed receipt sets.

An issue's receipts (per layer: zone, plan, owner, rule, distance) are the same for every issue
routed alike: all the points of one unit grid share them. They are stored once per distinct
content, as a receipt set whose id is the BLAKE2b-128 digest of that content, and an issue
names its set (Issue.receipt_set). The id needs no round trip to the database, so the bulk path
and the one-issue path agree on it without coordination, and two writers of the same new set
simply meet on the unique (set, layer) key. Routing, a view, shows them per issue as before.

A million issues over 30k unit grids make ~39k sets (the nearest-zone rule, whose distance
differs from point to point, makes one set per such point): ~117k receipt rows instead of 3M.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
from django.db import connection, transaction

from gridmgr.routing.bulk import RULES, BulkRoutes
from gridmgr.routing.copy_binary import copy_table
from gridmgr.routing.point import LayerRoute

# Per layer, six int64 values: layer, zone, plan, owner (-1: none), rule (index in RULES) and
# the distance's IEEE bits (-1: none). Their little-endian bytes, layer after layer in rank
# order, are the content digested into the set id.
WIDTH = 6
_NO_DISTANCE = -1
_RULE_CODE = {str(rule): code for code, rule in enumerate(RULES)}


def _distance_bits(distance: np.ndarray) -> np.ndarray:
    bits = np.ascontiguousarray(distance, dtype=np.float64).view(np.int64)
    return np.where(np.isnan(distance), _NO_DISTANCE, bits)


def content_columns(routes: BulkRoutes) -> list[np.ndarray]:
    """The content of each point's receipt set, as WIDTH columns per layer."""
    n = len(routes.region)
    columns: list[np.ndarray] = []
    for lay in routes.layers:
        columns += [
            np.full(n, lay.layer_id, dtype=np.int64),
            lay.zone.astype(np.int64),
            lay.plan.astype(np.int64),
            lay.owner.astype(np.int64),
            lay.rule.astype(np.int64),
            _distance_bits(lay.distance),
        ]
    return columns


def content_row(layers: Sequence[LayerRoute]) -> np.ndarray:
    """The content of one issue's receipt set (the same values content_columns gives)."""
    values: list[int] = []
    for r in layers:
        values += [r.layer_id, *(-1 if v is None else int(v) for v in (r.zone_id, r.plan_id))]
        values += [-1 if r.owner_id is None else int(r.owner_id), _RULE_CODE[str(r.rule)]]
        distance = np.array([np.nan if r.distance_m is None else r.distance_m])
        values.append(int(_distance_bits(distance)[0]))
    return np.array(values, dtype=np.int64)


def digest(row: np.ndarray) -> bytes:
    """The 16-byte id of a receipt set's content."""
    return digests(row.reshape(1, -1)).tobytes()


def digests(rows: np.ndarray) -> np.ndarray:
    """The 16-byte ids of many sets' contents (one per row), as a (rows, 16) uint8 array.

    The rows' bytes are made once and sliced (a million points over 100k unit grids make
    ~100k sets a batch).
    """
    data = memoryview(np.ascontiguousarray(rows, dtype="<i8").tobytes())
    width = rows.shape[1] * 8
    out = bytearray(16 * len(rows))
    for k in range(len(rows)):
        at = k * width
        out[16 * k : 16 * k + 16] = hashlib.blake2b(data[at : at + width], digest_size=16).digest()
    return np.frombuffer(bytes(out), dtype=np.uint8).reshape(-1, 16)


def set_id(layers: Sequence[LayerRoute]) -> uuid.UUID | None:
    """The id of one issue's receipt set (None without layers)."""
    return uuid.UUID(bytes=digest(content_row(layers))) if layers else None


_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the 64 output bits."""
    h = (h ^ (h >> np.uint64(30))) * _M1
    h = (h ^ (h >> np.uint64(27))) * _M2
    return h ^ (h >> np.uint64(31))


def group_rows(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Group equal rows: (first row of each group, group of each row).

    np.unique(axis=0) sorts whole rows (~1 s for 1M rows of 18 values); a 64-bit hash of each
    row is sorted instead, then every row is checked against its group's first row, and an
    (astronomically rare) hash collision falls back to the exact sort.
    """
    n = len(columns[0])
    h = np.full(n, 0x9E3779B97F4A7C15, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for col in columns:
            h = _mix(h ^ col.view(np.uint64))
    _, first, inverse = np.unique(h, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    if all(np.array_equal(col, col[first][inverse]) for col in columns):
        return first, inverse
    _, first, inverse = np.unique(
        np.stack(columns, axis=1), axis=0, return_index=True, return_inverse=True
    )
    return first, inverse.reshape(-1)


def store_sets(routes: BulkRoutes) -> pa.Array:
    """Write the receipt sets of routed points; returns each point's set id (uuid bytes).

    Sets already stored are left as they are (same id, same content); new ones are added.
    """
    sets = SetCollector()
    ids = sets.add(routes)
    sets.write()
    return ids


class SetCollector:
    """The receipt sets of routed points, batch after batch, written when asked."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.ids: list[np.ndarray] = []
        self.written = np.zeros(0, dtype="V16")  # ids written already, sorted

    def add(self, routes: BulkRoutes) -> pa.Array:
        """Each point's set id (uuid bytes; null without layers); nothing is written yet."""
        n = len(routes.region)
        if not routes.layers:
            return pa.nulls(n, pa.binary(16))
        columns = content_columns(routes)
        first, inverse = group_rows(columns)
        rows = np.stack([col[first] for col in columns], axis=1)
        ids = digests(rows)
        self.rows.append(rows)
        self.ids.append(ids)
        per_point = np.ascontiguousarray(ids[inverse])
        return pa.FixedSizeBinaryArray.from_buffers(
            pa.binary(16), n, [None, pa.py_buffer(per_point)]
        )

    def write(self) -> None:
        """Store the sets met since the last write that are not stored yet."""
        # Batches come from one router: their rows all have the same layers, hence width.
        if self.rows:
            rows, ids = np.concatenate(self.rows), np.concatenate(self.ids)
            keys, first = np.unique(ids.view("V16").reshape(-1), return_index=True)
            new = ~np.isin(keys, self.written)
            if new.any():
                _write_new(rows[first[new]], ids[first[new]])
            self.written = np.union1d(self.written, keys)
        self.rows, self.ids = [], []


_ANALYZE_AFTER_ROWS = 10_000


def _write_new(rows: np.ndarray, ids: np.ndarray) -> None:
    """Write the sets not stored yet (rows: one per set, WIDTH values per layer)."""
    layers = rows.shape[1] // WIDTH
    flat = rows.reshape(-1, WIDTH)  # one receipt per row: set after set, layer after layer
    distance = flat[:, 5].copy().view(np.float64)
    distance[flat[:, 5] == _NO_DISTANCE] = np.nan
    per_receipt = np.ascontiguousarray(np.repeat(ids, layers, axis=0))
    columns = {
        "set_id": pa.FixedSizeBinaryArray.from_buffers(
            pa.binary(16), len(flat), [None, pa.py_buffer(per_receipt)]
        ),
        "layer_id": flat[:, 0].copy(),
        "zone_id": flat[:, 1].copy(),
        "plan_id": flat[:, 2].copy(),
        "owner_id": flat[:, 3].copy(),
        "rule": pa.DictionaryArray.from_arrays(
            flat[:, 4].astype(np.int32), pa.array([str(r) for r in RULES])
        ),
        "distance_m": distance,
    }
    names = ", ".join(columns)
    # Through a scratch table: the sets of an earlier import or report are stored already,
    # and COPY cannot skip rows; INSERT … WHERE NOT EXISTS can.
    # Raw SQL: COPY into a scratch table, then one INSERT … SELECT … WHERE NOT EXISTS.
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS pg_temp.receipt_in")
        cur.execute(
            "CREATE TEMP TABLE receipt_in (set_id uuid, layer_id bigint, zone_id bigint, "
            "plan_id bigint, owner_id bigint, rule varchar(10), distance_m float8) "
            "ON COMMIT DROP"
        )
        copy_table("receipt_in", columns)
        # Other writers of receipts (issue reports too) wait until this transaction ends: no
        # set can then appear between the NOT EXISTS and the insert, so the INSERT skips
        # ON CONFLICT's per-row speculative insertion (a third of its cost). A large import
        # closes the issue table to them anyway; a small one is over in moments.
        cur.execute("LOCK TABLE gridmgr_receipt IN SHARE ROW EXCLUSIVE MODE")
        # Temporary tables have no statistics until analysed: without them the planner may
        # take a few rows for a hundred thousand and probe the receipts by scanning them.
        cur.execute("ANALYZE receipt_in")
        cur.execute(
            f"INSERT INTO gridmgr_receipt ({names}) SELECT {names} FROM receipt_in t "
            "WHERE NOT EXISTS (SELECT FROM gridmgr_receipt g "
            "WHERE g.set_id = t.set_id AND g.layer_id = t.layer_id)"
        )
        if cur.rowcount >= _ANALYZE_AFTER_ROWS:
            # Statistics from before (an empty table, say) would mislead the next write.
            cur.execute("ANALYZE gridmgr_receipt")
        cur.execute("DROP TABLE receipt_in")
