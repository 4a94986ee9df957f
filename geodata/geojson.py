"""GeoJSON geometry sent by a client (the API's zones, the editor's drawings), read with shapely.

Never with GDAL, so that no client-supplied CRS reaches it (gis.W001): coordinates are WGS84
or CGCS2000 longitude/latitude, as GeoJSON prescribes.
"""

from __future__ import annotations

from collections.abc import Mapping

import shapely.errors
import shapely.geometry
from shapely.geometry.base import BaseGeometry

from geodata.errors import InvalidGeometryError

# What shapely raises on a geometry object it cannot read (a missing member, text coordinates,
# a ring too short, an unknown type).
_UNREADABLE = (
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    AttributeError,
    shapely.errors.ShapelyError,
)


def parse_geometry(value: object) -> BaseGeometry:
    """The geometry of a GeoJSON geometry object, or of a Feature's; refuse anything else."""
    if isinstance(value, Mapping) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, Mapping):
        raise InvalidGeometryError("不是 GeoJSON 几何对象", "not a GeoJSON geometry object")
    try:
        return shapely.geometry.shape(value)
    except _UNREADABLE:
        raise InvalidGeometryError(
            "无法读取的 GeoJSON 几何", "an unreadable GeoJSON geometry"
        ) from None
