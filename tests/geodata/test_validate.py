"""Coordinates and polygons are checked, refused with named bilingual reasons, or repaired."""

from pathlib import Path

import numpy as np
import pytest
import shapely
from pyogrio.raw import read
from shapely.geometry import MultiPolygon

from geodata.errors import CoordinateError, InvalidGeometryError
from geodata.validate import bad_rows, check_lonlat, feature_label, polygonal

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HYDE_PARK = 20  # 1-based feature number in boston_neighborhoods.geojson
BOWTIE = shapely.Polygon([(116.0, 39.0), (116.1, 39.1), (116.1, 39.0), (116.0, 39.1)])


def boston(name: str) -> dict[str, shapely.Geometry]:
    """Return the Boston neighbourhoods of a fixture file by name."""
    meta, _, wkb, fields = read(FIXTURES / "boston" / name)
    names = fields[list(meta["fields"]).index("Name")]
    return dict(zip(names, shapely.from_wkb(wkb), strict=True))


@pytest.fixture(scope="module")
def hyde_park() -> shapely.Geometry:
    return boston("boston_neighborhoods.geojson")["Hyde Park"]


def test_check_lonlat_accepts_a_point_in_beijing():
    check_lonlat(116.397, 39.908, "天安门")


def test_check_lonlat_says_when_lat_and_lon_look_swapped():
    with pytest.raises(CoordinateError) as info:
        check_lonlat(39.9, 116.4, feature_label(3, "东华门街道"))
    assert info.value.zh.startswith("第 3 个要素（东华门街道）：经纬度疑似颠倒")
    assert info.value.en.startswith("feature 3 (东华门街道): latitude and longitude look swapped")


@pytest.mark.parametrize(
    ("lon", "lat", "zh", "en"),
    [
        (200.0, 39.9, "超出经纬度范围", "use --srid"),
        (500_000.0, 4_400_000.0, "超出经纬度范围", "use --srid"),
        (float("nan"), 39.9, "不是有限数值", "not a finite number"),
        (116.4, float("inf"), "不是有限数值", "not a finite number"),
    ],
)
def test_check_lonlat_refuses_bad_points(lon, lat, zh, en):
    with pytest.raises(CoordinateError) as info:
        check_lonlat(lon, lat, "P")
    assert zh in info.value.zh and en in info.value.en
    assert info.value.zh.startswith("P：") and info.value.en.startswith("P: ")


def test_bad_rows_lists_only_bad_rows_with_one_based_numbers():
    lon = np.array([116.4, 39.9, np.nan, 200.0, 116.5])
    lat = np.array([39.9, 116.4, 39.9, 39.9, 40.0])
    rows = bad_rows(lon, lat)
    assert [i for i, _ in rows] == [1, 2, 3]
    assert rows[0][1].startswith("第 2 行：经纬度疑似颠倒")
    assert "/ row 2: latitude and longitude look swapped" in rows[0][1]
    assert "row 4: coordinates outside the lon/lat range" in rows[2][1]


def test_bad_rows_of_a_clean_array_is_empty():
    assert bad_rows(np.linspace(116, 117, 1000), np.linspace(39, 40, 1000)) == []


def test_valid_dongcheng_polygons_pass_unchanged_as_multipolygons():
    _, _, wkb, fields = read(FIXTURES / "dongcheng" / "dongcheng_110101_subdistricts.geojson")
    for i, (geom, name) in enumerate(zip(shapely.from_wkb(wkb), fields[0], strict=True), 1):
        result, note = polygonal(geom, feature_label(i, name))
        assert note is None
        assert isinstance(result, MultiPolygon)
        assert shapely.equals(result, geom)


def test_hyde_park_is_refused_without_repair_naming_it_and_the_place(hyde_park):
    with pytest.raises(InvalidGeometryError) as info:
        polygonal(hyde_park, feature_label(HYDE_PARK, "Hyde Park"))
    assert info.value.zh.startswith(
        "第 20 个要素（Hyde Park）：环自相交（位于 -71.12577, 42.27231）"
    )
    assert info.value.en.startswith("feature 20 (Hyde Park): ring self-intersection at (-71.12577")


