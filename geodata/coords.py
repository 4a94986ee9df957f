"""Convert Chinese web-map coordinates (GCJ-02, BD-09) to and from WGS84, vectorised."""

# Hand-written rather than prcoords (CC0): prcoords converts one point per call, and
# imports convert about a million points at a time, so these formulas run on numpy arrays.

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from geodata.errors import GeoDataError

COORD_SYSTEMS = ("wgs84", "cgcs2000", "gcj02", "bd09")

FloatArray = NDArray[np.float64]
Transform = Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]

# Krasovsky 1940 ellipsoid, as the published GCJ-02 formula uses it.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323
# The rough bounding box of China within which GCJ-02 shifts points (same as prcoords).
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)
# Baidu's fixed offsets and its rotation constant.
_BD_DLON = 0.0065
_BD_DLAT = 0.006
_X_PI = np.pi * 3000.0 / 180.0
# 1e-9 degrees is about 0.1 mm: one iteration past the 1e-7° (1 cm) usually quoted.
INVERSE_TOLERANCE_DEG = 1e-9
_MAX_ITERATIONS = 30


def check_system(system: str) -> None:
    """Raise GeoDataError unless system is one of COORD_SYSTEMS."""
    if system not in COORD_SYSTEMS:
        raise GeoDataError(
            f"未知的坐标系“{system}”，可选：{'、'.join(COORD_SYSTEMS)}",
            f"unknown coordinate system {system!r}; choose one of {', '.join(COORD_SYSTEMS)}",
        )


def _in_china(lon: FloatArray, lat: FloatArray) -> NDArray[np.bool_]:
    """Return where points fall inside the box GCJ-02 applies to."""
    return (
        (lon >= _CHINA_LON[0])
        & (lon <= _CHINA_LON[1])
        & (lat >= _CHINA_LAT[0])
        & (lat <= _CHINA_LAT[1])
    )


def _gcj_shift(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return GCJ-02 coordinates of WGS84 points, ignoring the China box."""
    x, y = lon - 105.0, lat - 35.0
    waves = 20.0 * np.sin(6.0 * np.pi * x) + 20.0 * np.sin(2.0 * np.pi * x)
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += (waves + 20.0 * np.sin(np.pi * y) + 40.0 * np.sin(np.pi * y / 3.0)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(np.pi * y / 12.0) + 320.0 * np.sin(np.pi * y / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += (waves + 20.0 * np.sin(np.pi * x) + 40.0 * np.sin(np.pi * x / 3.0)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(np.pi * x / 12.0) + 300.0 * np.sin(np.pi * x / 30.0)) * 2.0 / 3.0
    rad = np.radians(lat)
    magic = 1.0 - _GCJ_EE * np.sin(rad) ** 2
    lat_len = np.radians(_GCJ_A * (1.0 - _GCJ_EE) / (magic * np.sqrt(magic)))
    lon_len = np.radians(_GCJ_A * np.cos(rad) / np.sqrt(magic))
    return lon + dlon / lon_len, lat + dlat / lat_len


def _gcj_to_bd(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return BD-09 coordinates of GCJ-02 points."""
    r = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return r * np.cos(theta) + _BD_DLON, r * np.sin(theta) + _BD_DLAT


def _bd_to_gcj_rough(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return GCJ-02 coordinates of BD-09 points by the published one-step inverse (~1e-6°)."""
    x, y = lon - _BD_DLON, lat - _BD_DLAT
    r = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return r * np.cos(theta), r * np.sin(theta)


def _invert(
    forward: Transform,
    lon: FloatArray,
    lat: FloatArray,
    start: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Solve forward(x, y) = (lon, lat) by fixed-point iteration (one step is off by ~2 m)."""
    x, y = start if start is not None else (lon.copy(), lat.copy())
    for _ in range(_MAX_ITERATIONS):
        fx, fy = forward(x, y)
        dx, dy = fx - lon, fy - lat
        x, y = x - dx, y - dy
        # NaN rows (missing coordinates) must not keep the loop going.
        if not np.any(np.abs(dx) > INVERSE_TOLERANCE_DEG) and not np.any(
            np.abs(dy) > INVERSE_TOLERANCE_DEG
        ):
            break
    return x, y


def _as_float(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Return lon and lat as float arrays of the same shape."""
    lon_a, lat_a = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    return np.broadcast_arrays(lon_a, lat_a)  # type: ignore[return-value]


def wgs84_to_gcj02(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Shift WGS84 points inside China to GCJ-02; leave the others unchanged."""
    gx, gy = _gcj_shift(lon, lat)
    inside = _in_china(lon, lat)
    return np.where(inside, gx, lon), np.where(inside, gy, lat)


def gcj02_to_wgs84(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Undo the GCJ-02 shift to millimetres; points outside China are unchanged."""
    inside = _in_china(lon, lat)
    wx, wy = _invert(_gcj_shift, lon, lat)
    return np.where(inside, wx, lon), np.where(inside, wy, lat)


def bd09_to_gcj02(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Undo Baidu's BD-09 rotation to millimetres."""
    return _invert(_gcj_to_bd, lon, lat, start=_bd_to_gcj_rough(lon, lat))


def to_wgs84(lon: ArrayLike, lat: ArrayLike, system: str) -> tuple[FloatArray, FloatArray]:
    """Convert points given in system (one of COORD_SYSTEMS) to WGS84 lon/lat."""
    check_system(system)
    x, y = _as_float(lon, lat)
    if system in ("wgs84", "cgcs2000"):
        # CGCS2000 and WGS84 agree to a few centimetres: no web map tells them apart.
        return x, y
    if system == "bd09":
        x, y = bd09_to_gcj02(x, y)
    return gcj02_to_wgs84(x, y)


def from_wgs84(lon: ArrayLike, lat: ArrayLike, system: str) -> tuple[FloatArray, FloatArray]:
    """Convert WGS84 lon/lat points to system (one of COORD_SYSTEMS)."""
    check_system(system)
    x, y = _as_float(lon, lat)
    if system in ("wgs84", "cgcs2000"):
        return x, y
    x, y = wgs84_to_gcj02(x, y)
    if system == "bd09":
        return _gcj_to_bd(x, y)
    return x, y
