"""Vector files and point tables are read into WGS84 lon/lat whatever their format and CRS."""

import shutil
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from pyogrio.raw import read, write
from pyproj import Transformer

from geodata.coords import from_wgs84
from geodata.errors import (
    EmptyInputError,
    FieldError,
    GeoDataError,
    UnknownCRSError,
    UnsupportedFormatError,
)
from geodata.readers import ALLOWED_SRIDS, read_features, read_point_table

pytestmark = pytest.mark.filterwarnings("ignore:Normalized/laundered field name")

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DONGCHENG = FIXTURES / "dongcheng" / "dongcheng_110101_subdistricts.geojson"
BOSTON_311 = FIXTURES / "boston" / "boston_311_2015_sample5000.geojson"


@pytest.fixture(scope="module")
def dongcheng() -> tuple[dict, np.ndarray, list[np.ndarray]]:
    """Return the Dongcheng fixture as pyogrio reads it: meta, WKB, field arrays."""
    meta, _, wkb, fields = read(DONGCHENG)
    return meta, wkb, fields


def write_copy(path: Path, dongcheng, *, srid: int | None = 4326, **kwargs) -> None:
    """Write the Dongcheng fixture to path with pyogrio, projected to srid if not 4326."""
    meta, wkb, fields = dongcheng
    geoms = shapely.from_wkb(wkb)
    if srid not in (None, 4326):
        to_srid = Transformer.from_crs(4326, srid, always_xy=True)
        geoms = shapely.transform(geoms, lambda x, y: to_srid.transform(x, y), interleaved=False)
    crs = None if srid is None else f"EPSG:{srid}"
    write(
        path,
        shapely.to_wkb(geoms),
        fields,
        meta["fields"],
        crs=crs,
        geometry_type="Polygon",
        **kwargs,
    )


def assert_same_as_dongcheng(features, tolerance: float = 1e-9) -> None:
    """Assert features are the 17 Dongcheng sub-districts, in order, in WGS84."""
    original = read_features(DONGCHENG)
    assert [f.index for f in features] == list(range(1, 18))
    assert [f.properties["name"] for f in features] == [f.properties["name"] for f in original]
    for got, want in zip(features, original, strict=True):
        assert shapely.hausdorff_distance(got.geometry, want.geometry) < tolerance


def test_dongcheng_geojson_has_17_named_subdistricts_in_lon_lat():
    features = read_features(DONGCHENG)
    assert len(features) == 17
    first = features[0]
    assert first.index == 1
    assert first.properties["name"] == "东华门街道"
    assert first.properties["code12"] == "110101001000"
    assert all(f.properties["code12"].startswith("110101") for f in features)
    minx, miny, maxx, maxy = shapely.total_bounds([f.geometry for f in features])
    assert 116.3 < minx < maxx < 116.5 and 39.8 < miny < maxy < 40.0


def test_shapefile_round_trip_keeps_chinese_names_and_geometry(tmp_path, dongcheng):
    write_copy(tmp_path / "d.shp", dongcheng, driver="ESRI Shapefile")
    assert_same_as_dongcheng(read_features(tmp_path / "d.shp"))


def test_gbk_shapefile_is_read_with_its_cpg(tmp_path, dongcheng):
    write_copy(tmp_path / "gbk.shp", dongcheng, driver="ESRI Shapefile", encoding="GBK")
    assert (tmp_path / "gbk.cpg").read_text().strip() == "GBK"
    assert_same_as_dongcheng(read_features(tmp_path / "gbk.shp"))


def test_gbk_shapefile_without_cpg_falls_back_from_utf8_to_gbk(tmp_path, dongcheng):
    write_copy(tmp_path / "gbk.shp", dongcheng, driver="ESRI Shapefile", encoding="GBK")
    (tmp_path / "gbk.cpg").unlink()
    # GDAL alone would read this as ISO-8859-1 and return garbled names.
    assert read(tmp_path / "gbk.shp")[3][0][0] != "东华门街道"
    assert_same_as_dongcheng(read_features(tmp_path / "gbk.shp"))


def test_explicit_encoding_wins(tmp_path, dongcheng):
    write_copy(tmp_path / "gbk.shp", dongcheng, driver="ESRI Shapefile", encoding="GBK")
    (tmp_path / "gbk.cpg").unlink()
    names = [
        f.properties["name"] for f in read_features(tmp_path / "gbk.shp", encoding="ISO-8859-1")
    ]
    assert "东华门街道" not in names


