"""The API and the editor refuse the same GeoJSON (geodata.geojson), each in its own words."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from gridmgr.api.fields import LonLatPolygonField
from gridmgr.editor.drafts import EditorError
from gridmgr.editor.io import geometry
from tests.geodata.test_geojson import NOT_GEOJSON, SQUARE

API_WORDS = "不是有效的 GeoJSON 多边形 / not a valid GeoJSON Polygon or MultiPolygon"
EDITOR_WORDS = ("不是有效的 GeoJSON 几何", "not a valid GeoJSON geometry")


@pytest.mark.parametrize("value", NOT_GEOJSON.values(), ids=NOT_GEOJSON.keys())
def test_the_api_refuses_what_is_not_geojson_in_its_words(value: object) -> None:
    with pytest.raises(serializers.ValidationError) as refused:
        LonLatPolygonField().to_internal_value(value)
    assert refused.value.detail == [API_WORDS]


@pytest.mark.parametrize("value", NOT_GEOJSON.values(), ids=NOT_GEOJSON.keys())
def test_the_editor_refuses_what_is_not_geojson_in_its_words(value: object) -> None:
    with pytest.raises(EditorError) as refused:
        geometry({"geometry": value})
    assert (refused.value.zh, refused.value.en) == EDITOR_WORDS


def test_the_editor_reads_a_geometry_or_a_feature_of_it() -> None:
    feature = {"type": "Feature", "geometry": SQUARE, "properties": {}}
    assert geometry({"geometry": feature}).equals_exact(geometry({"geometry": SQUARE}), 0)
