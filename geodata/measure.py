"""Metres from lon/lat: a local transverse Mercator projection and geodesic checks."""

from __future__ import annotations

from functools import lru_cache
from typing import TypeVar

import numpy as np
import pyproj
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry.base import BaseGeometry

from geodata.errors import EmptyInputError

# A single geometry or an object array of them: shapely.transform keeps the shape.
G = TypeVar("G", BaseGeometry, NDArray[np.object_])
Bounds = tuple[float, float, float, float]

# Geodesic cross-checks use the WGS84 ellipsoid; CGCS2000 differs from it by under 0.1 mm.
_GEOD = pyproj.Geod(ellps="WGS84")


@lru_cache(maxsize=64)
def _transformers(lon0: float) -> tuple[pyproj.Transformer, pyproj.Transformer]:
    """Return the (forward, inverse) transformers for a zone centred on lon0."""
    # Building a Transformer costs milliseconds: cache one pair per central meridian.
    tmerc = f"+proj=tmerc +lat_0=0 +lon_0={lon0!r} +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m"
    forward = pyproj.Transformer.from_crs("EPSG:4326", tmerc, always_xy=True)
    inverse = pyproj.Transformer.from_crs(tmerc, "EPSG:4326", always_xy=True)
    return forward, inverse


class LocalProjection:
    """A CGCS2000 Gauss–Krüger-like transverse Mercator zone centred on the data (metres)."""

    def __init__(self, lon0: float, lat0: float = 0.0) -> None:
        self.lon0 = float(lon0)
        self.lat0 = float(lat0)
        self._forward, self._inverse = _transformers(self.lon0)

    def __repr__(self) -> str:
        return f"LocalProjection(lon0={self.lon0!r}, lat0={self.lat0!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocalProjection) and other.lon0 == self.lon0

    def __hash__(self) -> int:
        return hash(self.lon0)

    @classmethod
    def around(cls, geoms_or_bounds: object) -> LocalProjection:
        """Return the projection centred on the bounds of a geometry, an array of them, or bounds."""
        if isinstance(geoms_or_bounds, tuple) and len(geoms_or_bounds) == 4:
            minx, miny, maxx, maxy = (float(v) for v in geoms_or_bounds)
        else:
            arr = np.asarray(geoms_or_bounds, dtype=object)
            minx, miny, maxx, maxy = shapely.total_bounds(arr) if arr.size else [np.nan] * 4
        if not np.isfinite([minx, miny, maxx, maxy]).all():
            raise EmptyInputError("没有可定位的几何图形", "no geometry to centre a projection on")
        return cls((minx + maxx) / 2.0, (miny + maxy) / 2.0)

    def to_metres(self, geoms: G) -> G:
        """Project lon/lat geometries to metres."""
        return shapely.transform(geoms, self._forward.transform, interleaved=False)

    def to_lonlat(self, geoms: G) -> G:
        """Unproject geometries in metres back to lon/lat."""
        return shapely.transform(geoms, self._inverse.transform, interleaved=False)

    def points_to_metres(
        self, lon: ArrayLike, lat: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Project lon/lat coordinate arrays to x/y in metres."""
        x, y = self._forward.transform(np.asarray(lon, float), np.asarray(lat, float))
        return np.asarray(x, float), np.asarray(y, float)

    def points_to_lonlat(
        self, x: ArrayLike, y: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Unproject x/y arrays in metres to lon/lat."""
        lon, lat = self._inverse.transform(np.asarray(x, float), np.asarray(y, float))
        return np.asarray(lon, float), np.asarray(lat, float)


def areas_m2(geoms: ArrayLike, proj: LocalProjection | None = None) -> NDArray[np.float64]:
    """Return the area in m² of each lon/lat geometry, in one local projection around them all."""
    arr = np.asarray(geoms, dtype=object)
    bounds = shapely.total_bounds(arr) if arr.size else np.full(4, np.nan)
    if not np.isfinite(bounds).all():
        return np.zeros(arr.shape)  # nothing but empty geometries (or none at all)
    proj = proj or LocalProjection.around(tuple(bounds))
    return np.asarray(shapely.area(proj.to_metres(arr)), float)


def geodesic_area_m2(geom: BaseGeometry) -> float:
    """Return the geodesic area in m² of a lon/lat geometry on the WGS84 ellipsoid."""
    area, _perimeter = _GEOD.geometry_area_perimeter(geom)
    return abs(float(area))


def distance_m(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> NDArray:
    """Return the geodesic distance in metres between lon/lat points (vectorised)."""
    lon1, lat1, lon2, lat2 = np.broadcast_arrays(
        *(np.asarray(v, float) for v in (lon1, lat1, lon2, lat2))
    )
    _az12, _az21, dist = _GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(dist, float)
