"""Check coordinates and polygons, and repair polygons on request, with bilingual messages."""

import re
from collections.abc import Callable

import numpy as np
import shapely
from numpy.typing import ArrayLike
from shapely.geometry import MultiPolygon, Polygon

from geodata.errors import CoordinateError, InvalidGeometryError

# A label names a feature or row in messages: one text for both languages, or (zh, en).
Label = str | tuple[str, str]

_OK, _NOT_FINITE, _SWAPPED, _OUT_OF_RANGE = 0, 1, 2, 3

# GEOS validity reasons (shapely.is_valid_reason) in Chinese; unknown ones stay in English.
_REASONS_ZH = {
    "Ring Self-intersection": "环自相交",
    "Self-intersection": "多边形自相交",
    "Too few points in geometry component": "点数过少",
    "Hole lies outside shell": "内洞位于外环之外",
    "Holes are nested": "内洞相互嵌套",
    "Interior is disconnected": "内部不连通",
    "Nested shells": "外环相互嵌套",
    "Duplicate Rings": "环重复",
    "Invalid Coordinate": "坐标无效",
    "Ring is not closed": "环未闭合",
}
_REASON_RE = re.compile(r"^(?P<what>[^\[]+?)\s*(\[(?P<x>\S+) (?P<y>\S+)\])?$")


def feature_label(index: int, name: object = None) -> tuple[str, str]:
    """Return the (zh, en) label of the 1-based feature index with an optional name."""
    if name is None or str(name).strip() == "":
        return f"第 {index} 个要素", f"feature {index}"
    return f"第 {index} 个要素（{name}）", f"feature {index} ({name})"


def row_label(index: int) -> tuple[str, str]:
    """Return the (zh, en) label of the 1-based table row index."""
    return f"第 {index} 行", f"row {index}"


def _zh_en(label: Label) -> tuple[str, str]:
    """Return the label in Chinese and in English."""
    return (label, label) if isinstance(label, str) else label


