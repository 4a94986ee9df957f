"""Read vector files and point tables into WGS84 lon/lat, whatever their CRS and encoding."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pyogrio.errors
import shapely
from pyogrio.raw import read as ogr_read
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from geodata.coords import COORD_SYSTEMS, to_wgs84
from geodata.errors import (
    EmptyInputError,
    FieldError,
    GeoDataError,
    UnknownCRSError,
    UnsupportedFormatError,
)
from geodata.validate import bad_rows, feature_label, row_label

# Only these EPSG codes reach pyproj; no user CRS string ever reaches GDAL (Django's gis.W001).
ALLOWED_SRIDS: frozenset[int] = frozenset(
    {4326, 4490, 4979, 3857}
    | set(range(4491, 4513))  # CGCS2000 Gauss–Krüger 6-degree zones 13–23 and CM 75°E–135°E
    | set(range(4513, 4555))  # CGCS2000 Gauss–Krüger 3-degree zones 25–45 and CM 75°E–135°E
    | set(range(32643, 32654))  # WGS 84 / UTM 43N–53N, which cover China
)

VECTOR_SUFFIXES = {".geojson", ".json", ".shp", ".gpkg", ".kml"}
TABLE_SUFFIXES = {".csv"}
# Chinese Shapefiles and CSV files without a declared encoding are usually GBK (code page 936).
FALLBACK_ENCODING = "GBK"


@dataclass(frozen=True)
class Feature:
    """One feature of a vector file, in WGS84 lon/lat (x = lon)."""

    index: int  # 1-based position in the file, for messages
    properties: dict[str, Any]
    geometry: shapely.Geometry


@dataclass
class PointTable:
    """Points of a table or file as lon/lat arrays; bad rows are NaN and listed in bad."""

    lon: np.ndarray
    lat: np.ndarray
    columns: dict[str, np.ndarray]
    bad: list[tuple[int, str]]  # (1-based row number, bilingual reason)

    def __len__(self) -> int:
        """Return the number of rows, bad ones included."""
        return len(self.lon)

    @property
    def ok(self) -> np.ndarray:
        """Return a boolean mask of the rows with usable coordinates."""
        return ~np.isnan(self.lon)

    def row(self, i: int) -> dict[str, Any]:
        """Return the attributes of the row at 0-based index i as plain Python values."""
        return {k: _plain(v[i]) for k, v in self.columns.items()}


def _plain(value: Any) -> Any:
    """Return numpy scalars as Python values."""
    return value.item() if isinstance(value, np.generic) else value


def _check_path(path: Path, suffixes: set[str]) -> None:
    """Raise unless path exists and has a suffix a reader handles."""
    if not path.exists():
        raise GeoDataError(f"文件不存在：{path}", f"file not found: {path}")
    if path.suffix.lower() not in suffixes:
        known = "、".join(sorted(suffixes))
        raise UnsupportedFormatError(
            f"不支持的文件类型“{path.suffix}”（{path.name}），支持：{known}",
            f"unsupported file type {path.suffix!r} ({path.name}); supported: {', '.join(sorted(suffixes))}",
        )


def check_srid(srid: int) -> int:
    """Return srid if it is on the allow-list, else raise UnknownCRSError."""
    if srid not in ALLOWED_SRIDS:
        raise UnknownCRSError(
            f"不支持的坐标系 EPSG:{srid}；支持 WGS84（4326）、CGCS2000（4490 及高斯-克吕格 4491–4554）、"
            "3857 和 UTM 32643–32653",
            f"unsupported coordinate reference system EPSG:{srid}; supported: WGS84 (4326), "
            "CGCS2000 (4490 and Gauss-Kruger 4491-4554), 3857 and UTM 32643-32653",
        )
    return srid


def _file_srid(crs_text: str | None, name: str) -> int:
    """Return the allowed EPSG code of a file's CRS; a file without one is taken as WGS84."""
    if not crs_text:
        return 4326
    try:
        crs = CRS.from_user_input(crs_text)
    except CRSError as exc:
        raise UnknownCRSError(
            f"{name} 的坐标系无法识别，请用 --srid 指定", f"{name}: unreadable CRS ({exc}); use --srid"
        ) from exc
    epsg = 4326 if crs.to_authority() == ("OGC", "CRS84") else crs.to_epsg()
    if epsg is None:
        raise UnknownCRSError(
            f"{name} 的坐标系“{crs.name}”没有 EPSG 编号，请用 --srid 指定",
            f"{name}: CRS {crs.name!r} has no EPSG code; use --srid",
        )
    return check_srid(epsg)


