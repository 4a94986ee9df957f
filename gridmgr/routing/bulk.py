"""Route many points at once with in-memory shapely indexes, then write them with COPY.

The semantics are those of gridmgr.routing.point (read its docstring); a test checks that
both routers agree point by point. PostGIS alone joins ~400k points/s here; shapely's
bounding-box query + prepared predicates on 2 threads does ~2M/s, so bulk work happens here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import shapely
from django.conf import settings
from django.db import connection
from psycopg.copy import QueuedLibpqWriter

from geodata.lookup import Lookup, ZoneIndex
from gridmgr.models.issues import Rule

RULES = (Rule.COVERS, Rule.OVERLAP, Rule.NEAREST, Rule.FALLBACK)
COVERS, OVERLAP, NEAREST, FALLBACK = range(4)

_ZONES_SQL = """
SELECT z.id, z.layer_id, z.plan_id, z.area_m2, z.code, ST_AsBinary(z.geom),
  (SELECT o.owner_id FROM gridmgr_ownership o
   WHERE o.zone_id = z.id AND o.role = l.owner_role
     AND o.valid_from <= %(day)s AND (o.valid_to IS NULL OR o.valid_to >= %(day)s)
   ORDER BY o.id LIMIT 1)
FROM gridmgr_zone z JOIN gridmgr_layer l ON l.id = z.layer_id
WHERE {where}
"""

_REGIONS_SQL = """
SELECT r.id, r.parent_id, length(r.code), ST_AsBinary(r.boundary),
  (SELECT o.owner_id FROM gridmgr_ownership o
   WHERE o.region_id = r.id AND o.role = 'territorial'
     AND o.valid_from <= %(day)s AND (o.valid_to IS NULL OR o.valid_to >= %(day)s)
   ORDER BY o.id LIMIT 1),
  r.code
