"""Read vector files and point tables into WGS84 lon/lat, whatever their CRS and encoding."""

import contextlib
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyogrio
import pyogrio.errors
import shapely
from pyogrio.raw import read as ogr_read
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from geodata.coords import check_system, to_wgs84
from geodata.errors import (
    EmptyInputError,
    FieldError,
    UnknownCRSError,
    UnsupportedFormatError,
)
from geodata.inputs import check_input_file, check_shapefile, not_this_format, not_utf8
from geodata.kml import flat_kml, too_many
from geodata.validate import Label, bad_rows, feature_label, labelled, row_label

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
    problem: tuple[str, str] | None = None  # (zh, en) why the geometry could not be read


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
    """Raise unless path is a readable file with a suffix a reader handles."""
    check_input_file(path)
    if path.suffix.lower() not in suffixes:
        known = "、".join(sorted(suffixes))
        raise UnsupportedFormatError(
            f"不支持的文件类型“{path.suffix}”（{path.name}），支持：{known}",
            f"unsupported file type {path.suffix!r} ({path.name}); supported: {', '.join(sorted(suffixes))}",
        )
    if path.suffix.lower() == ".shp":
        check_shapefile(path)


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
            f"{name} 的坐标系无法识别，请用 --srid 指定",
            f"{name}: unreadable CRS ({exc}); use --srid",
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
        geoms, lambda x, y: _xy_to_wgs84(x, y, srid, coord_sys), interleaved=False
    )


def _encodings(path: Path, encoding: str | None) -> list[str | None]:
    """Return the encodings to try in turn; None lets GDAL use what the file declares."""
    if encoding:
        return [encoding]
    if path.suffix.lower() == ".csv":
        # GDAL reads CSV as UTF-8 (a BOM is skipped) and fails loudly on anything else.
        return [None, FALLBACK_ENCODING]
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


def _read_layer(
    path: Path,
    layer: str | int,
    encodings: list[str | None],
    source: Path | None = None,
    **kwargs: Any,
) -> tuple[dict[str, Any], np.ndarray | None, list[np.ndarray]]:
    """Read one layer of path (or of source, made from path) with pyogrio, trying each
    encoding until the text decodes."""
    for i, encoding in enumerate(encodings):
        try:
            meta, _, geoms, fields = ogr_read(
                source or path,
                layer=layer,
                encoding=encoding,
                force_2d=True,
                **kwargs,
            )
            return meta, geoms, fields
        except UnicodeDecodeError:
            if encodings == [None]:
                raise not_utf8(path) from None
            if i == len(encodings) - 1:
                raise _unreadable(
                    path,
                    f"文本编码无法识别（试过 {'、'.join(map(str, encodings))}）",
                    f"text encoding not recognised (tried {', '.join(map(str, encodings))})",
                ) from None
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            if "not recognized as being in a supported file format" in str(exc):
                raise not_this_format(path) from exc
            raise _unreadable(path, "文件无法读取", str(exc)) from exc
    raise AssertionError("unreachable: encodings is never empty")


def _unreadable(path: Path, zh: str, en: str) -> UnsupportedFormatError:
    """Return the error for a file that GDAL cannot read."""
    return UnsupportedFormatError(f"{path.name}：{zh}", f"{path.name}: {en}")


def _column_values(column: np.ndarray) -> list[Any]:
    """Return a field's values as Python objects, nulls (NaN in float fields) as None."""
    values = column.tolist()
    if column.dtype.kind == "f":
        # pyogrio reads a numeric field with nulls as floats with NaN.
        return [None if v != v else v for v in values]
    return values


@contextlib.contextmanager
def _one_layer(path: Path, max_features: int | None = None) -> Iterator[Path]:
    """The file to read as one layer: path, or for KML a flat copy of all its folders."""
    if path.suffix.lower() != ".kml":
        yield path
        return
    # GDAL knows KML by its suffix: the flattened copy goes to a file named so.
    with tempfile.NamedTemporaryFile(suffix=".kml") as flat:
        flat.write(flat_kml(path, max_features))
        flat.flush()
        yield Path(flat.name)


