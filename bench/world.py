"""A synthetic district around Beijing, built in metres and returned in lon/lat.

Package areas are the cells of a jittered Voronoi diagram whose linework is densified and
bent by a smooth warp (so borders wander like streets, with many vertices), then polygonized:
neighbours share their edges exactly. 25 packages make a sector (12), two sectors a
sub-district (6), all of them the district (~17 × 18 km). Unit grids are lattice cells
(geodata.grid.square_cells) clipped to the district, with a few planted defects: missing
cells (blind spots) and grown cells (overlaps).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import MultiPolygon, Polygon

from geodata.grid import square_cells
from geodata.measure import LocalProjection

LON0, LAT0 = 116.40, 39.91
WIDTH_M, HEIGHT_M = 17_000.0, 18_000.0
PKG_COLS, PKG_ROWS = 15, 20  # 300 package areas
SECTOR_COLS, SECTOR_ROWS = 3, 4  # 12 sectors of 5 × 5 packages
DISTRICT_CODE = "110101"
SEED = 20240611


@dataclass
class Grid:
    """Unit-grid cells (lon/lat) with their lattice size and the defects planted in them."""

    cell_m: float
    cells: NDArray[np.object_]
    removed: int
    grown: int

    def __len__(self) -> int:
        return len(self.cells)


@dataclass
class World:
    """The district, its sub-districts, sectors and package areas, all in lon/lat."""

    proj: LocalProjection
    district: MultiPolygon
    subdistricts: list[MultiPolygon]
    sectors: list[MultiPolygon]
    packages: list[MultiPolygon]
    package_sector: NDArray[np.int64]
    sector_subdistrict: NDArray[np.int64]
    grids: dict[str, Grid] = field(default_factory=dict)

    @property
    def area_m2(self) -> float:
        return float(self.proj.to_metres(self.district).area)


def _warp(x: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    """A smooth, one-to-one bend of the plane (slope of the displacement well below 1)."""
    k1, k2 = 2 * math.pi / 2600.0, 2 * math.pi / 730.0
    dx = 70.0 * np.sin(k1 * y + 0.7) + 22.0 * np.sin(k2 * (x + y) + 1.3)
    dy = 70.0 * np.sin(k1 * x + 2.1) + 22.0 * np.sin(k2 * (x - y) + 0.4)
    return x + dx, y + dy


def _multi(geom: shapely.Geometry) -> MultiPolygon:
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon)]
    return MultiPolygon(parts)


def _packages(rng: np.random.Generator, x0: float, y0: float) -> tuple[NDArray, NDArray]:
    """Warped Voronoi package areas (metres) and the (col, row) of each one's seed."""
    w, h = WIDTH_M / PKG_COLS, HEIGHT_M / PKG_ROWS
    grid_cols, grid_rows = np.meshgrid(np.arange(PKG_COLS), np.arange(PKG_ROWS))
    cols, rows = grid_cols.ravel(), grid_rows.ravel()
    sx = x0 + (cols + 0.5 + rng.uniform(-0.3, 0.3, cols.size)) * w
    sy = y0 + (rows + 0.5 + rng.uniform(-0.3, 0.3, rows.size)) * h
    frame = shapely.box(x0, y0, x0 + WIDTH_M, y0 + HEIGHT_M)
    edges = shapely.voronoi_polygons(shapely.multipoints(np.c_[sx, sy]), extend_to=frame)
    lines = shapely.intersection(shapely.boundary(shapely.get_parts(edges)), frame)
    noded = shapely.union_all(np.r_[lines, [frame.boundary]])
    bent = shapely.transform(shapely.segmentize(noded, 40.0), lambda xy: np.c_[_warp(*xy.T)])
    cells = shapely.get_parts(shapely.polygonize(shapely.get_parts(bent)))
    seeds = shapely.points(*_warp(sx, sy))
    cell_of_seed = shapely.STRtree(cells).query(seeds, predicate="within")
    order = np.full(len(seeds), -1, dtype=np.int64)
    order[cell_of_seed[0]] = cell_of_seed[1]
    if (order < 0).any() or len(cells) != len(seeds):
        raise RuntimeError("synthetic package areas do not match their seeds")
    return cells[order], np.c_[cols, rows]


def build_world(seed: int = SEED) -> World:
    """Build the district, sub-districts, sectors and package areas."""
    rng = np.random.default_rng(seed)
    proj = LocalProjection(LON0)
    cx, cy = proj.points_to_metres(np.array([LON0]), np.array([LAT0]))
    x0, y0 = float(cx[0]) - WIDTH_M / 2, float(cy[0]) - HEIGHT_M / 2
    packages_m, colrow = _packages(rng, x0, y0)
    sector_of = (colrow[:, 1] // (PKG_ROWS // SECTOR_ROWS)) * SECTOR_COLS + colrow[:, 0] // (
        PKG_COLS // SECTOR_COLS
    )
    n_sectors = SECTOR_COLS * SECTOR_ROWS
    sectors_m = [shapely.coverage_union_all(packages_m[sector_of == s]) for s in range(n_sectors)]
    # Two vertically adjacent sectors make one sub-district.
    sector_sub = np.array(
        [(s // SECTOR_COLS // 2) * SECTOR_COLS + s % SECTOR_COLS for s in range(n_sectors)]
    )
    subs_m = [
        shapely.coverage_union_all(np.asarray(sectors_m, dtype=object)[sector_sub == k])
        for k in range(int(sector_sub.max()) + 1)
    ]
    district_m = shapely.coverage_union_all(packages_m)
    to_ll = proj.to_lonlat
    return World(
        proj=proj,
        district=_multi(to_ll(district_m)),
        subdistricts=[_multi(to_ll(g)) for g in subs_m],
        sectors=[_multi(to_ll(g)) for g in sectors_m],
        packages=[_multi(g) for g in to_ll(packages_m)],
        package_sector=sector_of.astype(np.int64),
        sector_subdistrict=sector_sub.astype(np.int64),
    )


def cell_size_for(world: World, n_cells: int) -> float:
    """The lattice size (whole metres) that cuts the district into about n_cells cells."""
    # Whole metres, so that runs and reports compare (square_cells itself now takes fractional
    # sizes too: a cell's far edge used to be x0 + size, one ulp off its neighbour's x0).
    return float(round(math.sqrt(world.area_m2 / n_cells)))


def add_grid(world: World, name: str, cell_m: float, defects: float = 0.002) -> Grid:
    """Cut the district into lattice cells and plant defects (a share of cells each kind)."""
    cells = np.asarray(square_cells(world.district, cell_m, world.proj), dtype=object)
    rng = np.random.default_rng(SEED + int(cell_m * 10))
    n_bad = max(2, int(len(cells) * defects))
    picked = rng.choice(len(cells), size=2 * n_bad, replace=False)
    removed, grown = picked[:n_bad], picked[n_bad:]
    # A grown cell spills 4 m over its neighbours: overlaps that the coverage check must find.
    bigger = shapely.buffer(world.proj.to_metres(cells[grown]), 4.0, join_style="mitre")
    cells[grown] = [_multi(g) for g in world.proj.to_lonlat(bigger)]
    keep = np.ones(len(cells), dtype=bool)
    keep[removed] = False
    grid = Grid(cell_m, cells[keep], len(removed), len(grown))
    world.grids[name] = grid
    return grid
