"""Coverage of a region by zones: blind spots, overlaps and spill-over, in square metres."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geodata.errors import EmptyInputError, GeoDataError
from geodata.grid import EMPTY, polygon_parts
from geodata.measure import LocalProjection

Area: TypeAlias = Polygon | MultiPolygon
# Zones and their ids as lists or as numpy arrays (a table read at once stays an array).
Geoms: TypeAlias = Sequence[BaseGeometry | None] | NDArray[np.object_]
Ids: TypeAlias = Sequence[int] | NDArray[np.int64]
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
    # Blind pieces under sliver_m2: counted in blind_m2 but not listed; kept so that every
    # breakdown of blind_m2 (by sub-region) adds up to it.
    blind_sliver_pieces: list[Piece] = field(default_factory=list)
    outside: list[Piece] = field(default_factory=list)
    zone_count: int = 0


def analyse(
    region: Area,
    zones: Geoms,
    zone_ids: Ids,
    *,
    sliver_m2: float = 1.0,
    threads: int = 2,
) -> CoverageResult:
    """Measure blind spots, overlaps and parts outside the region, in one local projection."""
    if region.is_empty:
        raise EmptyInputError("区域边界为空", "the region boundary is empty")
    ids = _ids(zone_ids, len(zones))
    arr = np.asarray(zones, dtype=object)
    present = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    arr, ids = arr[present], ids[present]
    # Overlay runs on lon/lat (the projection maps vertex to vertex, so the topology is the
    # same); only the results are projected to measure them, not the many zones.
    proj = LocalProjection.around(region)
    if not region.is_valid:
        region = polygon_parts(np.array([shapely.make_valid(region)], dtype=object), proj)[0][0]
    flagged = _flag_invalid(arr, proj, threads)
    union = _union(arr, flagged)
    total = _area_m2(proj, region)
    blind, tiny, blind_m2 = _split(
        proj, shapely.get_parts(shapely.difference(region, union)), None, sliver_m2
    )
    # Covered is the rest of the region: measuring region ∩ union separately would add vertices
    # on the region's long edges, whose chords in metres shift the area by a few m².
    covered = max(total - blind_m2, 0.0)
    overlaps, overlap_slivers, overlap_m2 = _overlaps(proj, arr, ids, flagged, sliver_m2)
    return CoverageResult(
        total_m2=total,
        covered_m2=covered,
        blind_m2=blind_m2,
        overlap_m2=overlap_m2,
        coverage_pct=covered / total * 100.0 if total > 0 else 0.0,
        blind=blind,
        overlaps=overlaps,
        blind_slivers=len(tiny),
        blind_sliver_pieces=tiny,
        overlap_slivers=overlap_slivers,
        outside=_outside(proj, region, union, arr, ids, sliver_m2),
        zone_count=len(zones),
    )


def _ids(zone_ids: Ids, n: int) -> NDArray[np.int64]:
    """Return the zone ids as an array, checking there is one per zone."""
    ids = np.asarray(zone_ids, dtype=np.int64).reshape(-1)
    if len(ids) != n:
        raise GeoDataError(
            f"区块数（{n}）与编号数（{len(ids)}）不一致",
            f"{n} zones but {len(ids)} zone ids",
        )
    return ids


def _area_m2(proj: LocalProjection, geom: BaseGeometry) -> float:
    """Return the area of one lon/lat geometry in m²."""
    return float(proj.to_metres(geom).area)


def _flag_invalid(
    zones: NDArray[np.object_], proj: LocalProjection, threads: int
) -> NDArray[np.bool_]:
    """Flag the zones whose edges do not match their neighbours' (every overlap has one)."""
    valid, flags = _coverage_checks(zones, threads)
    if not valid.all():
        # A self-intersecting zone is repaired to its polygonal parts and checked pairwise.
        zones[~valid] = polygon_parts(shapely.make_valid(zones[~valid]), proj)[0]
        flags = _coverage_checks(zones, threads)[1] | ~valid
    return flags


