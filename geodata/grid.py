"""Unit grids: square lattice cells, street blocks, Beijing-standard ordering and codes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon

from geodata.errors import UnitGridError
from geodata.measure import LocalProjection

Area: TypeAlias = Polygon | MultiPolygon

# Polygon parts smaller than this are numerical dust from overlay, not land.
DUST_M2 = 1e-6
EMPTY = shapely.MultiPolygon()

# Grid-code schemes: (digits taken from the 12-digit community code, sequence digits).
GRID_CODE_SCHEMES: dict[str, tuple[int, int]] = {
    "15": (12, 3),  # Beijing local standard: 6 district + 3 sub-district + 3 community + 3
    "14": (12, 2),  # older industry standard CJ/T 213
    "20": (12, 8),  # digital-community standard
}


def square_cells(
    area: Area,
    cell_size_m: float,
    proj: LocalProjection | None = None,
    *,
    min_area_m2: float = 1.0,
) -> list[MultiPolygon]:
    """Cut an area into lattice cells of cell_size_m, ordered W→E then N→S."""
    if not cell_size_m > 0:
        raise UnitGridError(
            f"网格边长必须为正数（收到 {cell_size_m}）",
            f"cell size must be positive (got {cell_size_m})",
        )
    if area.is_empty:
        return []
    # Pass one shared proj for neighbouring areas: the lattice is anchored at multiples of
    # cell_size_m in that projection, so their cells share lattice lines.
    proj = proj or LocalProjection.around(area)
    ix, iy = _lattice(proj.to_metres(area).bounds, cell_size_m)
    # Both edges as lattice index × size: x0 + size can differ from the neighbour's x0 by one
    # ulp for a fractional size (174.9 m), and the cells would no longer share their edges.
    x0, y0 = ix * cell_size_m, iy * cell_size_m
    x1, y1 = (ix + 1) * cell_size_m, (iy + 1) * cell_size_m
    # Boxes go to lon/lat and meet the area there, so cells keep the area's own vertices.
    boxes = proj.to_lonlat(shapely.box(x0, y0, x1, y1))
    shapely.prepare(area)
    # Interior cells are the whole box: only cells on the area's edge need an overlay.
    inside = shapely.covers(area, boxes)
    edge = ~inside & shapely.intersects(area, boxes)
    cells = np.empty(len(boxes), dtype=object)
    cells[inside] = shapely.multipolygons(boxes[inside], indices=np.arange(inside.sum()))
    areas = np.full(len(boxes), cell_size_m**2)
    cells[edge], areas[edge] = polygon_parts(shapely.intersection(boxes[edge], area), proj)
    keep = (inside | edge) & (areas >= max(min_area_m2, DUST_M2))
    order = _row_major(iy[keep], ix[keep])
    return list(cells[keep][order])


def _lattice(bounds: tuple[float, ...], size: float) -> tuple[NDArray, NDArray]:
    """Return the column and row indices of the lattice cells over the bounds."""
    minx, miny, maxx, maxy = bounds
    cols = np.arange(math.floor(minx / size), math.ceil(maxx / size), dtype=np.int64)
    rows = np.arange(math.floor(miny / size), math.ceil(maxy / size), dtype=np.int64)
    ix, iy = np.meshgrid(cols, rows)
    return ix.ravel(), iy.ravel()


def polygon_parts(
    geoms: NDArray[np.object_], proj: LocalProjection
) -> tuple[NDArray[np.object_], NDArray[np.float64]]:
    """Return each geometry's polygon parts as a MultiPolygon (empty if none) and their m²."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    # Overlay can leave touching lines or points in a GeometryCollection: drop them.
    polygons = shapely.get_type_id(parts) == 3
    parts, index = parts[polygons], index[polygons]
    area = shapely.area(proj.to_metres(parts))
    real = area > DUST_M2
    parts, index, area = parts[real], index[real], area[real]
    out = np.full(len(geoms), EMPTY, dtype=object)
    kept = np.unique(index)
    if len(kept):
        # multipolygons() groups parts by output index; get_parts keeps the input order.
        out[kept] = shapely.multipolygons(parts, indices=np.searchsorted(kept, index))
    return out, np.bincount(index, weights=area, minlength=len(geoms)).astype(float)


def _row_major(rows: NDArray, cols: NDArray) -> NDArray[np.intp]:
    """Return the permutation ordering north row first, then west to east in each row."""
    return np.lexsort((cols, -rows))


