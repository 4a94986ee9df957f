"""Features written to GeoJSON, GeoPackage and Shapefile read back unchanged in WGS84."""

import datetime as dt
from pathlib import Path
from typing import Any

import pyogrio
import pytest
import shapely

from geodata.errors import GeoDataError, UnsupportedFormatError
from geodata.readers import read_features
from geodata.writers import write_features

pytestmark = pytest.mark.filterwarnings("ignore:Normalized/laundered field name")

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DONGCHENG = FIXTURES / "dongcheng" / "dongcheng_110101_subdistricts.geojson"


@pytest.mark.parametrize("name", ["out.geojson", "out.gpkg", "out.shp", "out.json"])
def test_dongcheng_round_trips_through_each_format(tmp_path, name):
    original = read_features(DONGCHENG)
    props = [{"name": f.properties["name"], "code12": f.properties["code12"]} for f in original]
    write_features(tmp_path / name, [f.geometry for f in original], props)
    back = read_features(tmp_path / name)
    assert pyogrio.read_info(tmp_path / name)["crs"] == "EPSG:4326"
    assert [f.properties for f in back] == props
    for got, want in zip(back, original, strict=True):
        assert shapely.equals(got.geometry, want.geometry)


def test_mixed_polygons_and_multipolygons_become_a_multipolygon_layer(tmp_path):
    geoms = [
        shapely.box(116.0, 39.0, 116.1, 39.1),
        shapely.MultiPolygon([shapely.box(116.2, 39.0, 116.3, 39.1)]),
    ]
    write_features(tmp_path / "m.gpkg", geoms, [{}, {}])
    assert pyogrio.read_info(tmp_path / "m.gpkg")["geometry_type"] == "MultiPolygon"
    back = read_features(tmp_path / "m.gpkg")
    assert [f.geometry.geom_type for f in back] == ["MultiPolygon", "MultiPolygon"]
    assert shapely.equals(back[0].geometry, geoms[0])


def test_points_make_a_point_layer_with_typed_fields(tmp_path):
    points = [shapely.Point(116.4, 39.9), shapely.Point(116.5, 40.0)]
    props = [
        {"名称": "甲", "count": 3, "share": 0.25, "open": True, "day": dt.date(2024, 5, 1)},
        {"名称": "乙", "count": 4, "share": 0.5, "open": False, "day": dt.date(2024, 5, 2)},
    ]
    write_features(tmp_path / "p.gpkg", points, props, layer="点位")
    info = pyogrio.read_info(tmp_path / "p.gpkg")
    assert info["layer_name"] == "点位" and info["geometry_type"] == "Point"
    assert dict(zip(info["fields"], info["dtypes"], strict=True)) == {
        "名称": "object",
        "count": "int64",
        "share": "float64",
        "open": "bool",
        "day": "object",
    }
    back = read_features(tmp_path / "p.gpkg")
    assert back[1].properties == {
        "名称": "乙",
        "count": 4,
        "share": 0.5,
        "open": False,
        "day": "2024-05-02",
    }


def test_nulls_in_properties_and_geometries_read_back_as_none_and_empty(tmp_path):
    geoms = [shapely.box(116.0, 39.0, 116.1, 39.1), None]
    props: list[dict[str, Any]] = [{"name": "甲", "count": 1}, {"name": None, "count": None}]
    write_features(tmp_path / "n.geojson", geoms, props)
    back = read_features(tmp_path / "n.geojson")
    assert back[1].properties == {"name": None, "count": None}
    assert back[0].properties["count"] == 1
    assert back[1].geometry.is_empty


def test_explicit_driver_overrides_the_extension(tmp_path):
    write_features(
        tmp_path / "zones.txt", [shapely.Point(116.4, 39.9)], [{"a": 1}], driver="GeoJSON"
    )
    assert pyogrio.read_info(tmp_path / "zones.txt")["driver"] == "GeoJSON"


def test_mismatched_lengths_are_refused(tmp_path):
    with pytest.raises(GeoDataError) as info:
        write_features(tmp_path / "x.geojson", [shapely.Point(116.4, 39.9)], [])
    assert "不一致" in info.value.zh and "1 geometries but 0 property rows" in info.value.en


def test_unknown_extension_is_unsupported(tmp_path):
    with pytest.raises(UnsupportedFormatError, match="unsupported extension '.xyz'"):
        write_features(tmp_path / "x.xyz", [shapely.Point(116.4, 39.9)], [{}])


def test_shapefile_refuses_mixed_geometry_kinds(tmp_path):
    geoms = [shapely.Point(116.4, 39.9), shapely.LineString([(116.4, 39.9), (116.5, 40.0)])]
    with pytest.raises(UnsupportedFormatError, match="cannot write mixed.shp"):
        write_features(tmp_path / "mixed.shp", geoms, [{}, {}])


def test_mixed_geometry_kinds_fit_in_a_geopackage(tmp_path):
    geoms = [shapely.Point(116.4, 39.9), shapely.box(116.0, 39.0, 116.1, 39.1)]
    write_features(tmp_path / "mixed.gpkg", geoms, [{}, {}])
    assert [f.geometry.geom_type for f in read_features(tmp_path / "mixed.gpkg")] == [
        "Point",
        "Polygon",
    ]
