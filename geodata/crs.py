"""Coordinate systems an export is written in: WGS84, CGCS2000, or a CGCS2000 Gauss–Krüger zone.

Geometries are stored in WGS84 lon/lat. CGCS2000 (EPSG:4490) differs from WGS84 by centimetres
and is written with the same coordinates under its own code. District GIS staff usually work in
metres, in the CGCS2000 3-degree Gauss–Krüger zone of their city (EPSG:4534–4554, central
meridians 75°E–135°E, false easting 500 km without the zone number), so "cgcs2000-gk3" picks
the zone whose central meridian is nearest the area written. Any other CGCS2000 Gauss–Krüger
code (4491–4554: 6-degree zones, or 3-degree zones with the zone number) can be named as EPSG.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer

from geodata.errors import UnknownCRSError

WGS84 = 4326
CGCS2000 = 4490
GK3_FIRST, GK3_LAST = 4534, 4554  # CM 75°E … 135°E, 3 degrees apart
SYSTEMS = ("wgs84", "cgcs2000", "cgcs2000-gk3")
# What an export may be written in: lon/lat, or CGCS2000 Gauss–Krüger (within the readers'
# allow-list, geodata.readers.ALLOWED_SRIDS).
OUTPUT_SRIDS: frozenset[int] = frozenset({WGS84, CGCS2000} | set(range(4491, 4555)))


def gk3_srid(lon: float) -> int:
    """The CGCS2000 3-degree Gauss–Krüger zone (EPSG:4534–4554) whose central meridian is
    nearest a longitude."""
    srid = GK3_FIRST + round((lon - 75.0) / 3.0)
    if not GK3_FIRST <= srid <= GK3_LAST:
        raise UnknownCRSError(
            f"经度 {lon:.3f}° 不在 CGCS2000 高斯-克吕格 3 度带范围内（73.5°E–136.5°E）",
            f"longitude {lon:.3f}° is outside the CGCS2000 Gauss-Kruger 3-degree zones "
            "(73.5°E-136.5°E)",
        )
    return srid


def output_srid(system: str, lon: float) -> int:
    """The EPSG code to write in: a name of SYSTEMS (the zone from `lon`, the area's centre
    longitude) or an allowed code ("4548", "EPSG:4548")."""
    name = system.strip().lower()
    if name == "wgs84":
        return WGS84
    if name == "cgcs2000":
        return CGCS2000
    if name == "cgcs2000-gk3":
        return gk3_srid(lon)
    match = re.fullmatch(r"(?:epsg:)?(\d{4,5})", name)
    if match and int(match.group(1)) in OUTPUT_SRIDS:
        return int(match.group(1))
    raise UnknownCRSError(
        f"不支持的输出坐标系“{system}”；可选 wgs84、cgcs2000、cgcs2000-gk3（自动选 3 度带）"
        "或 EPSG:4491–4554（CGCS2000 高斯-克吕格）",
        f"unknown output coordinate system {system!r}; choose wgs84, cgcs2000, cgcs2000-gk3 "
        "(the 3-degree zone of the area) or EPSG:4491-4554 (CGCS2000 Gauss-Kruger)",
    )


def crs_name(srid: int) -> str:
    """The coordinate system's name as EPSG gives it (CGCS2000 / 3-degree Gauss-Kruger CM 117E)."""
    return str(CRS.from_epsg(srid).name)


@lru_cache(maxsize=8)
def _from_lonlat(srid: int) -> Transformer:
    return Transformer.from_crs(CRS.from_epsg(CGCS2000), CRS.from_epsg(srid), always_xy=True)


def from_wgs84(geoms: np.ndarray, srid: int) -> np.ndarray:
    """WGS84 lon/lat geometries in `srid`: unchanged for lon/lat, projected for Gauss–Krüger."""
    if srid in (WGS84, CGCS2000):
        return geoms
    transformer = _from_lonlat(srid)
    return shapely.transform(geoms, transformer.transform, interleaved=False)
