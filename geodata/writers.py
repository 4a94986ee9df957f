"""Write WGS84 lon/lat features to GeoJSON, GeoPackage, Shapefile or KML with pyogrio."""

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio.errors
import shapely
from pyogrio.raw import write as ogr_write

from geodata.errors import GeoDataError, UnsupportedFormatError

_PYOGRIO_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
)

DRIVERS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GPKG",
    ".shp": "ESRI Shapefile",
    ".kml": "KML",
}


def _driver_for(path: Path) -> str:
    """Return the GDAL driver for a file name's extension."""
    try:
        return DRIVERS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(DRIVERS)
        raise UnsupportedFormatError(
            f"无法按扩展名“{path.suffix}”写出 {path.name}，支持：{known}",
            f"cannot write {path.name}: unsupported extension {path.suffix!r}; supported: {known}",
        ) from None


def _geometry_type(geoms: Sequence[shapely.Geometry | None]) -> tuple[str, bool]:
    """Return the layer geometry type and whether single parts must be promoted to multi."""
    types = {g.geom_type for g in geoms if g is not None and not g.is_empty}
    if len(types) == 1:
        return types.pop(), False
    for base in ("Point", "LineString", "Polygon"):
        if types == {base, f"Multi{base}"}:
            return f"Multi{base}", True
    return "Unknown", False


def _text(value: Any) -> str | None:
    """Return a value for a text field: dates as ISO 8601, lists and dicts as JSON."""
    if value is None:
        return None
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _field_array(values: list[Any]) -> tuple[np.ndarray, np.ndarray | None]:
    """Return one property's values as a typed array and a mask of its nulls (None if none)."""
    nulls = np.array([v is None for v in values], dtype=bool)
    present = [v for v in values if v is not None]
    mask = nulls if nulls.any() else None
    if present and all(isinstance(v, bool | np.bool_) for v in present):
        return np.array([bool(v) for v in values], dtype=bool), mask
    # bool is an int subclass: rule it out so a mixed bool/int column is not silently counted.
    numeric = [isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in present]
    if present and all(numeric):
        if all(isinstance(v, int | np.integer) for v in present):
            return np.array([0 if v is None else v for v in values], dtype=np.int64), mask
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64), None
    return np.array([_text(v) for v in values], dtype=object), None


def write_features(
    path: str | Path,
    geoms: Sequence[shapely.Geometry | None],
    properties: Sequence[Mapping[str, Any]],
    *,
    driver: str | None = None,
    layer: str | None = None,
) -> None:
    """Write WGS84 lon/lat geometries and their properties to a vector file (EPSG:4326)."""
    path = Path(path)
    driver = driver or _driver_for(path)
    if len(geoms) != len(properties):
        raise GeoDataError(
            f"几何数（{len(geoms)}）与属性行数（{len(properties)}）不一致",
            f"{len(geoms)} geometries but {len(properties)} property rows",
        )
    # Every key of every row becomes a field, in the order first seen.
    names = list(dict.fromkeys(key for row in properties for key in row))
    columns = [_field_array([row.get(name) for row in properties]) for name in names]
    geometry_type, promote = _geometry_type(geoms)
    wkb = np.empty(len(geoms), dtype=object)
    wkb[:] = [None if g is None else shapely.to_wkb(g) for g in geoms]
    try:
        ogr_write(
            path,
            wkb,
            [array for array, _ in columns],
            names,
            field_mask=[mask for _, mask in columns],
            layer=layer or path.stem,
            driver=driver,
            geometry_type=geometry_type,
            promote_to_multi=promote,
            crs="EPSG:4326",
        )
    except (*_PYOGRIO_ERRORS, ValueError) as exc:
        raise UnsupportedFormatError(
            f"无法写出 {path.name}（{driver}）", f"cannot write {path.name} ({driver}): {exc}"
        ) from exc


# Field kinds of write_layer: their NumPy types, so that an empty layer keeps typed fields.
FIELD_TYPES = {"text": object, "real": np.float64, "integer": np.int64}


def write_layer(
    path: str | Path,
    layer: str,
    geoms: Sequence[shapely.Geometry],
    fields: Mapping[str, tuple[str, Sequence[Any]]],
    *,
    geometry_type: str,
    srid: int = 4326,
) -> None:
    """Add a layer of geometries already in EPSG:`srid` to a GeoPackage, with fields given as
    name → (kind of FIELD_TYPES, values): the layer keeps its fields and type when empty."""
    path = Path(path)
    wkb = np.empty(len(geoms), dtype=object)
    wkb[:] = [shapely.to_wkb(g) for g in geoms]
    arrays = [np.array(list(values), dtype=FIELD_TYPES[kind]) for kind, values in fields.values()]
    try:
        ogr_write(
            path,
            wkb,
            arrays,
            list(fields),
            layer=layer,
            driver="GPKG",
            geometry_type=geometry_type,
            promote_to_multi=geometry_type.startswith("Multi"),
            crs=f"EPSG:{srid}",
        )
    except (*_PYOGRIO_ERRORS, ValueError) as exc:
        raise UnsupportedFormatError(
            f"无法写出 {path.name} 的图层 {layer}",
            f"cannot write layer {layer} of {path.name}: {exc}",
        ) from exc