def test_geopackage_round_trip(tmp_path, dongcheng):
    write_copy(tmp_path / "d.gpkg", dongcheng, driver="GPKG")
    assert_same_as_dongcheng(read_features(tmp_path / "d.gpkg"))


@pytest.mark.parametrize(("name", "driver"), [("d.shp", "ESRI Shapefile"), ("d.gpkg", "GPKG")])
def test_cgcs2000_gauss_kruger_file_is_detected_and_unprojected(tmp_path, dongcheng, name, driver):
    write_copy(tmp_path / name, dongcheng, srid=4548, driver=driver)
    assert pyogrio.read_info(tmp_path / name)["total_bounds"][0] > 400_000
    assert_same_as_dongcheng(read_features(tmp_path / name), tolerance=1e-6)


def test_srid_overrides_a_file_without_crs(tmp_path, dongcheng):
    write_copy(tmp_path / "noprj.shp", dongcheng, srid=4548, driver="ESRI Shapefile")
    (tmp_path / "noprj.prj").unlink()
    unprojected = read_features(tmp_path / "noprj.shp")
    assert unprojected[0].geometry.bounds[0] > 400_000  # taken as lon/lat; validation refuses it
    assert_same_as_dongcheng(read_features(tmp_path / "noprj.shp", srid=4548), tolerance=1e-6)


def test_kml_is_read_through_its_driver(tmp_path, dongcheng):
    assert "KML" in pyogrio.list_drivers()
    write_copy(tmp_path / "d.kml", dongcheng, driver="KML")
    features = read_features(tmp_path / "d.kml")
    assert len(features) == 17
    # The KML writer moves a "name" field into <name>, which reads back as "Name".
    assert features[0].properties["Name"] == "东华门街道"
    assert features[0].properties["code12"] == "110101001000"
    original = read_features(DONGCHENG)
    assert shapely.hausdorff_distance(features[5].geometry, original[5].geometry) < 1e-9


def test_gcj02_file_is_shifted_back_to_wgs84(tmp_path, dongcheng):
    meta, wkb, fields = dongcheng
    shifted = shapely.transform(
        shapely.from_wkb(wkb),
        lambda x, y: from_wgs84(x, y, "gcj02"),
        interleaved=False,
    )
    path = tmp_path / "gcj.geojson"
    write(
        path,
        shapely.to_wkb(shifted),
        fields,
        meta["fields"],
        crs="EPSG:4326",
        geometry_type="Polygon",
    )
    assert shapely.hausdorff_distance(read_features(path)[0].geometry, shifted[0]) < 1e-12
    assert_same_as_dongcheng(read_features(path, coord_sys="gcj02"))


def test_file_in_a_crs_off_the_allow_list_is_refused(tmp_path, dongcheng):
    write_copy(tmp_path / "swiss.gpkg", dongcheng, srid=2056, driver="GPKG")
    with pytest.raises(UnknownCRSError) as info:
        read_features(tmp_path / "swiss.gpkg")
    assert "EPSG:2056" in info.value.zh and "EPSG:2056" in info.value.en


def test_srid_off_the_allow_list_is_refused_before_reading():
    assert 2056 not in ALLOWED_SRIDS and 4548 in ALLOWED_SRIDS
    with pytest.raises(UnknownCRSError, match="EPSG:2056"):
        read_features(DONGCHENG, srid=2056)


def test_empty_file_is_an_empty_input_error(tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(EmptyInputError, match="has no features"):
        read_features(path)


def test_null_geometry_becomes_an_empty_geometry(tmp_path):
    path = tmp_path / "null.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"name": "无几何", "n": null}, "geometry": null}]}'
    )
    (feature,) = read_features(path)
    assert feature.geometry.is_empty
    assert feature.properties == {"name": "无几何", "n": None}


def test_missing_file_is_a_bilingual_error(tmp_path):
    with pytest.raises(GeoDataError) as info:
        read_features(tmp_path / "nope.geojson")
    assert "文件不存在" in info.value.zh and "file not found" in info.value.en