# GEOS refuses a geometry whose coordinates are NaN (its rings never close) or otherwise broken.
_UNREADABLE = (
    "几何无法读取：坐标含非数值（NaN）或环未闭合",
    "the geometry cannot be read: a coordinate is not a number (NaN) or a ring is not closed",
)


def read_features(
    path: str | Path,
    *,
    srid: int | None = None,
    coord_sys: str = "wgs84",
    encoding: str | None = None,
    max_features: int | None = None,
) -> list[Feature]:
    """Read a GeoJSON, Shapefile, GeoPackage or KML file as features in WGS84 lon/lat.

    Every placemark of a KML file is read, whatever folder holds it; more than max_features
    features are refused.
    """
    path = Path(path)
    _check_path(path, VECTOR_SUFFIXES)
    check_system(coord_sys)
    if srid is not None:
        check_srid(srid)
    with _one_layer(path, max_features) as source:
        meta, wkb, fields = _read_layer(path, 0, _encodings(path, encoding), source)
    layer_srid = srid or _file_srid(meta["crs"], path.name)
    with np.errstate(invalid="ignore"):  # NaN coordinates: their rows are named below
        geoms = _geoms_to_wgs84(shapely.from_wkb(wkb, on_invalid="fix"), layer_srid, coord_sys)
    if max_features is not None and len(geoms) > max_features:
        raise too_many(path, max_features)
    names = [str(n) for n in meta["fields"]]
    values = [_column_values(column) for column in fields]
    features: list[Feature] = []
    for i, geom in enumerate(geoms):
        # A null geometry becomes an empty one, which validation names and refuses.
        geometry = shapely.GeometryCollection() if geom is None else geom
        properties = {name: column[i] for name, column in zip(names, values, strict=True)}
        unreadable = geom is None and wkb is not None and wkb[i] is not None
        features.append(Feature(i + 1, properties, geometry, _UNREADABLE if unreadable else None))
    if not features:
        raise EmptyInputError(f"{path.name} 中没有要素", f"{path.name} has no features")
    return features


_CHUNK = 8192


