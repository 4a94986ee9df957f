"""Coverage of a region by zones: blind spots, overlaps and spill-over, in square metres."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geodata.errors import EmptyInputError, GeoDataError
from geodata.grid import DUST_M2
from geodata.measure import LocalProjection

Area = Polygon | MultiPolygon
_EMPTY = shapely.MultiPolygon()
# Below this many zones, splitting the validity check across threads costs more than it saves.
_PARALLEL_MIN = 4000


@dataclass
class Piece:
    """A patch of land (lon/lat) with its area and the zones involved (none for a blind spot)."""

    geom: MultiPolygon
    area_m2: float
    zone_ids: tuple[int, ...] = ()


@dataclass
class CoverageResult:
    """How completely and how cleanly a set of zones covers a region."""

    total_m2: float
    covered_m2: float
    blind_m2: float
    overlap_m2: float
    coverage_pct: float
    blind: list[Piece] = field(default_factory=list)
    overlaps: list[Piece] = field(default_factory=list)
    blind_slivers: int = 0
    overlap_slivers: int = 0
    outside: list[Piece] = field(default_factory=list)
    zone_count: int = 0


def analyse(
    region: Area,
    zones: Sequence[BaseGeometry],
    zone_ids: Sequence[int],
    *,
    sliver_m2: float = 1.0,
    threads: int = 2,
) -> CoverageResult:
    """Measure blind spots, overlaps and parts outside the region, in one local projection."""
    if region.is_empty:
        raise EmptyInputError("区域边界为空", "the region boundary is empty")
    ids = _ids(zone_ids, len(zones))
    proj = LocalProjection.around(region)
    region_m = proj.to_metres(region)
    zones_m = proj.to_metres(np.asarray(zones, dtype=object))
    present = ~(shapely.is_missing(zones_m) | shapely.is_empty(zones_m))
    zones_m, ids = zones_m[present], ids[present]
    flagged = _flag_invalid(zones_m, threads)
    union = _union(zones_m, flagged)
    shapely.prepare(region_m)
    total = float(region_m.area)
    covered = float(shapely.intersection(region_m, union).area)
    blind_parts = shapely.get_parts(shapely.difference(region_m, union))
    blind, blind_slivers = _pieces(proj, blind_parts, [()] * len(blind_parts), sliver_m2)
    overlaps, overlap_slivers, overlap_m2 = _overlaps(proj, zones_m, ids, flagged, sliver_m2)
    return CoverageResult(
        total_m2=total,
        covered_m2=covered,
        blind_m2=float(shapely.area(blind_parts).sum()),
        overlap_m2=overlap_m2,
        coverage_pct=covered / total * 100.0 if total > 0 else 0.0,
        blind=blind,
        overlaps=overlaps,
        blind_slivers=blind_slivers,
        overlap_slivers=overlap_slivers,
        outside=_outside(proj, region_m, zones_m, ids, sliver_m2),
        zone_count=len(zones),
    )


def _ids(zone_ids: Sequence[int], n: int) -> NDArray[np.int64]:
    """Return the zone ids as an array, checking there is one per zone."""
    ids = np.asarray(zone_ids, dtype=np.int64).reshape(-1)
    if len(ids) != n:
        raise GeoDataError(
            f"区块数（{n}）与编号数（{len(ids)}）不一致",
            f"{n} zones but {len(ids)} zone ids",
        )
    return ids


def _flag_invalid(zones_m: NDArray[np.object_], threads: int) -> NDArray[np.bool_]:
    """Flag the zones whose edges do not match their neighbours' (only these can overlap)."""
    bad = ~shapely.is_valid(zones_m)
    if bad.any():
        # A self-intersecting zone is repaired to its polygonal parts and checked pairwise.
        zones_m[bad] = _polygonal(shapely.make_valid(zones_m[bad]))
    return _invalid_edge_flags(zones_m, threads) | bad


