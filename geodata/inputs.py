"""Input files checked before GDAL reads them, so that a bad file gets a message naming its fault.

GDAL's own words for a damaged file mislead ("no field 'code'" for a Shapefile without its
.dbf, empty geometries for a truncated .shp, "not recognized as being in a supported file
format" for a wrong extension); these checks say what is wrong, in both languages.
"""

from __future__ import annotations

import struct
from pathlib import Path

from geodata.errors import EmptyInputError, GeoDataError, UnsupportedFormatError

FORMATS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".shp": "Shapefile",
    ".gpkg": "GeoPackage",
    ".kml": "KML",
    ".csv": "CSV",
}
# A Shapefile is three files side by side; GDAL reads a .shp without its .dbf as attribute-less.
_SHAPEFILE_COMPANIONS = {".shx": ("索引", "index"), ".dbf": ("属性表", "attribute table")}
_SHP_FILE_CODE = 9994  # the first four bytes of every .shp and .shx (big-endian)
_SHP_HEADER_BYTES = 100


def check_input_file(path: Path) -> None:
    """Raise unless path names an existing, readable regular file with something in it."""
    if not path.exists():
        raise GeoDataError(f"文件不存在：{path}", f"file not found: {path}")
    if not path.is_file():
        raise GeoDataError(f"{path} 不是文件（是文件夹？）", f"{path} is not a file (a folder?)")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise GeoDataError(
            f"无法读取文件 {path}：{exc.strerror}", f"cannot read {path}: {exc.strerror}"
        ) from exc
    if path.stat().st_size == 0:
        raise EmptyInputError(f"{path.name} 是空文件（0 字节）", f"{path.name} is empty (0 bytes)")


def check_shapefile(path: Path) -> None:
    """Raise unless a .shp is one, has its .shx and .dbf, and is as long as its header says."""
    with path.open("rb") as handle:
        header = handle.read(_SHP_HEADER_BYTES)
    size = path.stat().st_size
    if len(header) < _SHP_HEADER_BYTES or struct.unpack(">i", header[:4])[0] != _SHP_FILE_CODE:
        raise not_this_format(path)
    for suffix, (zh, en) in _SHAPEFILE_COMPANIONS.items():
        if not any(path.with_suffix(s).exists() for s in (suffix, suffix.upper())):
            companion = path.with_suffix(suffix).name
            raise UnsupportedFormatError(
                f"{path.name} 缺少配套的{zh}文件 {companion}：Shapefile 的 .shp、.shx、.dbf "
                "须放在同一文件夹",
                f"{path.name}: its {en} file {companion} is missing; a Shapefile needs its "
                ".shp, .shx and .dbf side by side",
            )
    declared = struct.unpack(">i", header[24:28])[0] * 2  # in 16-bit words
    if size < declared:
        raise UnsupportedFormatError(
            f"{path.name} 不完整或已损坏：文件头声明 {declared} 字节，实际只有 {size} 字节",
            f"{path.name} is truncated or damaged: its header declares {declared} bytes, "
            f"the file has {size}",
        )


def not_this_format(path: Path) -> UnsupportedFormatError:
    """The error for a file whose content is not the format its extension names."""
    name = FORMATS.get(path.suffix.lower(), path.suffix)
    return UnsupportedFormatError(
        f"{path.name} 的内容不是 {name} 格式（扩展名与内容不符，或文件已损坏）",
        f"{path.name}: the content is not {name} (a wrong extension, or a damaged file)",
    )


def not_utf8(path: Path) -> UnsupportedFormatError:
    """The error for a file whose text is not UTF-8 where the format requires it."""
    name = FORMATS.get(path.suffix.lower(), path.suffix)
    return UnsupportedFormatError(
        f"{path.name} 的文本不是 UTF-8 编码（{name} 须为 UTF-8），请另存为 UTF-8 后再导入",
        f"{path.name}: the text is not UTF-8 ({name} must be UTF-8); save it as UTF-8 and "
        "import it again",
    )