def _coverage_checks(
    zones: NDArray[np.object_], threads: int
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Return per zone: is it valid, has it invalid coverage edges; strips run in parallel."""
    if threads < 2 or len(zones) < _PARALLEL_MIN:
        edges = shapely.coverage_invalid_edges(zones)
        return shapely.is_valid(zones), ~shapely.is_empty(edges)
    b = shapely.bounds(zones)
    strips = np.array_split(np.argsort(b[:, 0] + b[:, 2], kind="stable"), threads)
    # A zone is judged against the zones whose envelopes meet its own, so each strip carries
    # every zone reaching into its x-range as context; only its own flags are kept.
    members = [
        np.flatnonzero((b[:, 2] >= b[c, 0].min()) & (b[:, 0] <= b[c, 2].max())) for c in strips
    ]

    def check(k: int) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        found = ~shapely.is_empty(shapely.coverage_invalid_edges(zones[members[k]]))
        return shapely.is_valid(zones[strips[k]]), np.isin(strips[k], members[k][found])

    valid, flags = np.zeros(len(zones), dtype=bool), np.zeros(len(zones), dtype=bool)
    with ThreadPoolExecutor(threads) as pool:
        for core, (ok, bad) in zip(strips, pool.map(check, range(threads)), strict=True):
            valid[core], flags[core] = ok, bad
    return valid, flags


def _union(zones: NDArray[np.object_], flagged: NDArray[np.bool_]) -> BaseGeometry:
    """Union the zones: a fast coverage union of the clean ones, an overlay union of the rest."""
    # coverage_union_all is wrong on an invalid coverage, so flagged zones go the slow way.
    clean = zones[~flagged]
    union = shapely.coverage_union_all(clean) if len(clean) else EMPTY
    if flagged.any():
        union = shapely.union(union, shapely.union_all(zones[flagged]))
    return union


def _pieces(
    proj: LocalProjection,
    parts: NDArray[np.object_],
    zone_ids: Sequence[tuple[int, ...]] | None,
    sliver_m2: float,
) -> tuple[list[Piece], float, int]:
    """Return the pieces of at least sliver_m2, their total m² with slivers, and the sliver count."""
    pieces, slivers, total = _split(proj, parts, zone_ids, sliver_m2)
    return pieces, total, len(slivers)


def _split(
    proj: LocalProjection,
    parts: NDArray[np.object_],
    zone_ids: Sequence[tuple[int, ...]] | None,
    sliver_m2: float,
) -> tuple[list[Piece], list[Piece], float]:
    """Return the pieces of at least sliver_m2, the slivers (above 0 m²) and their total m²."""
    multis, areas = polygon_parts(np.asarray(parts, dtype=object), proj)
    big = areas >= sliver_m2

    def made(at: NDArray[np.bool_]) -> list[Piece]:
        return [
            Piece(multis[i], float(areas[i]), zone_ids[i] if zone_ids is not None else ())
            for i in np.flatnonzero(at).tolist()
        ]

    return made(big), made(~big & (areas > 0)), float(areas.sum())


def _overlaps(
    proj: LocalProjection,
    zones: NDArray[np.object_],
    ids: NDArray[np.int64],
    flagged: NDArray[np.bool_],
    sliver_m2: float,
) -> tuple[list[Piece], int, float]:
    """Return the overlap of each pair of zones, the sliver count and the overlap m²."""
    flagged_at = np.flatnonzero(flagged)
    if len(flagged_at) == 0:
        return [], 0, 0.0
    # Every overlap has a flagged zone, but its partner may be clean (a zone inside another
    # flags only the inner one): pair the flagged zones with all zones.
    found, other = shapely.STRtree(zones).query(zones[flagged_at], predicate="intersects")
    left, right = np.minimum(flagged_at[found], other), np.maximum(flagged_at[found], other)
    pairs = np.unique(np.c_[left, right][left != right], axis=0)
    left, right = pairs[:, 0], pairs[:, 1]
    shared = shapely.intersection(zones[left], zones[right])
    pair_ids = [tuple(sorted(p)) for p in zip(ids[left].tolist(), ids[right].tolist(), strict=True)]
    pieces, _total, slivers = _pieces(proj, shared, pair_ids, sliver_m2)
    # Three-way overlaps appear in several pairs: measure the union, not the sum. Only polygon
    # parts hold area; the points and lines where zones merely touch are left out of the union,
    # which GEOS would node separately (10× slower on a coverage with near-miss edges).
    parts = shapely.get_parts(shared)
    polygons = parts[shapely.get_type_id(parts) == 3]
    overlap = polygon_parts(np.array([shapely.union_all(polygons)], dtype=object), proj)[1]
    return pieces, slivers, float(overlap[0])


def _outside(
    proj: LocalProjection,
    region: BaseGeometry,
    union: BaseGeometry,
    zones: NDArray[np.object_],
    ids: NDArray[np.int64],
    sliver_m2: float,
) -> list[Piece]:
    """Return the part of each zone that lies outside the region (at least sliver_m2)."""
    # One overlay of the union finds where zones spill; only zones reaching a spill that is not
    # a sliver are differenced one by one (the many edge cells clipped to the region are not).
    spill = shapely.get_parts(shapely.difference(union, region))
    spill = spill[shapely.area(proj.to_metres(spill)) >= sliver_m2]
    if len(spill) == 0:
        return []
    tree = shapely.STRtree(zones)
    suspects = np.unique(tree.query(spill, predicate="intersects")[1])
    parts = shapely.difference(zones[suspects], region)
    owners = [(int(ids[i]),) for i in suspects]
    pieces, _total, _slivers = _pieces(proj, parts, owners, sliver_m2)
    return pieces


def region_breakdown(
    blind: Sequence[Piece],
    regions: Sequence[BaseGeometry],
    region_ids: Sequence[Hashable],
    proj: LocalProjection | None = None,
) -> dict[Hashable, float]:
    """Return the blind-spot m² of the given pieces inside each sub-region."""
    if len(regions) != len(region_ids):
        raise GeoDataError(
            f"区域数（{len(regions)}）与编号数（{len(region_ids)}）不一致",
            f"{len(regions)} regions but {len(region_ids)} region ids",
        )
    totals = np.zeros(len(regions))
    if blind and len(regions):
        regions_arr = np.asarray(regions, dtype=object)
        # Sub-regions of the analysed region share its bounds, hence its projection.
        proj = proj or LocalProjection.around(regions_arr)
        pieces = np.array([p.geom for p in blind], dtype=object)
        shapely.prepare(regions_arr)
        r, p = shapely.STRtree(pieces).query(regions_arr, predicate="intersects")
        # A piece wholly inside one region keeps its measured area: no overlay needed.
        areas = np.array([blind[i].area_m2 for i in p.tolist()], dtype=float)
        split = ~shapely.covers(regions_arr[r], pieces[p])
        shared = shapely.intersection(regions_arr[r[split]], pieces[p[split]])
        areas[split] = shapely.area(proj.to_metres(np.asarray(shared, dtype=object)))
        totals = np.bincount(r, weights=areas, minlength=len(regions)).astype(float)
    return {rid: float(total) for rid, total in zip(region_ids, totals, strict=True)}


def holders(pieces: Sequence[BaseGeometry], regions: Sequence[BaseGeometry]) -> list[int | None]:
    """For each piece, the index of the region holding most of its area (the first on a tie),
    or None when no region shares any of it. Areas compare in degrees²: neighbours share a
    latitude, so the largest share is the same in m²."""
    found: list[int | None] = [None] * len(pieces)
    if not len(pieces) or not len(regions):
        return found
    regions_arr = np.asarray(regions, dtype=object)
    pieces_arr = np.asarray(pieces, dtype=object)
    p, r = shapely.STRtree(regions_arr).query(pieces_arr, predicate="intersects")
    shared = shapely.area(shapely.intersection(pieces_arr[p], regions_arr[r]))
    best: dict[int, tuple[float, int]] = {}
    for i, j, area in zip(p.tolist(), r.tolist(), shared.tolist(), strict=True):
        if area > 0 and (i not in best or (-area, j) < (-best[i][0], best[i][1])):
            best[i] = (area, j)
    for i, (_, j) in best.items():
        found[i] = j
    return found


def crossing_parent(
    children: Geoms,
    child_ids: Ids,
    parents_by_child: Geoms,
    tolerance_m2: float = 1.0,
) -> list[Piece]:
    """Return the part of each child zone that lies outside its parent (at least tolerance_m2)."""
    ids = _ids(child_ids, len(children))
    if len(parents_by_child) != len(children):
        raise GeoDataError(
            f"子区块数（{len(children)}）与上级数（{len(parents_by_child)}）不一致",
            f"{len(children)} child zones but {len(parents_by_child)} parents",
        )
    parents = np.empty(len(parents_by_child), dtype=object)
    parents[:] = list(parents_by_child)
    has_parent = np.flatnonzero(~(shapely.is_missing(parents) | shapely.is_empty(parents)))
    if len(has_parent) == 0:
        return []
    kids = np.asarray(children, dtype=object)[has_parent]
    parents = parents[has_parent]
    # Children share few parents: preparing each distinct parent once speeds up covers.
    shapely.prepare(parents)
    crossing = np.flatnonzero(~shapely.covers(parents, kids))
    parts = shapely.difference(kids[crossing], parents[crossing])
    owners = [(int(ids[has_parent[i]]),) for i in crossing]
    proj = LocalProjection.around(kids)
    pieces, _total, _slivers = _pieces(proj, parts, owners, tolerance_m2)
    return pieces