def _invalid_edge_flags(zones_m: NDArray[np.object_], threads: int) -> NDArray[np.bool_]:
    """Run coverage_invalid_edges on west-to-east strips in parallel (GEOS releases the GIL)."""
    if threads < 2 or len(zones_m) < _PARALLEL_MIN:
        return ~shapely.is_empty(shapely.coverage_invalid_edges(zones_m))
    b = shapely.bounds(zones_m)
    strips = np.array_split(np.argsort(b[:, 0] + b[:, 2], kind="stable"), threads)
    # A zone is judged against the zones whose envelopes meet its own, so each strip carries
    # every zone reaching into its x-range as context; only its own flags are kept.
    jobs = []
    for core in strips:
        lo, hi = b[core, 0].min(), b[core, 2].max()
        jobs.append(np.flatnonzero((b[:, 2] >= lo) & (b[:, 0] <= hi)))
    with ThreadPoolExecutor(threads) as pool:
        edges = list(pool.map(lambda m: shapely.coverage_invalid_edges(zones_m[m]), jobs))
    flags = np.zeros(len(zones_m), dtype=bool)
    for members, core, found in zip(jobs, strips, edges, strict=True):
        bad = members[~shapely.is_empty(found)]
        flags[np.intersect1d(bad, core)] = True
    return flags


