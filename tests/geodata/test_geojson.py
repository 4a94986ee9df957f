"""A client's GeoJSON geometry is read by one parser: a geometry or a Feature's, nothing else."""

from __future__ import annotations

import pytest

from geodata.errors import InvalidGeometryError
from geodata.geojson import parse_geometry

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[116.41, 39.93], [116.42, 39.93], [116.42, 39.94], [116.41, 39.93]]],
}

# Every input a front must refuse as "not GeoJSON" (tests/gridmgr/test_geojson_fronts.py).
NOT_GEOJSON = {
    "null": None,
    "wkt": "POLYGON((116.41 39.93, 116.42 39.93, 116.42 39.94, 116.41 39.93))",
    "list": [[116.41, 39.93]],
    "number": 7,
    "no-type": {"coordinates": [116.41, 39.93]},
    "unknown-type": {"type": "Circle", "coordinates": [116.41, 39.93]},
    "no-coords": {"type": "Polygon"},
    "text-coords": {"type": "Polygon", "coordinates": [[["a", "b"]]]},
    "short-ring": {"type": "Polygon", "coordinates": [[[116.41, 39.93], [116.42, 39.93]]]},
    "bare-feature": {"type": "Feature"},
    "null-feature": {"type": "Feature", "geometry": None, "properties": {}},
}


@pytest.mark.parametrize("value", NOT_GEOJSON.values(), ids=NOT_GEOJSON.keys())
def test_what_is_not_a_geojson_geometry_is_refused_in_both_languages(value: object) -> None:
    with pytest.raises(InvalidGeometryError) as refused:
        parse_geometry(value)
    assert refused.value.zh and refused.value.en


def test_a_geometry_and_a_feature_of_it_read_the_same() -> None:
    feature = {"type": "Feature", "geometry": SQUARE, "properties": {"name": "x"}}
    assert parse_geometry(SQUARE).geom_type == "Polygon"
    assert parse_geometry(feature).equals_exact(parse_geometry(SQUARE), 0)
