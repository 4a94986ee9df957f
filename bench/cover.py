"""Coverage of the district by unit grids: gridmgr vs PostGIS and shapely on the same cells."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from bench.db import execute
from geodata.measure import LocalProjection


@dataclass
class Figures:
    """What an analysis found, to check that the tools agree."""

    blind_m2: float
    overlap_m2: float | None = None
    blind_pieces: int | None = None
    overlap_pieces: int | None = None


def gridmgr_geodata(district: BaseGeometry, cells: NDArray[np.object_]) -> Figures:
    """geodata.coverage.analyse: blind spots, overlaps, spill-over, all in m²."""
    from geodata.coverage import analyse

    result = analyse(district, list(cells), list(range(len(cells))))
    return Figures(result.blind_m2, result.overlap_m2, len(result.blind), len(result.overlaps))


def gridmgr_service(region_id: int, layer_id: int) -> Figures:
    """gridmgr.coverage.cache.report, the one path of the coverage page and /api/coverage/, on a
    cache miss (empty the cache first): zones read from PostGIS, the report, stored in the cache."""
    from gridmgr.coverage.cache import report
    from gridmgr.models import Layer, Region

    found = report(Region.objects.get(pk=region_id), Layer.objects.get(pk=layer_id))
    return Figures(found.blind_m2, found.overlap_m2, len(found.blind), len(found.overlaps))


def empty_cache() -> None:
    """Forget every cached report, so that the next one is analysed."""
    from django.core.cache import cache

    cache.clear()


def raw_postgis(cells_sql: str, region_id: int) -> Figures:
    """ST_Union of the cells, ST_Difference from the district, area of what is left."""
    rows = execute(
        f"WITH u AS (SELECT ST_Union(geom) AS g FROM ({cells_sql}) c) "
        "SELECT ST_Area(ST_Difference(r.boundary, u.g)::geography) "
        "FROM gridmgr_region r, u WHERE r.id = %s",
        [region_id],
    )
    return Figures(float(rows[0][0]))


def raw_shapely(district: BaseGeometry, cells: NDArray[np.object_]) -> Figures:
    """Validate the coverage, coverage-union the clean cells, overlay the rest, difference."""
    cells = np.asarray(cells, dtype=object)
    flagged = ~shapely.is_empty(shapely.coverage_invalid_edges(cells))
    union = shapely.coverage_union_all(cells[~flagged])
    if flagged.any():
        union = shapely.union(union, shapely.union_all(cells[flagged]))
    blind = shapely.difference(district, union)
    proj = LocalProjection.around(district)
    return Figures(float(proj.to_metres(blind).area))


def grid_cells_sql(layer_id: int) -> str:
    return f"SELECT geom FROM gridmgr_zone WHERE active AND layer_id = {int(layer_id)}"
