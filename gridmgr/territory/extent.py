"""Where imported land may lie: inside the district, give or take GRIDMGR_DISTRICT_TOLERANCE_M.

One check for every kind of place that is imported (regions below the district, zones, and
later sites): what the district grown by the tolerance does not cover is refused, named by its
code. The district is grown once, in metres, and prepared, so an import of many thousands of
zones costs one vectorised covers test, not a query per zone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from django.conf import settings

from geodata.measure import LocalProjection
from gridmgr.errors import GridError
from gridmgr.models import Region

# No district spans this many degrees of longitude or latitude (~1,100 km); a polygon that
# does is a mistake (the whole earth, a unit mix-up), refused even as the district itself.
MAX_SPAN_DEG = 10.0
# A place this close to lon 0, lat 0 is degrees read as metres (EPSG:3857 declared for lon/lat).
_NULL_ISLAND_DEG = 0.002

Placed = tuple[tuple[str, str], str, shapely.Geometry]  # (zh, en) label, code, lon/lat geometry


def misplaced(placed: Sequence[Placed], *, within_district: bool = True) -> list[str]:
    """The bilingual refusal ("zh / en") of each place too large, or outside the district.

    The district itself is imported with `within_district=False`: there is nothing to check
    it against. Without a district yet, nothing is outside.
    """
    return [f"{zh} / {en}" for zh, en in _refusals(placed, within_district)]


def require_in_district(geom: shapely.Geometry, label: tuple[str, str]) -> None:
    """Refuse one place (a zone drawn in the editor or sent to the API) outside the district."""
    refusals = _refusals([(label, "", geom)], within_district=True)
    if refusals:
        raise GridError(*refusals[0])


def _refusals(placed: Sequence[Placed], within_district: bool) -> list[tuple[str, str]]:
    large = [p for p in placed if _spans_too_far(p[2])]
    refusals = [_too_large(label, code) for label, code, _ in large]
    if within_district:
        sized = [p for p in placed if not _spans_too_far(p[2])]
        refusals += _outside(sized, district_area())
    return refusals


def district_area() -> shapely.Geometry | None:
    """The districts' boundaries grown by the tolerance, prepared; None without a district."""
    boundaries = [
        shapely.from_wkb(bytes(r.boundary.wkb)) for r in Region.objects.districts().only("boundary")
    ]
    if not boundaries:
        return None
    district = shapely.union_all(boundaries)
    proj = LocalProjection.around(district)
    grown = proj.to_lonlat(proj.to_metres(district).buffer(settings.GRIDMGR_DISTRICT_TOLERANCE_M))
    shapely.prepare(grown)
    return grown


def _spans_too_far(geom: shapely.Geometry) -> bool:
    minx, miny, maxx, maxy = geom.bounds
    return bool(max(maxx - minx, maxy - miny) > MAX_SPAN_DEG)


def _too_large(label: tuple[str, str], code: str) -> tuple[str, str]:
    code_zh, code_en = (f"代码 {code} 的", f"code {code} ") if code else ("", "it ")
    return (
        f"{label[0]}：{code_zh}范围跨越超过 {MAX_SPAN_DEG:g} 度，不可能是本区的一部分",
        f"{label[1]}: {code_en}spans more than {MAX_SPAN_DEG:g} degrees; no district is that large",
    )


def _outside(placed: Sequence[Placed], area: shapely.Geometry | None) -> list[tuple[str, str]]:
    """The refusal of each place not covered by the grown district `area` (one vectorised test)."""
    if area is None or not placed:
        return []
    covered = shapely.covers(area, np.array([geom for _, _, geom in placed], dtype=object))
    tolerance = settings.GRIDMGR_DISTRICT_TOLERANCE_M
    refusals = []
    for ((zh, en), code, geom), inside in zip(placed, covered, strict=True):
        if inside:
            continue
        code_zh, code_en = (f"代码 {code} ", f"code {code} ") if code else ("", "")
        hint_zh, hint_en = _crs_hint(geom)
        refusals.append(
            (
                f"{zh}：{code_zh}超出本区边界 {tolerance:g} 米以外{hint_zh}",
                f"{en}: {code_en}lies outside the district by more than {tolerance:g} m{hint_en}",
            )
        )
    return refusals


def _crs_hint(geom: shapely.Geometry) -> tuple[str, str]:
    """A hint when a place lies at lon 0, lat 0: its degrees were taken for metres."""
    minx, miny, maxx, maxy = geom.bounds
    if max(abs(minx), abs(miny), abs(maxx), abs(maxy)) > _NULL_ISLAND_DEG:
        return "", ""
    return (
        "（位于经纬度 0,0 附近：坐标像是经纬度，声明的坐标系（如 EPSG:3857）可能有误，"
        "请检查文件声明的坐标系）",
        " (it lies near lon 0, lat 0: its coordinates look like degrees, so the declared "
        "coordinate system, e.g. EPSG:3857, may be wrong; check the coordinate system the file "
        "declares)",
    )