def test_hyde_park_is_repaired_to_the_published_valid_version(hyde_park):
    repaired, note = polygonal(hyde_park, feature_label(HYDE_PARK, "Hyde Park"), repair=True)
    assert repaired.is_valid
    assert shapely.equals(repaired, boston("boston_neighborhoods_valid.geojson")["Hyde Park"])
    assert note is not None
    assert "已修复：环自相交" in note and "面积变化不到 0.01%" in note
    assert "feature 20 (Hyde Park): repaired: ring self-intersection" in note


def test_bowtie_is_refused_then_repaired_into_two_triangles():
    with pytest.raises(InvalidGeometryError, match="self-intersection at \\(116.05, 39.05\\)"):
        polygonal(BOWTIE, "bowtie")
    repaired, note = polygonal(BOWTIE, "bowtie", repair=True)
    assert len(repaired.geoms) == 2 and repaired.is_valid
    assert repaired.area == pytest.approx(0.005)
    assert note is not None and "now 2 part(s)" in note


def test_repair_reports_the_area_change_in_percent():
    # Two overlapping squares of 0.04 deg² each: the union covers 0.07, an eighth less.
    shell = [(116.0, 39.0), (116.2, 39.0), (116.2, 39.2), (116.0, 39.2)]
    overlapping = MultiPolygon([shapely.Polygon(shell), shapely.box(116.1, 39.1, 116.3, 39.3)])
    repaired, note = polygonal(overlapping, "P", repair=True)
    assert repaired.area == pytest.approx(0.07)
    assert note is not None and "area change -12.50%" in note and "面积变化 -12.50%" in note


def test_too_few_points_is_refused_even_with_repair():
    sliver = shapely.from_wkt("POLYGON ((116 39, 116.1 39.1, 116 39))")
    with pytest.raises(InvalidGeometryError, match="too few points"):
        polygonal(sliver, "P")
    with pytest.raises(InvalidGeometryError) as info:
        polygonal(sliver, "P", repair=True)
    assert "无法修复" in info.value.zh and "cannot repair" in info.value.en


@pytest.mark.parametrize("geom", [None, shapely.Polygon(), shapely.MultiPolygon()])
def test_empty_geometry_is_refused(geom):
    with pytest.raises(InvalidGeometryError) as info:
        polygonal(geom, feature_label(7), repair=True)
    assert info.value.zh == "第 7 个要素：几何为空"
    assert info.value.en == "feature 7: geometry is empty"


@pytest.mark.parametrize(
    "geom",
    [
        shapely.Point(116.4, 39.9),
        shapely.LineString([(116.4, 39.9), (116.5, 40.0)]),
        shapely.GeometryCollection([shapely.Point(116.4, 39.9)]),
    ],
)
def test_non_polygons_are_refused_even_with_repair(geom):
    with pytest.raises(InvalidGeometryError) as info:
        polygonal(geom, "P", repair=True)
    assert f"geometry is a {geom.geom_type}, not a polygon" in info.value.en
    assert "不是多边形" in info.value.zh


def test_collection_with_a_line_is_refused_or_stripped_to_its_polygon():
    square = shapely.box(116.0, 39.0, 116.1, 39.1)
    mixed = shapely.GeometryCollection([square, shapely.LineString([(116, 39), (117, 40)])])
    with pytest.raises(InvalidGeometryError, match="contains non-polygon parts"):
        polygonal(mixed, "P")
    repaired, note = polygonal(mixed, "P", repair=True)
    assert shapely.equals(repaired, square)
    assert note is not None and "contains non-polygon parts" in note


def test_polygon_with_swapped_coordinates_is_a_coordinate_error():
    swapped = shapely.box(39.9, 116.3, 40.0, 116.4)
    with pytest.raises(CoordinateError, match="look swapped"):
        polygonal(swapped, "P", repair=True)


def test_projected_polygon_read_without_srid_says_use_srid():
    projected = shapely.box(500_000, 4_400_000, 501_000, 4_401_000)
    with pytest.raises(CoordinateError) as info:
        polygonal(projected, feature_label(1, "东华门街道"))
    assert "--srid" in info.value.zh and "use --srid" in info.value.en
