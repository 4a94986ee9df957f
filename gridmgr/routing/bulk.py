"""Route many points at once with in-memory shapely indexes (routing.copy_binary writes them).

The semantics are those of gridmgr.routing.point (read its docstring); a test checks that
both routers agree point by point. PostGIS alone joins ~400k points/s here; shapely's
bounding-box query + prepared predicates on 2 threads does ~2M/s, so bulk work happens here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.db import connection

from geodata.lookup import Lookup, ZoneIndex
from gridmgr.models import Layer
from gridmgr.models.issues import Rule
from gridmgr.models.owners import holder_sql

RULES = (Rule.COVERS, Rule.OVERLAP, Rule.NEAREST, Rule.FALLBACK)
COVERS, OVERLAP, NEAREST, FALLBACK = range(4)

_ZONES_SQL = f"""
SELECT z.id, z.layer_id, z.plan_id, z.area_m2, z.code, ST_AsBinary(z.geom),
  {holder_sql("o.zone_id = z.id AND o.role = l.owner_role")}
FROM gridmgr_zone z JOIN gridmgr_layer l ON l.id = z.layer_id
WHERE {{where}}
"""

_REGIONS_SQL = f"""
SELECT r.id, r.parent_id, length(r.code), ST_AsBinary(r.boundary),
  {holder_sql("o.region_id = r.id AND o.role = 'territorial'")},
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
        layer_ids = list(Layer.objects.order_by("rank", "name").values_list("id", flat=True))
        # Raw SQL: every zone with its owners as plain tuples for the index, JIT off for it.
        with connection.cursor() as cur:
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
