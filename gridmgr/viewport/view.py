"""The view of a map, shared by every map (the district map, case map, coverage page, editor):
the box asked for, the zoom, and what a zoom means for simplification and coordinate precision.
Maps and case work both draw in a view; they share this module instead of importing each other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Polygon

from gridmgr.errors import GridError
from gridmgr.models import Layer

# Web-Mercator zooms served; beyond 22 a pixel is a few millimetres.
MAX_ZOOM = 22


class MapRequestError(GridError):
    """A map request with a malformed view, zoom or tile address."""


@dataclass(frozen=True)
class BBox:
    """A lon/lat view: west, south, east, north (EPSG:4326)."""

    minx: float
    miny: float
    maxx: float
    maxy: float

    @classmethod
    def parse(cls, text: str | None) -> BBox:
        """Read 'minx,miny,maxx,maxy' (degrees) as sent by Leaflet's toBBoxString()."""
        try:
            minx, miny, maxx, maxy = (float(v) for v in (text or "").split(","))
        except ValueError:
            raise MapRequestError(
                "视野范围应为“西,南,东,北”四个经纬度数值",
                "bbox must be four numbers: minx,miny,maxx,maxy (degrees)",
            ) from None
        finite = all(math.isfinite(v) for v in (minx, miny, maxx, maxy))
        if not finite or minx >= maxx or miny >= maxy or maxx - minx > 360:
            raise MapRequestError("视野范围无效", "bbox is empty or inverted")
        return cls(max(minx, -180.0), max(miny, -90.0), min(maxx, 180.0), min(maxy, 90.0))

    def params(self) -> dict[str, float]:
        return {"minx": self.minx, "miny": self.miny, "maxx": self.maxx, "maxy": self.maxy}

    def polygon(self) -> Polygon:
        """The view as a lon/lat rectangle, for a bounding-box filter (bboverlaps, SQL's &&)."""
        box = Polygon.from_bbox((self.minx, self.miny, self.maxx, self.maxy))
        box.srid = 4326
        return box


def parse_zoom(text: str | None) -> int:
    """A Web-Mercator zoom level 0…22."""
    try:
        zoom = int(text or "")
    except ValueError:
        raise MapRequestError("缩放级别应为整数", "zoom must be an integer") from None
    if not 0 <= zoom <= MAX_ZOOM:
        raise MapRequestError(f"缩放级别应在0到{MAX_ZOOM}之间", f"zoom must be 0…{MAX_ZOOM}")
    return zoom


def simplify_tolerance(zoom: int) -> float:
    """Simplification tolerance in degrees: GRIDMGR_MAP_SIMPLIFY_PX pixels at this zoom."""
    return float(settings.GRIDMGR_MAP_SIMPLIFY_PX) * 360.0 / (256 * 2**zoom)


def coordinate_digits(zoom: int) -> int:
    """Decimals that keep coordinates within half a pixel at this zoom (4…7)."""
    return min(7, max(4, math.ceil(math.log10(2 * 256 * 2**zoom / 360.0))))


def min_zoom(layer: Layer) -> int:
    """Zoom from which a layer is always drawn (earlier only when the view holds few zones)."""
    return int(settings.GRIDMGR_MAP_UNIT_GRID_MIN_ZOOM) if layer.is_unit_grid else 0
