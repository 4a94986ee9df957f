"""Hostile or damaged files are refused with a message naming their fault, and nothing is written.

Each row builds one bad file and names the words, in both languages, that the refusal must
carry: a Shapefile without its .dbf used to say "no field 'code' (fields: —)", a truncated
.shp "geometry is empty", a KML nested 200 folders deep "Invalid root element".
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import shapely
from django.core.management import CommandError, call_command
from pyogrio.raw import write
from shapely.geometry import box

from gridmgr.models import Plan, Zone

X0, Y0, D = 116.42, 39.92, 0.001
SQUARE = [[X0, Y0], [X0 + D, Y0], [X0 + D, Y0 + D], [X0, Y0 + D], [X0, Y0]]
SHP = {"crs": "EPSG:4326", "geometry_type": "Polygon"}


def shapefile(tmp: Path, n: int = 10) -> Path:
    geoms = np.array([box(X0 + k * D, Y0, X0 + (k + 1) * D, Y0 + D) for k in range(n)])
    codes = np.array([f"Z{k}" for k in range(n)], dtype=object)
    write(tmp / "z.shp", shapely.to_wkb(geoms), [codes, codes], ["code", "name"], **SHP)
    return tmp / "z.shp"


def without(suffix: str) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = shapefile(tmp)
        path.with_suffix(suffix).unlink()
        return path

    return build


def truncated_shp(tmp: Path) -> Path:
    path = shapefile(tmp)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


def named(name: str, content: bytes) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        (tmp / name).write_bytes(content)
        return tmp / name

    return build


def geojson(coords: list, encoding: str = "utf-8") -> bytes:
    feature = {
        "type": "Feature",
        "properties": {"code": "Z1", "name": "东四一区"},
        "geometry": {"type": "Polygon", "coordinates": [coords]},
    }
    text = json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False)
    return text.encode(encoding)


def kml(body: str, encoding: str = "utf-8") -> bytes:
    head = '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
    return (head + f"<Document>{body}</Document></kml>").encode(encoding)


RING = " ".join(f"{x},{y}" for x, y in SQUARE)
PLACEMARK = (
    "<Placemark><name>东四一区</name><Polygon><outerBoundaryIs><LinearRing>"
    f"<coordinates>{RING}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
)

HOSTILE: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "Shapefile without .dbf": (
        without(".dbf"),
        "z.shp 缺少配套的属性表文件 z.dbf",
        "z.shp: its attribute table file z.dbf is missing",
    ),
    "Shapefile without .shx": (
        without(".shx"),
        "z.shp 缺少配套的索引文件 z.shx",
        "z.shp: its index file z.shx is missing",
    ),
    "truncated .shp": (
        truncated_shp,
        "z.shp 不完整或已损坏：文件头声明",
        "z.shp is truncated or damaged: its header declares",
    ),
    "zero bytes": (named("z.geojson", b""), "z.geojson 是空文件（0 字节）", "is empty (0 bytes)"),
    "CSV named .geojson": (
        named("z.geojson", b"code,name\nZ1,a\n"),
        "z.geojson 的内容不是 GeoJSON 格式",
        "z.geojson: the content is not GeoJSON",
    ),
    "GeoJSON named .shp": (
        named("z.shp", geojson(SQUARE)),
        "z.shp 的内容不是 Shapefile 格式",
        "z.shp: the content is not Shapefile",
    ),
    "text named .gpkg": (
        named("z.gpkg", b"not a database" * 20),
        "z.gpkg 的内容不是 GeoPackage 格式",
        "z.gpkg: the content is not GeoPackage",
    ),
    "KML nested 200 folders deep": (
        named("z.kml", kml("<Folder>" * 200 + PLACEMARK + "</Folder>" * 200)),
        "z.kml：文件夹嵌套超过 64 层",
        "z.kml: folders are nested more than 64 levels deep",
    ),
    "KML cut short": (
        named("z.kml", kml(PLACEMARK)[:-30]),
        "z.kml：不是有效的 KML",
        "z.kml: not valid KML",
    ),
    "KML not UTF-8": (
        named("z.kml", kml(PLACEMARK, "gbk")),
        "z.kml 的文本不是 UTF-8 编码",
        "z.kml: the text is not UTF-8",
    ),
    "GeoJSON not UTF-8": (
        named("z.geojson", geojson(SQUARE, "gbk")),
        "z.geojson 的文本不是 UTF-8 编码",
        "z.geojson: the text is not UTF-8",
    ),
    "huge coordinates": (
        named("z.geojson", geojson([[x * 1e300, y * 1e300] for x, y in SQUARE])),
        "第 1 个要素（东四一区）：坐标超出经纬度范围",
        "feature 1 (东四一区): coordinates outside the lon/lat range",
    ),
    "NaN coordinates": (
        named("z.geojson", geojson([[float("nan"), y] for _, y in SQUARE])),
        "第 1 个要素（东四一区）：几何无法读取：坐标含非数值（NaN）",
        "feature 1 (东四一区): the geometry cannot be read: a coordinate is not a number (NaN)",
    ),
    "infinite coordinates": (
        named("z.geojson", geojson([[float("inf"), y] for _, y in SQUARE])),
        "第 1 个要素（东四一区）：坐标缺失或不是有限数值",
        "feature 1 (东四一区): coordinate missing or not a finite number",
    ),
}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_file_is_refused_with_its_fault_named(
    db: None, tmp_path: Path, case: str
) -> None:
    build, zh, en = HOSTILE[case]
    path = build(tmp_path)
    with pytest.raises(CommandError) as refused:
        call_command(
            "import_zones",
            str(path),
            *("--plan", "坏文件", "--layer", "单元网格", "--code-field", "code"),
            *("--name-field", "name", "--commit"),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert zh in str(refused.value)
    assert en in str(refused.value)
    assert not Zone.objects.exists() and not Plan.objects.exists()