def order_cells(geoms: ArrayLike, row_height_m: float | None = None) -> NDArray[np.intp]:
    """Return the permutation numbering cells W→E within a row, rows N→S."""
    arr = np.asarray(geoms, dtype=object)
    if arr.size == 0:
        return np.zeros(0, dtype=np.intp)
    proj = LocalProjection.around(arr)
    pts = shapely.point_on_surface(arr)
    x, y = proj.points_to_metres(shapely.get_x(pts), shapely.get_y(pts))
    if row_height_m is None:
        row_height_m = _median_height_m(arr, proj)
    # Rows are bands of row_height_m centred on the northernmost point, so a regular grid's
    # rows fall mid-band, not on the band edges where rounding would split them.
    rows = np.floor((y.max() - y) / max(row_height_m, DUST_M2) + 0.5).astype(np.int64)
    return np.lexsort((x, rows))


def _median_height_m(geoms: NDArray[np.object_], proj: LocalProjection) -> float:
    """Return the median north–south extent of the geometries in metres."""
    b = shapely.bounds(geoms)
    centre = (b[:, 0] + b[:, 2]) / 2
    _x0, y0 = proj.points_to_metres(centre, b[:, 1])
    _x1, y1 = proj.points_to_metres(centre, b[:, 3])
    return float(np.median(y1 - y0))


def street_blocks(
    lines: Sequence[LineString | MultiLineString],
    clip: Area | None = None,
    min_area_m2: float = 50.0,
) -> list[MultiPolygon]:
    """Return the blocks enclosed by street centre lines, ordered W→E then N→S."""
    arr = np.asarray(lines, dtype=object)
    if arr.size == 0:
        return []
    # union_all nodes the lines at every crossing, which polygonize needs.
    noded = shapely.get_parts(shapely.union_all(arr))
    blocks = shapely.get_parts(shapely.polygonize(noded))
    if clip is not None:
        shapely.prepare(clip)
        blocks = shapely.intersection(blocks[shapely.intersects(clip, blocks)], clip)
    proj = LocalProjection.around(clip if clip is not None else arr)
    blocks, areas = polygon_parts(blocks, proj)
    blocks = blocks[areas >= max(min_area_m2, DUST_M2)]
    return list(blocks[order_cells(blocks)])


def grid_code(prefix: str, seq: int, seq_digits: int) -> str:
    """Return the grid code: the region prefix followed by the zero-padded sequence."""
    if not prefix.isdigit():
        raise UnitGridError(
            f"编码前缀须为数字：{prefix!r}", f"code prefix must be digits: {prefix!r}"
        )
    if not 1 <= seq < 10**seq_digits:
        raise UnitGridError(
            f"网格序号 {seq} 超出 {seq_digits} 位编码范围（1–{10**seq_digits - 1}）",
            f"grid sequence {seq} does not fit {seq_digits} digits (1–{10**seq_digits - 1})",
        )
    return f"{prefix}{seq:0{seq_digits}d}"


def make_codes(community_code12: str, count: int, scheme: str, start: int = 1) -> list[str]:
    """Return count consecutive grid codes for a community under a coding scheme."""
    if scheme not in GRID_CODE_SCHEMES:
        known = "、".join(GRID_CODE_SCHEMES)
        raise UnitGridError(
            f"未知的网格编码方案 {scheme!r}（可选：{known}）",
            f"unknown grid code scheme {scheme!r} (one of: {', '.join(GRID_CODE_SCHEMES)})",
        )
    if len(community_code12) != 12 or not community_code12.isdigit():
        raise UnitGridError(
            f"社区代码须为 12 位数字：{community_code12!r}",
            f"community code must be 12 digits: {community_code12!r}",
        )
    prefix_digits, seq_digits = GRID_CODE_SCHEMES[scheme]
    prefix = community_code12[:prefix_digits]
    if count <= 0:
        return []
    last = start + count - 1
    # Check both ends once, then format without re-validating each code.
    grid_code(prefix, start, seq_digits)
    if last >= 10**seq_digits:
        raise UnitGridError(
            f"{count} 个网格超出 {scheme} 位方案的 {seq_digits} 位序号容量（最多到 {10**seq_digits - 1}）",
            f"{count} grids overflow the {seq_digits}-digit sequence of scheme {scheme} "
            f"(at most {10**seq_digits - 1})",
        )
    return [f"{prefix}{seq:0{seq_digits}d}" for seq in range(start, last + 1)]