FROM gridmgr_region r
"""


@dataclass
class LayerIndex:
    """The zones of one layer, as parallel arrays and a spatial index."""

    layer_id: int
    zone_ids: np.ndarray
    plan_ids: np.ndarray
    owner_ids: np.ndarray
    index: ZoneIndex | None


@dataclass
class LayerRoutes:
    """Routes of all points in one layer (-1 = none)."""

    layer_id: int
    zone: np.ndarray
    plan: np.ndarray
    owner: np.ndarray
    rule: np.ndarray
    distance: np.ndarray


@dataclass
class BulkRoutes:
    """Routes of many points; `outside` marks points outside the district."""

    region: np.ndarray
    outside: np.ndarray
    fallback_owner: np.ndarray
    layers: list[LayerRoutes]

    def take(self, idx: np.ndarray) -> BulkRoutes:
        """The routes of the points at the given indices."""
        return BulkRoutes(
            self.region[idx],
            self.outside[idx],
            self.fallback_owner[idx],
            [
                LayerRoutes(
                    lay.layer_id,
                    lay.zone[idx],
                    lay.plan[idx],
                    lay.owner[idx],
                    lay.rule[idx],
                    lay.distance[idx],
                )
                for lay in self.layers
            ],
        )

    def zone(self) -> np.ndarray:
        """Zone of the lowest layer that has one, per point."""
        out = np.full(len(self.region), -1, dtype=np.int64)
        for lay in self.layers:
            out = np.where(lay.zone >= 0, lay.zone, out)
        return out

    def owner(self) -> np.ndarray:
        """First owner up the chain, else the territorial owner, per point."""
        out = self.fallback_owner.copy()
        for lay in self.layers:
            usable = (lay.owner >= 0) & (lay.rule != FALLBACK)
            out = np.where(usable, lay.owner, out)
        return out

    def in_overlap(self) -> np.ndarray:
        return np.logical_or.reduce([lay.rule == OVERLAP for lay in self.layers])

    def in_blind_spot(self) -> np.ndarray:
        return np.logical_or.reduce([lay.rule == FALLBACK for lay in self.layers])

    def distance(self) -> np.ndarray:
        stacked = np.vstack([lay.distance for lay in self.layers])
        with np.errstate(invalid="ignore"):
            all_nan = np.isnan(stacked).all(axis=0)
            best = np.nanmax(np.where(all_nan, 0.0, stacked), axis=0)
        return np.where(all_nan, np.nan, best)


class BulkRouter:
    """Routes arrays of WGS84 points against one set of zones."""

    def __init__(
        self, zone_where: str = "z.active", params: dict | None = None, derive: bool = True
    ) -> None:
        self.day = dt.date.today()
        args = {"day": self.day, **(params or {})}
        with connection.cursor() as cur:
            cur.execute("SELECT id FROM gridmgr_layer ORDER BY rank, name")
            layer_ids = [row[0] for row in cur.fetchall()]
            # The planner's cost estimate of reading 100k zones with their owners calls for JIT
            # compilation, which costs more than it saves here (0.2 of 0.48 s): off, this once.
            cur.execute("SELECT current_setting('jit')")
            jit = cur.fetchone()[0]
            cur.execute("SET jit = off")
            cur.execute(_ZONES_SQL.format(where=zone_where), args)
            zones = cur.fetchall()
            cur.execute("SELECT set_config('jit', %s, false)", [jit])
            cur.execute(_REGIONS_SQL, args)
            regions = cur.fetchall()
        self.layers = [_layer_index(lid, [z for z in zones if z[1] == lid]) for lid in layer_ids]
        self._init_regions(regions)
        self.threads = int(settings.GRIDMGR_LOOKUP_THREADS)
        self.derive = derive
        # The layer with the most zones (the unit grids): the others and the regions are read
        # off its cells where they can be (see _derived), made on the first large route.
        indexed = [li for li in self.layers if li.index is not None]
        self.base = max(indexed, key=lambda li: len(li.zone_ids)) if len(indexed) > 1 else None
        self._derived: dict[tuple, np.ndarray] | None = None

    def _init_regions(self, rows: list[tuple]) -> None:
        owner_of = {r[0]: r[4] for r in rows}
        parent_of = {r[0]: r[1] for r in rows}

        def effective(rid: int | None) -> int:
            while rid is not None:
                if owner_of.get(rid) is not None:
                    return int(owner_of[rid])
                rid = parent_of.get(rid)
            return -1

        # Deepest level first: a point takes the most specific region that covers it.
        self.region_levels: list[tuple[np.ndarray, np.ndarray, ZoneIndex]] = []
        for length in sorted({r[2] for r in rows}, reverse=True):
            level = [r for r in rows if r[2] == length]
            ids = np.array([r[0] for r in level], dtype=np.int64)
            owners = np.array([effective(r[0]) for r in level], dtype=np.int64)
            geoms = shapely.from_wkb([bytes(r[3]) for r in level])
            codes = [(r[5],) for r in level]  # ties on a border: the lowest code, as in routing
            self.region_levels.append((ids, owners, ZoneIndex(geoms, ids.tolist(), codes)))

    def route(self, lon: np.ndarray, lat: np.ndarray) -> BulkRoutes:
        """Route every point."""
        n = len(lon)
        region = np.full(n, -1, dtype=np.int64)
        fallback = np.full(n, -1, dtype=np.int64)
        cell, base = self._base_cells(lon, lat)
        for k, (ids, owners, index) in enumerate(self.region_levels):
            todo = np.flatnonzero(region < 0)
            if len(todo) == 0:
                break
            hit = self._covering(index, ("region", k), lon, lat, cell, todo).zone
            found = hit >= 0
            pos = np.searchsorted(ids, hit[found], sorter=np.argsort(ids))
            order = np.argsort(ids)
            region[todo[found]] = hit[found]
            fallback[todo[found]] = owners[order][pos]
        outside = region < 0
        layers = [self._route_layer(li, lon, lat, fallback, cell, base) for li in self.layers]
        return BulkRoutes(region, outside, fallback, layers)

    # Routes of this many points or more read the other layers off the base layer's cells.
    DERIVE_MIN_POINTS = 20_000

    def _base_cells(
        self, lon: np.ndarray, lat: np.ndarray
    ) -> tuple[np.ndarray | None, Lookup | None]:
        """Each point's base-layer cell (position in its index, -1: none) and lookup."""
        if self.base is None or not self.derive or len(lon) < self.DERIVE_MIN_POINTS:
            return None, None
        assert self.base.index is not None
        if self._derived is None:
            self._derived = self._derive_all()
        found = self.base.index.covering(lon, lat, threads=self.threads)
        cell = np.where(found.zone >= 0, _positions(self.base.zone_ids, found.zone), -1)
        return cell, found

    def _derive_all(self) -> dict[tuple, np.ndarray]:
        """Per other layer and region level, what each base cell tells (see _derived)."""
        assert self.base is not None and self.base.index is not None
        cells = self.base.index.geoms
        out: dict[tuple, np.ndarray] = {}
        for li in self.layers:
            if li is not self.base and li.index is not None:
                out[("layer", li.layer_id)] = _derived(li.index, cells)
        for k, (_ids, _owners, index) in enumerate(self.region_levels):
            out[("region", k)] = _derived(index, cells)
        return out

    def _covering(
        self,
        index: ZoneIndex,
        key: tuple,
        lon: np.ndarray,
        lat: np.ndarray,
        cell: np.ndarray | None,
        todo: np.ndarray | None = None,
    ) -> Lookup:
        """index.covering of the points (those at `todo`), read off their cells where known."""
        if todo is not None:
            lon, lat = lon[todo], lat[todo]
            cell = None if cell is None else cell[todo]
        if cell is None or self._derived is None:
            return index.covering(lon, lat, threads=self.threads)
        states = self._derived[key]
        known = np.where(cell >= 0, states[np.maximum(cell, 0)], _UNKNOWN)
        zone = np.where(known >= 0, known, -1)
        n_covering = (known >= 0).astype(np.int16)
        ask = np.flatnonzero(known == _UNKNOWN)
        if len(ask):
            found = index.covering(lon[ask], lat[ask], threads=self.threads)
            zone[ask], n_covering[ask] = found.zone, found.n_covering
        return Lookup(zone, n_covering)

    def _route_layer(
        self,
        li: LayerIndex,
        lon: np.ndarray,
        lat: np.ndarray,
        fallback: np.ndarray,
        cell: np.ndarray | None = None,
        base: Lookup | None = None,
    ) -> LayerRoutes:
        n = len(lon)
        zone = np.full(n, -1, dtype=np.int64)
        rule = np.full(n, FALLBACK, dtype=np.int8)
        distance = np.full(n, np.nan)
        if li.index is not None:
            if li is self.base and base is not None:
                found = base
            else:
                found = self._covering(li.index, ("layer", li.layer_id), lon, lat, cell)
            zone = found.zone.astype(np.int64)
            rule = np.where(found.n_covering > 1, OVERLAP, np.where(zone >= 0, COVERS, FALLBACK))
            rule = rule.astype(np.int8)
            self._nearest(li, lon, lat, zone, rule, distance)
        pos = _positions(li.zone_ids, zone)
        plan = np.where(zone >= 0, li.plan_ids[pos], -1)
        owner = np.where(zone >= 0, li.owner_ids[pos], -1)
        rule[(zone >= 0) & (owner < 0)] = FALLBACK
        owner = np.where(rule == FALLBACK, fallback, owner)
        return LayerRoutes(li.layer_id, zone, plan, owner, rule, distance)

    def _nearest(
        self,
        li: LayerIndex,
        lon: np.ndarray,
        lat: np.ndarray,
        zone: np.ndarray,
        rule: np.ndarray,
        distance: np.ndarray,
    ) -> None:
        limit = float(settings.GRIDMGR_NEAREST_ZONE_M)
        miss = np.flatnonzero(zone < 0)
        if limit <= 0 or len(miss) == 0 or li.index is None:
            return
        # The projection centred on the layer's zones, the same for every batch: the index of
        # zones in metres is built once (at 15 km from its meridian, a transverse Mercator
        # stretches 50 m by 0.1 mm).
        ids, dist = li.index.nearest(lon[miss], lat[miss], limit)
        got = ids >= 0
        zone[miss[got]] = ids[got]
        rule[miss[got]] = NEAREST
        distance[miss[got]] = dist[got]