def test_unknown_extension_and_garbage_file_are_unsupported(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.gpkg").write_text("not a geopackage")
    with pytest.raises(UnsupportedFormatError, match="unsupported file type '.txt'"):
        read_features(tmp_path / "notes.txt")
    with pytest.raises(UnsupportedFormatError, match="broken.gpkg"):
        read_features(tmp_path / "broken.gpkg")


def test_unknown_coordinate_system_name_is_refused():
    with pytest.raises(GeoDataError, match="unknown coordinate system"):
        read_features(DONGCHENG, coord_sys="mars")


def test_boston_311_points_come_from_their_geometry():
    table = read_point_table(BOSTON_311, lon_field="lon", lat_field="lat")
    assert len(table) == 5000 and table.bad == []
    assert table.ok.all()
    assert np.all((table.lon > -71.2) & (table.lon < -70.9))
    assert np.all((table.lat > 42.2) & (table.lat < 42.45))
    assert table.lon[0] == -71.0881 and table.lat[0] == 42.2977
    assert table.row(0)["case_id"] == "101001314584"


CSV_ROWS = [
    "编号,名称,经度,纬度",
    "1,东华门,116.397,39.908",
    "2,无坐标,,39.9",
    "3,颠倒,39.9,116.4",
    "4,乱码,abc,39.9",
    "5,越界,200,39.9",
    '6,"带,逗号", 116.41 ,39.92',
]


def write_csv(path: Path, encoding: str) -> Path:
    """Write the sample CSV in the given encoding and return its path."""
    path.write_text("\n".join(CSV_ROWS) + "\n", encoding=encoding)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_lists_bad_rows_and_keeps_the_good(tmp_path, encoding):
    table = read_point_table(
        write_csv(tmp_path / "p.csv", encoding), lon_field="经度", lat_field="纬度"
    )
    assert len(table) == 6
    assert [row for row, _ in table.bad] == [2, 3, 4, 5]
    reasons = dict(table.bad)
    assert reasons[2].startswith("第 2 行：缺少经度或纬度")
    assert "row 3: latitude and longitude look swapped" in reasons[3]
    assert "row 4: coordinate is not a number (经度='abc'" in reasons[4]
    assert "row 5: coordinates outside the lon/lat range" in reasons[5]
    assert list(table.ok) == [True, False, False, False, False, True]
    assert table.lon[0] == 116.397 and table.lat[5] == 39.92
    assert table.row(5) == {"编号": "6", "名称": "带,逗号", "经度": " 116.41 ", "纬度": "39.92"}


def test_csv_in_gcj02_is_converted(tmp_path):
    glon, glat = from_wgs84(116.397, 39.908, "gcj02")
    path = tmp_path / "gcj.csv"
    path.write_text(f"name,lng,lat\nA,{float(glon)!r},{float(glat)!r}\n", encoding="utf-8")
    table = read_point_table(path, lon_field="lng", lat_field="lat", coord_sys="gcj02")
    assert (table.lon[0], table.lat[0]) == pytest.approx((116.397, 39.908), abs=1e-9)


def test_csv_with_projected_coordinates_and_srid(tmp_path):
    x, y = Transformer.from_crs(4326, 4548, always_xy=True).transform(116.397, 39.908)
    path = tmp_path / "gk.csv"
    path.write_text(f"x,y\n{x!r},{y!r}\n{x!r},\n", encoding="utf-8")
    table = read_point_table(path, lon_field="x", lat_field="y", srid=4548)
    assert (table.lon[0], table.lat[0]) == pytest.approx((116.397, 39.908), abs=1e-9)
    assert [row for row, _ in table.bad] == [2]
    unprojected = read_point_table(path, lon_field="x", lat_field="y")
    assert "use --srid" in dict(unprojected.bad)[1]


def test_csv_without_the_named_fields_is_a_field_error(tmp_path):
    path = write_csv(tmp_path / "p.csv", "utf-8")
    with pytest.raises(FieldError) as info:
        read_point_table(path, lon_field="lon", lat_field="lat")
    assert "经度" in info.value.en and "没有经纬度字段" in info.value.zh


def test_vector_points_prefer_named_fields_and_flag_non_points(tmp_path):
    path = tmp_path / "pts.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"x": 116.4, "y": 39.9}, '
        '"geometry": {"type": "Point", "coordinates": [0, 0]}}]}'
    )
    table = read_point_table(path, lon_field="x", lat_field="y")
    assert (table.lon[0], table.lat[0]) == (116.4, 39.9)
    shutil.copy(DONGCHENG, tmp_path / "polygons.geojson")
    polygons = read_point_table(tmp_path / "polygons.geojson", lon_field="lon", lat_field="lat")
    assert len(polygons.bad) == 17 and not polygons.ok.any()
    assert polygons.bad[0][1].startswith("第 1 个要素：几何类型是 Polygon，不是点")


