"""Point → zone lookup for bulk assignment: covers semantics, deterministic tie-breaks."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry.base import BaseGeometry

from geodata.errors import GeoDataError
from geodata.measure import LocalProjection

# Points per work unit: large enough to amortise numpy calls, small enough to share 2 cores.
CHUNK = 1 << 17
# Upper bound of bucket-index entries per zone before the buckets are coarsened.
_ENTRIES_PER_ZONE = 16


@dataclass
class Lookup:
    """Per point: the chosen zone id (-1: none) and how many zone interiors hold it."""

    zone: NDArray[np.int64]
    # A point only on borders is covered and counts 1: sharing an edge is not an overlap.
    n_covering: NDArray[np.int16]


class _Buckets:
    """A uniform grid of buckets listing the zones whose bounding box meets each bucket."""

    def __init__(self, bounds: NDArray[np.float64]) -> None:
        self.minx, self.miny, self.maxx, self.maxy = (bounds[:, i].copy() for i in range(4))
        self.x0, self.y0 = bounds[:, 0].min(), bounds[:, 1].min()
        width, height = bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]
        # Buckets half a typical zone across: about two bounding-box candidates per point.
        size = max(float(np.median(np.maximum(width, height))) / 2, 1e-9)
        while True:
            c0, r0, c1, r1 = self._cells(bounds, size)
            spans = (c1 - c0 + 1) * (r1 - r0 + 1)
            n_buckets = (c1.max() + 1) * (r1.max() + 1)
            limit = _ENTRIES_PER_ZONE * len(bounds) + 100_000
            if spans.sum() <= limit and n_buckets <= limit:
                break
            size *= 2  # huge or far-flung zones: coarser buckets keep the index small
        self.size, self.ncols = size, int(c1.max()) + 1
        nrows = int(r1.max()) + 1
        zone = np.repeat(np.arange(len(bounds)), spans)
        k = np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans)
        w = (c1 - c0 + 1)[zone]
        bucket = (r0[zone] + k // w) * self.ncols + c0[zone] + k % w
        order = np.lexsort((zone, bucket))
        self.zones = zone[order]
        self.starts = np.searchsorted(bucket[order], np.arange(nrows * self.ncols + 1))
        self.nrows = nrows

    def _cells(self, b: NDArray[np.float64], size: float) -> tuple[NDArray[np.int64], ...]:
        """Return the bucket column/row ranges (c0, r0, c1, r1) of bounding boxes."""
        c0 = np.floor((b[:, 0] - self.x0) / size).astype(np.int64)
        r0 = np.floor((b[:, 1] - self.y0) / size).astype(np.int64)
        c1 = np.floor((b[:, 2] - self.x0) / size).astype(np.int64)
        r1 = np.floor((b[:, 3] - self.y0) / size).astype(np.int64)
        return c0, r0, c1, r1

    def pairs(self, x: NDArray, y: NDArray) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Return (point, zone) index pairs whose bounding boxes meet, like STRtree.query."""
        col, row = (x - self.x0) / self.size, (y - self.y0) / self.size
        ok = (col >= 0) & (col < self.ncols) & (row >= 0) & (row < self.nrows)
        bucket = row[ok].astype(np.intp) * self.ncols + col[ok].astype(np.intp)
        first = self.starts[bucket]
        count = self.starts[bucket + 1] - first
        point = np.repeat(np.flatnonzero(ok), count)
        # Entry k of a point's run is starts[bucket] + k: one repeat builds all the offsets.
        zone = self.zones[
            np.arange(len(point)) + np.repeat(first - np.cumsum(count) + count, count)
        ]
        px, py = x[point], y[point]
        # Inclusive: a point on a zone's bounding box may lie on its border.
        hit = (px >= self.minx[zone]) & (px <= self.maxx[zone])
        hit &= (py >= self.miny[zone]) & (py <= self.maxy[zone])
        return point[hit], zone[hit]