# What a base cell tells of another layer (or region level), for every point it covers:
_NONE = -1  # no zone of that layer reaches the cell: the point is covered by none
_UNKNOWN = -2  # the cell lies on an edge or an overlap of that layer: look the point up
# (any other value: the id of the one zone whose interior holds the whole cell)


def _derived(target: ZoneIndex, cells: np.ndarray) -> np.ndarray:
    """Per base cell: the id of the target zone whose interior holds all of it, else
    _NONE or _UNKNOWN.

    A cell inside one zone's interior and meeting no other zone gives each of its points,
    borders included, exactly what target.covering would: that zone, covered once. A cell
    meeting no zone gives "none". Anything else (an edge, an overlap) is looked up point by
    point. Nested layers (grids in package areas in sectors) mostly fall in the first case:
    three lookups per point become about one. Written here because no library offers a
    covering index keyed by another layer's cells; the predicates are GEOS's, on prepared
    target zones.
    """
    state = np.full(len(cells), _UNKNOWN, dtype=np.int64)
    cell, zone = shapely.STRtree(target.geoms).query(cells)
    meets = shapely.intersects(target.geoms[zone], cells[cell])
    cell, zone = cell[meets], zone[meets]
    count = np.bincount(cell, minlength=len(cells))
    state[count == 0] = _NONE
    single = count[cell] == 1
    cell, zone = cell[single], zone[single]
    inside = shapely.contains_properly(target.geoms[zone], cells[cell])
    state[cell[inside]] = target.ids[zone[inside]]
    return state