def test_empty_csv_is_an_empty_input_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("lon,lat\n", encoding="utf-8")
    with pytest.raises(EmptyInputError):
        read_point_table(path, lon_field="lon", lat_field="lat")


# Plain CSV files are read by pyarrow, others by GDAL: both must give the same table.
PLAIN_CSVS = {
    "quotes": 'lon,lat,名称\n116.4,39.9,"a,b"\n116.41,39.91,"say ""hi"""\n',
    "newline in a value": 'lon,lat,note\n116.4,39.9,"line 1\nline 2"\n',
    "bom and crlf": "\ufefflon,lat,c\r\n116.4,39.9,a\r\n116.41,39.91,b\r\n",
    "empty values and spaces": "lon,lat,c\n,39.9, x \n116.4,,\n 116.41 ,39.91,y\n",
    "blank lines": "lon,lat,c\n116.4,39.9,a\n\n116.41,39.91,b\n\n",
    "not numbers": "lon,lat,c\nabc,39.9,a\n116.4,nan,b\n1_16.4,39.9,c\n",
    "no final newline": "lon,lat,c\n116.4,39.9,a",
}
# Left to GDAL: ragged rows, another separator, a header GDAL reads as data or renames.
ODD_CSVS = {
    "short row": "lon,lat,c\n116.4,39.9\n116.41,39.91,b\n",
    "long row": "lon,lat,c\n116.4,39.9,a,extra\n",
    "semicolons": "lon;lat;c\n116.4;39.9;a\n",
    "padded name": "lon , lat,c\n116.4,39.9,a\n",
    "numeric header": "lon,lat,1\n116.4,39.9,a\n",
    "blank name": "lon,lat,\n116.4,39.9,a\n",
}


def _table_via(path: Path, fast: bool) -> tuple:
    import geodata.readers as readers

    plain = readers._read_plain_csv
    if not fast:
        readers._read_plain_csv = lambda _path: None  # type: ignore[assignment]
    try:
        t = read_point_table(path, lon_field="lon", lat_field="lat")
    finally:
        readers._read_plain_csv = plain  # type: ignore[assignment]
    columns = {k: (v.dtype.str, v.tolist()) for k, v in t.columns.items()}
    return t.lon.tobytes(), t.lat.tobytes(), t.bad, columns


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
@pytest.mark.parametrize("name", list(PLAIN_CSVS))
def test_plain_csv_read_by_pyarrow_is_the_table_gdal_reads(tmp_path, name, encoding):
    from geodata.readers import _read_plain_csv

    text = PLAIN_CSVS[name]
    if encoding == "gbk":
        text = text.replace("\ufeff", "")
    path = tmp_path / "p.csv"
    path.write_bytes(text.encode(encoding))
    assert _read_plain_csv(path) is not None
    assert _table_via(path, fast=True) == _table_via(path, fast=False)


@pytest.mark.parametrize("name", list(ODD_CSVS))
def test_csv_that_is_not_plain_is_left_to_gdal(tmp_path, name):
    from geodata.readers import _read_plain_csv

    path = tmp_path / "p.csv"
    path.write_text(ODD_CSVS[name], encoding="utf-8")
    assert _read_plain_csv(path) is None


def test_csv_with_column_types_is_left_to_gdal(tmp_path):
    from geodata.readers import _read_plain_csv

    path = tmp_path / "p.csv"
    path.write_text("lon,lat,n\n116.4,39.9,7\n", encoding="utf-8")
    path.with_suffix(".csvt").write_text("Real,Real,Integer\n", encoding="utf-8")
    assert _read_plain_csv(path) is None
    assert read_point_table(path, lon_field="lon", lat_field="lat").row(0)["n"] == 7