def _codes(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return a problem code per point: fine, not finite, swapped or out of range."""
    codes = np.full(lon.shape, _OK, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        out = (np.abs(lon) > 180) | (np.abs(lat) > 90)
        # A latitude beyond 90° with a longitude that would be a fine latitude: swapped.
        swapped = (np.abs(lat) > 90) & (np.abs(lat) <= 180) & (np.abs(lon) <= 90)
    codes[out] = _OUT_OF_RANGE
    codes[swapped] = _SWAPPED
    codes[~(np.isfinite(lon) & np.isfinite(lat))] = _NOT_FINITE
    return codes


def _reason(code: int, lon: float, lat: float) -> tuple[str, str]:
    """Return the (zh, en) reason for a problem code at one point."""
    if code == _NOT_FINITE:
        return "坐标缺失或不是有限数值", "coordinate missing or not a finite number"
    if code == _SWAPPED:
        return (
            f"经纬度疑似颠倒（经度 {lon:g}，纬度 {lat:g}）",
            f"latitude and longitude look swapped (lon {lon:g}, lat {lat:g})",
        )
    return (
        f"坐标超出经纬度范围（经度 {lon:g}，纬度 {lat:g}），若是投影坐标请用 --srid 指定坐标系",
        f"coordinates outside the lon/lat range (lon {lon:g}, lat {lat:g}); "
        "if they are projected, use --srid",
    )


def labelled(label: Label, zh: str, en: str) -> tuple[str, str]:
    """Prefix a (zh, en) reason with the label in each language."""
    lz, le = _zh_en(label)
    return f"{lz}：{zh}", f"{le}: {en}"


def check_lonlat(lon: float, lat: float, label: Label) -> None:
    """Raise CoordinateError unless (lon, lat) is a finite point in the lon/lat range."""
    code = int(_codes(np.asarray([lon], dtype=float), np.asarray([lat], dtype=float))[0])
    if code != _OK:
        raise CoordinateError(*labelled(label, *_reason(code, float(lon), float(lat))))


def bad_rows(
    lon: ArrayLike, lat: ArrayLike, *, label: Callable[[int], Label] = row_label
) -> list[tuple[int, str]]:
    """Return (0-based index, bilingual reason naming the 1-based row) for every bad point."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    codes = _codes(x, y)
    result = []
    for i in np.flatnonzero(codes):
        zh, en = labelled(label(int(i) + 1), *_reason(int(codes[i]), float(x[i]), float(y[i])))
        result.append((int(i), f"{zh} / {en}"))
    return result


def _check_bounds(geom: shapely.Geometry, label: Label) -> None:
    """Raise CoordinateError at the first vertex outside the lon/lat range."""
    xy = shapely.get_coordinates(geom)
    codes = _codes(xy[:, 0], xy[:, 1])
    bad = np.flatnonzero(codes)
    if bad.size:
        i = int(bad[0])
        reason = _reason(int(codes[i]), float(xy[i, 0]), float(xy[i, 1]))
        raise CoordinateError(*labelled(label, *reason))


def _polygonal_parts(geom: shapely.Geometry) -> tuple[list[Polygon], bool]:
    """Return the polygons in geom and whether it also held non-polygon parts."""
    parts = shapely.get_parts(shapely.get_parts(geom))  # flattens one level of collections
    polys = [p for p in parts if isinstance(p, Polygon) and not p.is_empty]
    return polys, len(polys) < len([p for p in parts if not p.is_empty])


def _validity(geom: shapely.Geometry) -> tuple[str, str] | None:
    """Return the (zh, en) reason geom is invalid, with its location, or None if valid."""
    reason = shapely.is_valid_reason(geom)
    if reason == "Valid Geometry":
        return None
    match = _REASON_RE.match(reason)
    what = match.group("what") if match else reason
    zh = _REASONS_ZH.get(what, what)
    if match and match.group("x"):
        where = f"{float(match.group('x')):.7g}, {float(match.group('y')):.7g}"
        return f"{zh}（位于 {where}）", f"{what.lower()} at ({where})"
    return zh, what.lower()


def _area_change(before: float, after: float) -> tuple[str, str]:
    """Describe the relative area change of a repair in Chinese and English."""
    # Areas in degrees² give the right ratio: one feature spans too little latitude to matter.
    if before == 0:
        # GEOS measures a bow-tie's lobes with opposite signs, so they can cancel out.
        return "原面积按自相交环计为零", "the self-intersecting original measured zero area"
    change = (after - before) / before * 100
    if abs(change) < 0.01:
        return "面积变化不到 0.01%", "area changed by less than 0.01%"
    return f"面积变化 {change:+.2f}%", f"area change {change:+.2f}%"


def _repair(
    mp: MultiPolygon, reason: tuple[str, str], extra: bool, label: Label
) -> tuple[MultiPolygon, str]:
    """Return mp made valid, keeping polygonal parts, and a bilingual note of the change."""
    fixed, _ = _polygonal_parts(shapely.make_valid(mp, method="structure", keep_collapsed=False))
    if not fixed:
        # "structure" drops rings it cannot orient; "linework" keeps every enclosed area.
        fixed, _ = _polygonal_parts(shapely.make_valid(mp, method="linework"))
    if not fixed:
        raise InvalidGeometryError(
            *labelled(label, f"{reason[0]}，无法修复", f"{reason[1]}; cannot repair")
        )
    result = MultiPolygon(fixed)
    zh_area, en_area = _area_change(mp.area, result.area)
    zh = f"已修复：{reason[0]}；{zh_area}，现有 {len(fixed)} 个部分"
    en = f"repaired: {reason[1]}; {en_area}, now {len(fixed)} part(s)"
    if extra:
        zh, en = zh + "；已去掉非多边形部分", en + "; non-polygon parts dropped"
    return result, " / ".join(labelled(label, zh, en))


def polygonal(
    geom: shapely.Geometry | None, label: Label, *, repair: bool = False
) -> tuple[MultiPolygon, str | None]:
    """Return geom as a valid MultiPolygon and a repair note (None if it needed no repair)."""
    if geom is None or geom.is_empty:
        raise InvalidGeometryError(*labelled(label, "几何为空", "geometry is empty"))
    polys, extra = _polygonal_parts(geom)
    if not polys:
        kind = geom.geom_type
        raise InvalidGeometryError(
            *labelled(
                label, f"几何类型是 {kind}，不是多边形", f"geometry is a {kind}, not a polygon"
            )
        )
    _check_bounds(geom, label)
    mp = MultiPolygon(polys)
    reason = _validity(mp)
    if extra and reason is None:
        reason, extra = ("含有非多边形部分", "contains non-polygon parts"), False
    if reason is None:
        return mp, None
    if not repair:
        hint = ("（可用修复选项自动修复）", " (the repair option can fix it)")
        raise InvalidGeometryError(*labelled(label, reason[0] + hint[0], reason[1] + hint[1]))
    return _repair(mp, reason, extra, label)