class ZoneIndex:
    """Find the zone covering each point; ties go to the smallest rank (default: the id)."""

    def __init__(
        self,
        geoms: Sequence[BaseGeometry],
        ids: Sequence[int],
        ranks: Sequence[Any] | None = None,
    ) -> None:
        self.geoms = np.asarray(geoms, dtype=object)
        self.ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(self.ids) != len(self.geoms) or (ranks is not None and len(ranks) != len(geoms)):
            raise GeoDataError(
                "区块、编号与排序键的数量不一致", "zones, ids and ranks differ in length"
            )
        if len(self.geoms) == 0:
            raise GeoDataError("没有可查询的区块", "no zones to look points up in")
        shapely.prepare(self.geoms)
        self._buckets = _Buckets(shapely.bounds(self.geoms))
        # rank_pos[i]: position of zone i in tie-break order (smallest rank, then id); ranks are
        # tuples such as (area, code), or any keys comparable with each other.
        keys = ranks if ranks is not None else [()] * len(self.ids)
        order = sorted(range(len(self.ids)), key=lambda i: (keys[i], self.ids[i], i))
        self._rank_pos = np.empty(len(order), dtype=np.int64)
        self._rank_pos[order] = np.arange(len(order))
        self._by_rank = self.ids[order]
        self._metres: dict[LocalProjection, shapely.STRtree] = {}
        # One prepared copy of the zones per extra thread, made on first threaded use.
        self._copies: list[NDArray[np.object_]] = [self.geoms]

    def _thread_geoms(self, threads: int) -> list[NDArray[np.object_]]:
        """Return one array of prepared zones per thread, no two sharing a GEOS object."""
        # GEOS prepared geometries build their indexes lazily and are not thread-safe
        # (libgeos/geos#825): threads sharing one crash the process (double free) now and then.
        while len(self._copies) < threads:
            copy = shapely.from_wkb(shapely.to_wkb(self.geoms))  # WKB keeps every coordinate
            shapely.prepare(copy)
            self._copies.append(copy)
        return self._copies[:threads]

    def covering(self, lon: ArrayLike, lat: ArrayLike, threads: int = 2) -> Lookup:
        """Return the covering zone of each point and how many zones' interiors contain it."""
        x, y = np.asarray(lon, float).reshape(-1), np.asarray(lat, float).reshape(-1)
        if x.shape != y.shape:
            raise GeoDataError("经度与纬度个数不一致", "lon and lat differ in length")
        chunks = [slice(i, i + CHUNK) for i in range(0, len(x), CHUNK)]
        if threads > 1 and len(chunks) > 1:
            # numpy and GEOS release the GIL, so chunks really run side by side; thread k takes
            # chunks k, k + threads, … with its own copy of the zones.
            copies = self._thread_geoms(threads)
            with ThreadPoolExecutor(threads) as pool:
                done = list(
                    pool.map(
                        lambda k: [self._chunk(x[s], y[s], copies[k]) for s in chunks[k::threads]],
                        range(threads),
                    )
                )
            parts = [done[i % threads][i // threads] for i in range(len(chunks))]
        else:
            parts = [self._chunk(x[s], y[s], self.geoms) for s in chunks]
        if not parts:
            return Lookup(np.zeros(0, np.int64), np.zeros(0, np.int16))
        return Lookup(
            np.concatenate([p.zone for p in parts]),
            np.concatenate([p.n_covering for p in parts]),
        )

    def _chunk(self, x: NDArray, y: NDArray, geoms: NDArray[np.object_]) -> Lookup:
        """Look up one chunk of points in `geoms` (self.geoms or a thread's copy of it)."""
        point, zone = self._buckets.pairs(x, y)
        # Grouping pairs by zone keeps each prepared polygon hot in cache: ~5× faster.
        by_zone = np.argsort(zone, kind="stable")
        point, zone = point[by_zone], zone[by_zone]
        inside = shapely.contains_xy(geoms[zone], x[point], y[point])
        n_inside = np.bincount(point[inside], minlength=len(x))
        # Points in no interior may lie on a border: covers = intersects for a point.
        rest = n_inside[point] == 0
        on_edge = np.zeros(len(point), dtype=bool)
        on_edge[rest] = shapely.intersects_xy(geoms[zone[rest]], x[point[rest]], y[point[rest]])
        hit = inside | on_edge
        best = np.full(len(x), len(self._rank_pos), dtype=np.int64)
        np.minimum.at(best, point[hit], self._rank_pos[zone[hit]])
        found = best < len(self._rank_pos)
        chosen = np.full(len(x), -1, dtype=np.int64)
        chosen[found] = self._by_rank[best[found]]
        # A point only on borders is covered once: sharing an edge is not an overlap.
        n_covering = np.where(found & (n_inside == 0), 1, n_inside).astype(np.int16)
        return Lookup(chosen, n_covering)

    def nearest(
        self,
        lon: ArrayLike,
        lat: ArrayLike,
        max_distance_m: float,
        proj: LocalProjection | None = None,
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Return the nearest zone id within max_distance_m of each point (-1 / nan beyond)."""
        proj = proj or LocalProjection.around(self.geoms)
        if proj not in self._metres:
            # Built on first use: most lookups never need distances.
            self._metres[proj] = shapely.STRtree(proj.to_metres(self.geoms))
        x, y = proj.points_to_metres(
            np.asarray(lon, float).reshape(-1), np.asarray(lat, float).reshape(-1)
        )
        (point, zone), dist = self._metres[proj].query_nearest(
            shapely.points(x, y),
            max_distance=max_distance_m,
            return_distance=True,
            all_matches=True,
        )
        # Equidistant zones: keep the smallest rank, as covering() does.
        order = np.lexsort((self._rank_pos[zone], point))
        point, zone, dist = point[order], zone[order], dist[order]
        # [: len(point)]: with no zone in reach at all, point is empty and so must first be.
        first = np.r_[True, point[1:] != point[:-1]][: len(point)]
        ids = np.full(len(x), -1, dtype=np.int64)
        distance = np.full(len(x), np.nan)
        ids[point[first]] = self.ids[zone[first]]
        distance[point[first]] = dist[first]
        return ids, distance