def _polygonal(geoms: NDArray[np.object_]) -> NDArray[np.object_]:
    """Return each geometry's polygon parts above dust size as a MultiPolygon (empty if none)."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    keep = (shapely.get_type_id(parts) == 3) & (shapely.area(parts) > DUST_M2)
    out = np.full(len(geoms), _EMPTY, dtype=object)
    kept = np.unique(index[keep])
    if len(kept):
        out[kept] = shapely.multipolygons(
            parts[keep], indices=np.searchsorted(kept, index[keep])
        )
    return out


def _union(zones_m: NDArray[np.object_], flagged: NDArray[np.bool_]) -> BaseGeometry:
    """Union the zones: a fast coverage union of the clean ones, an overlay union of the rest."""
    # coverage_union_all is wrong on an invalid coverage, so flagged zones go the slow way.
    clean = zones_m[~flagged]
    union = shapely.coverage_union_all(clean) if len(clean) else _EMPTY
    if flagged.any():
        union = shapely.union(union, shapely.union_all(zones_m[flagged]))
    return union


def _pieces(
    proj: LocalProjection,
    parts_m: NDArray[np.object_],
    zone_ids: Sequence[tuple[int, ...]],
    sliver_m2: float,
) -> tuple[list[Piece], int]:
    """Return the pieces at least sliver_m2 in lon/lat, and how many smaller ones were dropped."""
    multis = _polygonal(np.asarray(parts_m, dtype=object))
    areas = shapely.area(multis)
    big = areas >= sliver_m2
    slivers = int(np.count_nonzero(~big & (areas > 0)))
    geoms = proj.to_lonlat(multis[big])
    chosen = np.flatnonzero(big)
    pieces = [
        Piece(geom, float(areas[i]), tuple(zone_ids[i]))
        for geom, i in zip(geoms, chosen, strict=True)
    ]
    return pieces, slivers


def _overlaps(
    proj: LocalProjection,
    zones_m: NDArray[np.object_],
    ids: NDArray[np.int64],
    flagged: NDArray[np.bool_],
    sliver_m2: float,
) -> tuple[list[Piece], int, float]:
    """Return the overlap of each pair of flagged zones, the sliver count and the overlap area."""
    candidates = np.flatnonzero(flagged)
    if len(candidates) < 2:
        return [], 0, 0.0
    geoms = zones_m[candidates]
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pair = left < right
    left, right = candidates[left[pair]], candidates[right[pair]]
    shared = _polygonal(shapely.intersection(zones_m[left], zones_m[right]))
    real = shapely.area(shared) > 0
    shared, left, right = shared[real], left[real], right[real]
    pair_ids = [tuple(sorted(p)) for p in zip(ids[left].tolist(), ids[right].tolist(), strict=True)]
    pieces, slivers = _pieces(proj, shared, pair_ids, sliver_m2)
    # Three-way overlaps appear in several pairs: measure the union, not the sum.
    overlap_m2 = float(shapely.union_all(shared).area) if len(shared) else 0.0
    return pieces, slivers, overlap_m2


def _outside(
    proj: LocalProjection,
    region_m: BaseGeometry,
    zones_m: NDArray[np.object_],
    ids: NDArray[np.int64],
    sliver_m2: float,
) -> list[Piece]:
    """Return the part of each zone that lies outside the region."""
    spill = np.flatnonzero(~shapely.covers(region_m, zones_m))
    parts = shapely.difference(zones_m[spill], region_m)
    pieces, _slivers = _pieces(proj, parts, [(int(ids[i]),) for i in spill], sliver_m2)
    return pieces


def region_breakdown(
    blind: Sequence[Piece],
    regions: Sequence[BaseGeometry],
    region_ids: Sequence[Hashable],
    proj: LocalProjection | None = None,
) -> dict[Hashable, float]:
    """Return the blind-spot m² inside each sub-region (listed pieces only, slivers excluded)."""
    if len(regions) != len(region_ids):
        raise GeoDataError(
            f"区域数（{len(regions)}）与编号数（{len(region_ids)}）不一致",
            f"{len(regions)} regions but {len(region_ids)} region ids",
        )
    totals = np.zeros(len(regions))
    if blind and len(regions):
        # Sub-regions of the analysed region share its bounds, hence its projection.
        proj = proj or LocalProjection.around(np.asarray(regions, dtype=object))
        pieces_m = proj.to_metres(np.array([p.geom for p in blind], dtype=object))
        regions_m = proj.to_metres(np.asarray(regions, dtype=object))
        shapely.prepare(regions_m)
        r, p = shapely.STRtree(pieces_m).query(regions_m, predicate="intersects")
        # A piece wholly inside one region needs no overlay.
        whole = shapely.covers(regions_m[r], pieces_m[p])
        areas = shapely.area(pieces_m[p])
        areas[~whole] = shapely.area(shapely.intersection(regions_m[r[~whole]], pieces_m[p[~whole]]))
        totals = np.bincount(r, weights=areas, minlength=len(regions))
    return {rid: float(total) for rid, total in zip(region_ids, totals, strict=True)}


def crossing_parent(
    children: Sequence[BaseGeometry],
    child_ids: Sequence[int],
    parents_by_child: Sequence[BaseGeometry | None],
    tolerance_m2: float = 1.0,
) -> list[Piece]:
    """Return the part of each child zone that lies outside its parent (above tolerance_m2)."""
    ids = _ids(child_ids, len(children))
    if len(parents_by_child) != len(children):
        raise GeoDataError(
            f"子区块数（{len(children)}）与上级数（{len(parents_by_child)}）不一致",
            f"{len(children)} child zones but {len(parents_by_child)} parents",
        )
    has_parent = np.flatnonzero([p is not None and not p.is_empty for p in parents_by_child])
    if len(has_parent) == 0:
        return []
    children_arr = np.asarray(children, dtype=object)[has_parent]
    proj = LocalProjection.around(children_arr)
    children_m = proj.to_metres(children_arr)
    parents_m = _project_shared(proj, [parents_by_child[i] for i in has_parent])
    crossing = np.flatnonzero(~shapely.covers(parents_m, children_m))
    parts = shapely.difference(children_m[crossing], parents_m[crossing])
    owners = [(int(ids[has_parent[i]]),) for i in crossing]
    pieces, _slivers = _pieces(proj, parts, owners, tolerance_m2)
    return pieces


def _project_shared(proj: LocalProjection, geoms: list[BaseGeometry | None]) -> NDArray[np.object_]:
    """Project geometries that repeat (one parent per child) once each, and prepare them."""
    # Many children share a parent: transform and prepare each distinct object once.
    slot: dict[int, int] = {}
    index = np.array([slot.setdefault(id(g), len(slot)) for g in geoms], dtype=np.intp)
    distinct = np.empty(len(slot), dtype=object)
    for g in geoms:
        distinct[slot[id(g)]] = g
    distinct = proj.to_metres(distinct)
    shapely.prepare(distinct)
    return distinct[index]