def _layer_index(layer_id: int, rows: Sequence[tuple]) -> LayerIndex:
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    order = np.argsort(ids)
    rows = [rows[i] for i in order]
    ids = ids[order]
    plans = np.array([r[2] for r in rows], dtype=np.int64)
    owners = np.array([r[6] if r[6] is not None else -1 for r in rows], dtype=np.int64)
    if not rows:
        return LayerIndex(layer_id, ids, plans, owners, None)
    geoms = shapely.from_wkb([bytes(r[5]) for r in rows])
    ranks = [(r[3], r[4]) for r in rows]
    return LayerIndex(layer_id, ids, plans, owners, ZoneIndex(geoms, ids.tolist(), ranks))


def _positions(sorted_ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Index of each wanted id in sorted_ids (0 where absent; callers mask with wanted >= 0)."""
    if len(sorted_ids) == 0:
        return np.zeros(len(wanted), dtype=np.int64)
    pos = np.searchsorted(sorted_ids, wanted)
    return np.clip(pos, 0, len(sorted_ids) - 1)


def reserve_ids(table: str, n: int) -> np.ndarray:
    """A block of n consecutive ids from a table's sequence."""
    with connection.cursor() as cur:
        # Taking the table lock keeps other writers from drawing ids between the two calls.
        cur.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        seq = cur.fetchone()[0]
        cur.execute("SELECT nextval(%s)", [seq])
        first = cur.fetchone()[0]
        if n > 1:
            cur.execute("SELECT setval(%s, %s)", [seq, first + n - 1])
    return np.arange(first, first + n, dtype=np.int64)


def timestamps(n: int, when: dt.datetime) -> pa.Array:
    """A column of n copies of an aware datetime, in UTC."""
    naive = when.astimezone(dt.UTC).replace(tzinfo=None)
    return pa.array(np.full(n, np.datetime64(naive, "us")), pa.timestamp("us"))


Columns = dict[str, pa.Array | np.ndarray | list]


def copy_table(table: str, columns: Columns) -> None:
    """Write columns into a table with one COPY.

    Values: numpy arrays (a negative integer or a NaN is NULL), pyarrow arrays or lists. Rows
    go in PostgreSQL's binary format, built with numpy: nothing is formatted as text on this
    side nor parsed on the server's (the CSV this replaces cost more than the index upkeep of
    some tables). A column of a type the encoder does not know sends the table as CSV instead.
    """
    n = len(next(iter(columns.values()))) if columns else 0
    if n == 0:
        return
    types = _column_types(table)
    if not all(types.get(name) in _ENCODERS for name in columns):
        _copy_csv(table, columns)
        return
    with CopyStream(table, list(columns), types) as stream:
        stream.write(columns)


class CopyStream:
    """One binary COPY into a table, fed batch after batch of columns (see copy_table).

    While it is open the connection runs nothing else; batches can be computed in between,
    and the server takes the rows already sent meanwhile.
    """

    def __init__(self, table: str, names: list[str], types: dict[str, str] | None = None):
        self.table, self.names = table, names
        types = types or _column_types(table)
        unknown = [name for name in names if types.get(name) not in _ENCODERS]
        if unknown:
            raise ValueError(f"no binary COPY encoder for {table} columns {unknown}")
        self.encoders = [_ENCODERS[types[name]] for name in names]
        self._exit = contextlib.ExitStack()

    def __enter__(self) -> CopyStream:
        # Django's own error classes (IntegrityError…), as for any query: COPY runs on the raw
        # cursor.
        cur = self._exit.enter_context(connection.cursor())
        self._exit.enter_context(connection.wrap_database_errors)
        sql = f"COPY {self.table} ({', '.join(self.names)}) FROM STDIN WITH (FORMAT binary)"
        # A writer thread sends the rows: the next chunk is built while the server takes one.
        self.copy = self._exit.enter_context(
            cur.cursor.copy(sql, writer=QueuedLibpqWriter(cur.cursor))
        )
        self.copy.write(_COPY_HEADER)
        return self

    def write(self, columns: Columns) -> None:
        """Send rows: one value per named column, in any order."""
        n = len(columns[self.names[0]])
        fields = [
            encode(_arrow(columns[name]), n)
            for name, encode in zip(self.names, self.encoders, strict=True)
        ]
        width = 2 + sum(4 + f.width for f in fields)
        step = max(1, _COPY_CHUNK_BYTES // width)
        for start in range(0, n, step):
            self.copy.write(_binary_rows(fields, start, min(start + step, n)))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.copy.write(_COPY_TRAILER)
        # An exception inside the block ends the COPY with an error: nothing of it is kept.
        self._exit.__exit__(kind, error, trace)


def _copy_csv(table: str, columns: Columns) -> None:
    """Write columns into a table with one COPY in CSV (pyarrow builds the text in C++)."""
    arrow = pa.table({name: _csv_ready(_arrow(values)) for name, values in columns.items()})
    buffer = io.BytesIO()
    pacsv.write_csv(arrow, buffer, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    names = ", ".join(columns)
    with connection.cursor() as cur, connection.wrap_database_errors:
        sql = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)"
        with cur.cursor.copy(sql) as copy:
            copy.write(buffer.getbuffer())


def _arrow(values: pa.Array | np.ndarray | list) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    if isinstance(values, pa.Array):
        return values
    if isinstance(values, np.ndarray) and values.dtype.kind == "i":
        # -1 stands for "none" in the routing arrays: write NULL.
        return pa.array(values, mask=values < 0)
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return pa.array(values, mask=np.isnan(values))
    return pa.array(values)


def _csv_ready(values: pa.Array) -> pa.Array:
    """Dictionary columns decoded, binary ones (EWKB) as the hex text PostGIS also reads."""
    if pa.types.is_dictionary(values.type):
        return values.cast(values.type.value_type)
    if pa.types.is_fixed_size_binary(values.type) or pa.types.is_binary(values.type):
        return pa.array([None if v is None else v.hex().upper() for v in values.to_pylist()])
    return values


def _column_types(table: str) -> dict[str, str]:
    """The type name of each column of a table (temporary tables included)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
            [table],
        )
        return dict(cur.fetchall())


# PostgreSQL's binary COPY: a signature, flags and header extension length; per row the number
# of fields, then each field's length in bytes (-1: NULL) and its bytes; -1 to end.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = b"\xff\xff"
_COPY_CHUNK_BYTES = 8 << 20
_PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01T00:00:00Z, PostgreSQL's time zero, in Unix µs


@dataclass
class _Field:
    """One column in binary COPY form: per row its length (-1: NULL) and its bytes.

    `fixed`: one width for every row (NULLs aside), the bytes a (rows, width) uint8 array;
    otherwise the values are sliced per chunk of rows from an Arrow buffer (`offsets`, `data`).
    """

    lengths: np.ndarray
    width: int
    fixed: np.ndarray | None = None
    offsets: np.ndarray | None = None
    data: np.ndarray | None = None

    def block(self, start: int, stop: int) -> np.ndarray:
        """The bytes of rows start:stop, each row padded to the column's width."""
        if self.fixed is not None:
            return self.fixed[start:stop]
        assert self.offsets is not None and self.data is not None
        lengths = np.maximum(self.lengths[start:stop], 0)
        if self.width == 0:
            return np.empty((stop - start, 0), dtype=np.uint8)
        used = np.arange(self.width) < lengths[:, None]
        block = np.zeros((stop - start, self.width), dtype=np.uint8)
        at = self.offsets[start:stop, None] + np.arange(self.width)
        block[used] = self.data[at[used]]
        return block


def _nulls(values: pa.Array) -> np.ndarray:
    return values.is_null().to_numpy(zero_copy_only=False)


def _fixed(dtype: str) -> Callable[[pa.Array, int], _Field]:
    def encode(values: pa.Array, n: int) -> _Field:
        if pa.types.is_timestamp(values.type):
            # Timestamps are µs since 1970 in UTC (naive ones are taken as UTC, as Django's
            # connections run in UTC); PostgreSQL counts µs since 2000.
            micros = values.cast(pa.timestamp("us", tz=values.type.tz)).cast(pa.int64())
            values = pc.subtract(micros, _PG_EPOCH_US)
        null = _nulls(values)
        if null.any():
            values = values.fill_null(pa.scalar(False if dtype == "u1" else 0, values.type))
        raw = values.to_numpy(zero_copy_only=False)
        size = np.dtype(dtype).itemsize
        if dtype in (">i2", ">i4") and len(raw):
            info = np.iinfo(np.dtype(dtype))
            if raw.min() < info.min or raw.max() > info.max:
                raise ValueError(f"value out of range for a {size * 8}-bit integer column")
        fixed = np.ascontiguousarray(raw.astype(dtype)).view(np.uint8).reshape(n, size)
        return _Field(np.where(null, -1, size).astype(np.int32), size, fixed=fixed)

    return encode


def _varlen(values: pa.Array, n: int) -> _Field:
    """Binary values, such as EWKB geometries (PostGIS reads a geometry in binary COPY as EWKB)."""
    if pa.types.is_fixed_size_binary(values.type):
        width = values.type.byte_width
        data = np.frombuffer(values.buffers()[1], dtype=np.uint8)
        data = data[values.offset * width : (values.offset + n) * width].reshape(n, width)
        return _Field(np.where(_nulls(values), -1, width).astype(np.int32), width, fixed=data)
    if not (pa.types.is_large_binary(values.type) or pa.types.is_large_string(values.type)):
        values = values.cast(pa.large_binary())
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int64)[values.offset :][: n + 1]
    buffer = values.buffers()[2]
    data = np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.empty(0, np.uint8)
    lengths = np.diff(offsets).astype(np.int32)
    lengths[_nulls(values)] = -1
    width = int(lengths.max(initial=0))
    if n and width and (lengths == width).all():
        # Every value as long (a constant column, typically): rows need no padding cut out.
        start = int(offsets[0])
        return _Field(lengths, width, fixed=data[start : start + n * width].reshape(n, width))
    # Pad the data so that a row's padded slice never reads past the end.
    data = np.concatenate([data, np.zeros(width, dtype=np.uint8)]) if width else data
    return _Field(lengths, width, offsets=offsets[:-1], data=data)


def _text(values: pa.Array, n: int) -> _Field:
    """Text, as UTF-8 (the connection's encoding)."""
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    return _varlen(values.cast(pa.large_string()), n)


_ENCODERS: dict[str, Callable[[pa.Array, int], _Field]] = {
    "int2": _fixed(">i2"),
    "int4": _fixed(">i4"),
    "int8": _fixed(">i8"),
    "float8": _fixed(">f8"),
    "bool": _fixed("u1"),
    "timestamptz": _fixed(">i8"),
    "text": _text,
    "varchar": _text,
    # PostGIS reads a geometry in binary COPY as (E)WKB.
    "geometry": _varlen,
    "uuid": _varlen,  # 16 bytes, as a pyarrow fixed-size binary column
}


def _binary_rows(fields: list[_Field], start: int, stop: int) -> bytes:
    """Rows start:stop in binary COPY form: a padded (rows, width) array, padding cut out."""
    rows = stop - start
    width = 2 + sum(4 + f.width for f in fields)
    out = np.empty((rows, width), dtype=np.uint8)
    out[:, 0:2] = np.frombuffer(len(fields).to_bytes(2, "big"), dtype=np.uint8)
    keep: np.ndarray | None = None
    at = 2
    for f in fields:
        lengths = f.lengths[start:stop]
        out[:, at : at + 4] = lengths.astype(">i4").view(np.uint8).reshape(rows, 4)
        out[:, at + 4 : at + 4 + f.width] = f.block(start, stop)
        if f.width and (lengths < f.width).any():
            if keep is None:
                keep = np.ones((rows, width), dtype=bool)
            keep[:, at + 4 : at + 4 + f.width] = np.arange(f.width) < lengths[:, None]
        at += 4 + f.width
    return out.tobytes() if keep is None else out[keep].tobytes()