@lru_cache(maxsize=32)
def _transformer(srid: int) -> Transformer:
    """Return a transformer from srid to WGS84 lon/lat."""
    return Transformer.from_crs(CRS.from_epsg(srid), CRS.from_epsg(4326), always_xy=True)


def _xy_to_wgs84(
    x: np.ndarray, y: np.ndarray, srid: int, coord_sys: str
) -> tuple[np.ndarray, np.ndarray]:
    """Return x, y in srid (and web-map system coord_sys) as WGS84 lon, lat arrays."""
    if srid != 4326:
        x, y = _transformer(srid).transform(x, y)
    return to_wgs84(x, y, coord_sys)


def _geoms_to_wgs84(geoms: np.ndarray, srid: int, coord_sys: str) -> np.ndarray:
    """Return geometries transformed to WGS84 lon/lat, all coordinates at once."""
    if srid == 4326 and coord_sys in ("wgs84", "cgcs2000"):
        return geoms
    return shapely.transform(
        geoms, lambda x, y: np.column_stack(_xy_to_wgs84(x, y, srid, coord_sys)), interleaved=False
    )


def _encodings(path: Path, encoding: str | None) -> list[str | None]:
    """Return the encodings to try in turn; None lets GDAL use what the file declares."""
    if encoding:
        return [encoding]
    if path.suffix.lower() == ".csv":
        return ["UTF-8", FALLBACK_ENCODING]
    if path.suffix.lower() != ".shp":
        return [None]
    if any(path.with_suffix(s).exists() for s in (".cpg", ".CPG")) or _dbf_language_id(path):
        return [None]
    # Without .cpg or code page byte GDAL assumes ISO-8859-1 and garbles Chinese instead of failing.
    return ["UTF-8", FALLBACK_ENCODING]


def _dbf_language_id(path: Path) -> int:
    """Return the code page byte of a Shapefile's .dbf (0 if unset or missing)."""
    for suffix in (".dbf", ".DBF"):
        dbf = path.with_suffix(suffix)
        if dbf.exists():
            with dbf.open("rb") as f:
                header = f.read(32)
            return header[29] if len(header) > 29 else 0
    return 0


def _read_layer(path: Path, layer: str | int, encodings: list[str | None], **kwargs: Any) -> tuple:
    """Read one layer with pyogrio, trying each encoding until the text decodes."""
    for i, encoding in enumerate(encodings):
        try:
            meta, _, geoms, fields = ogr_read(path, layer=layer, encoding=encoding, force_2d=True, **kwargs)
            return meta, geoms, fields
        except UnicodeDecodeError:
            if i == len(encodings) - 1:
                raise _unreadable(path, f"文本编码无法识别（试过 {'、'.join(map(str, encodings))}）",
                                  f"text encoding not recognised (tried {', '.join(map(str, encodings))})") from None
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise _unreadable(path, "文件无法读取", str(exc)) from exc
    raise AssertionError("unreachable: encodings is never empty")


def _unreadable(path: Path, zh: str, en: str) -> UnsupportedFormatError:
    """Return the error for a file that GDAL cannot read."""
    return UnsupportedFormatError(f"{path.name}：{zh}", f"{path.name}: {en}")


def _layers(path: Path) -> list[str | int]:
    """Return the layers to read: every KML folder, otherwise the first layer only."""
    if path.suffix.lower() == ".kml":
        try:
            return [str(name) for name, _ in pyogrio.list_layers(path)]
        except pyogrio.errors.DataSourceError as exc:
            raise _unreadable(path, "文件无法读取", str(exc)) from exc
    return [0]