def _parse_numbers(column: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return a column as floats with masks of its missing and its non-numeric values."""
    if column.dtype.kind in "iuf":
        values = column.astype(np.float64)
        return values, np.isnan(values), np.zeros(len(values), dtype=bool)
    try:
        # Fast path: every value parses (NaN from a literal "nan" is caught by the range check).
        values = column.astype(np.float64)
        return values, np.zeros(len(values), dtype=bool), np.zeros(len(values), dtype=bool)
    except (ValueError, TypeError):
        pass
    text = np.strings.strip(column.astype(str))
    missing = (text == "") | np.equal(column, np.array(None, dtype=object))
    text = np.where(missing, "nan", text)
    values = np.empty(len(text), dtype=np.float64)
    nonnumeric = np.zeros(len(text), dtype=bool)
    for start in range(0, len(text), _CHUNK):
        chunk = text[start : start + _CHUNK]
        try:
            values[start : start + _CHUNK] = chunk.astype(np.float64)
        except ValueError:
            # Only a chunk holding a bad value is converted one value at a time.
            for j, item in enumerate(chunk.tolist(), start):
                try:
                    values[j] = float(item)
                except ValueError:
                    values[j], nonnumeric[j] = np.nan, True
    return values, missing, nonnumeric


def _from_fields(
    columns: dict[str, np.ndarray],
    lon_field: str,
    lat_field: str,
    parse: Callable[[str], tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[int, tuple[str, str]]]:
    """Return x, y parsed from two attribute columns and the (zh, en) reason of each bad row."""
    parse = parse or (lambda name: _parse_numbers(columns[name]))
    x, x_missing, x_text = parse(lon_field)
    y, y_missing, y_text = parse(lat_field)
    reasons: dict[int, tuple[str, str]] = {}
    for i in np.flatnonzero(x_missing | y_missing):
        reasons[int(i)] = ("缺少经度或纬度", f"missing {lon_field} or {lat_field}")
    for i in np.flatnonzero((x_text | y_text) & ~(x_missing | y_missing)):
        raw = (columns[lon_field][i], columns[lat_field][i])
        reasons[int(i)] = (
            f"坐标不是数字（{lon_field}={raw[0]!r}，{lat_field}={raw[1]!r}）",
            f"coordinate is not a number ({lon_field}={raw[0]!r}, {lat_field}={raw[1]!r})",
        )
    return x, y, reasons


def _from_points(wkb: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[int, tuple[str, str]]]:
    """Return x, y of point geometries and the (zh, en) reason of each row without a point."""
    geoms = shapely.from_wkb(wkb, on_invalid="fix")
    is_point = (shapely.get_type_id(geoms) == 0) & ~shapely.is_empty(geoms)
    x, y = np.full(len(geoms), np.nan), np.full(len(geoms), np.nan)
    x[is_point], y[is_point] = shapely.get_x(geoms[is_point]), shapely.get_y(geoms[is_point])
    reasons: dict[int, tuple[str, str]] = {}
    for i in np.flatnonzero(~is_point):
        geom = geoms[i]
        if geom is None or geom.is_empty:
            reasons[int(i)] = ("没有点几何", "no point geometry")
        else:
            reasons[int(i)] = (
                f"几何类型是 {geom.geom_type}，不是点",
                f"geometry is a {geom.geom_type}, not a point",
            )
    return x, y, reasons


def read_point_table(
    path: str | Path,
    *,
    lon_field: str,
    lat_field: str,
    coord_sys: str = "wgs84",
    srid: int | None = None,
) -> PointTable:
    """Read points from a CSV (by lon/lat columns) or a vector file (by columns or point geometry).

    Rows are numbered from 1, a CSV's header not counted; bad rows are listed, not raised.
    """
    path = Path(path)
    _check_path(path, VECTOR_SUFFIXES | TABLE_SUFFIXES)
    check_system(coord_sys)
    is_csv = path.suffix.lower() in TABLE_SUFFIXES
    plain = _read_plain_csv(path) if is_csv else None
    parse = None
    if plain is not None:
        columns, parse, wkb, crs = plain.columns, plain.numbers, None, None
    else:
        with _one_layer(path) as source:
            encodings = _encodings(path, None)
            meta, wkb, fields = _read_layer(path, 0, encodings, source, read_geometry=not is_csv)
        columns = {str(name): column for name, column in zip(meta["fields"], fields, strict=True)}
        crs = meta["crs"]
    table_srid = check_srid(srid) if srid is not None else _file_srid(crs, path.name)
    present = [name in columns for name in (lon_field, lat_field)]
    if all(present):
        x, y, reasons = _from_fields(columns, lon_field, lat_field, parse)
    elif not any(present) and wkb is not None:
        x, y, reasons = _from_points(wkb)
    else:
        raise _missing_fields(path, lon_field, lat_field, list(columns))
    if len(x) == 0:
        raise EmptyInputError(f"{path.name} 中没有数据行", f"{path.name} has no rows")
    label = row_label if is_csv else feature_label
    return _point_table(x, y, reasons, columns, table_srid, coord_sys, label)


@dataclass
class _PlainCSV:
    """A CSV read by pyarrow: its columns as GDAL gives them (object arrays of str)."""

    table: pa.Table
    columns: dict[str, np.ndarray]

    def numbers(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A column as floats with masks of its missing and its non-numeric values.

        pyarrow parses a column at C speed when every value is a plain number (it accepts no
        text that Python's float() refuses, and reads the same values); otherwise the column
        goes through _parse_numbers like any other.
        """
        try:
            values = pc.cast(self.table.column(name), pa.float64()).to_numpy()
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return _parse_numbers(self.columns[name])
        none = np.zeros(len(values), dtype=bool)
        return values, none, none.copy()


# A header name GDAL may read otherwise than as written: padded (GDAL trims it), holding another
# separator GDAL may pick (it detects ; tab |), or blank or number-like (GDAL names it field_N,
# or takes the whole line as data: even "-" counts as a number there). Such files go to GDAL.
_ODD_NAME = re.compile(r"^\s|\s$|[;\t|]|^[-+.\deE]*$")


def _read_plain_csv(path: Path) -> _PlainCSV | None:
    """Read a plain comma-separated CSV with pyarrow, ~10× faster than GDAL; None if not plain.

    Plain: UTF-8 (a BOM skipped) or else GBK text, as _encodings has GDAL try; a header line of
    distinct, ordinary names; every row as many fields as the header; no NUL byte; no .csvt
    (GDAL's column types). Anything else is left to GDAL, whose reading this one reproduces:
    values are text, quotes removed, spaces kept, empty fields "", blank lines skipped.
    """
    if any(path.with_suffix(s).exists() for s in (".csvt", ".CSVT")):
        return None
    data = path.read_bytes()
    if not data or b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data = data.decode(FALLBACK_ENCODING).encode("utf-8")
        except UnicodeDecodeError:
            return None
    try:
        table = _arrow_csv(data)
    except pa.ArrowInvalid:
        return None
    names = table.column_names
    if len(names) < 2 or len(set(names)) != len(names) or any(_ODD_NAME.search(n) for n in names):
        return None
    columns = {n: table.column(n).to_numpy(zero_copy_only=False) for n in names}
    return _PlainCSV(table, columns)


def _arrow_csv(data: bytes) -> pa.Table:
    """Every column of a UTF-8 CSV as text; raises ArrowInvalid on a ragged row."""
    parse = pacsv.ParseOptions(newlines_in_values=True)
    owned = _arrow_owned(data)
    header = pacsv.open_csv(pa.BufferReader(owned), parse_options=parse).schema.names
    return pacsv.read_csv(
        pa.BufferReader(owned),
        parse_options=parse,
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _arrow_owned(data: bytes) -> pa.Buffer:
    """A copy of data in memory Arrow owns.

    Arrow's reader threads may drop the input after read_csv has returned; dropping a buffer
    that wraps a Python object takes the GIL, and a thread that asks for it while the
    interpreter exits aborts the process ("terminate called without an active exception").
    """
    return pa.array([data], pa.large_binary()).buffers()[2].slice(0, len(data))


def _missing_fields(path: Path, lon_field: str, lat_field: str, names: list[str]) -> FieldError:
    """Return the error for lon/lat fields that the file does not have."""
    have = ", ".join(names) or "-"
    return FieldError(
        f"{path.name} 中没有经纬度字段“{lon_field}”和“{lat_field}”，现有字段：{have}",
        f"{path.name} has no fields {lon_field!r} and {lat_field!r}; fields are: {have}",
    )


def _point_table(
    x: np.ndarray,
    y: np.ndarray,
    reasons: dict[int, tuple[str, str]],
    columns: dict[str, np.ndarray],
    srid: int,
    coord_sys: str,
    label: Callable[[int], Label],
) -> PointTable:
    """Check and convert parsed coordinates to WGS84 and collect every bad row."""
    messages = {i: " / ".join(labelled(label(i + 1), *reason)) for i, reason in reasons.items()}
    if srid != 4326:
        x, y = _transformer(srid).transform(x, y)
    for i, message in bad_rows(x, y, label=label):
        messages.setdefault(i, message)
    bad = np.fromiter(messages, dtype=np.int64, count=len(messages))
    x, y = np.array(x, dtype=np.float64), np.array(y, dtype=np.float64)
    x[bad], y[bad] = np.nan, np.nan
    lon, lat = to_wgs84(x, y, coord_sys)
    listed = [(i + 1, messages[i]) for i in sorted(messages)]
    return PointTable(lon=lon, lat=lat, columns=columns, bad=listed)
