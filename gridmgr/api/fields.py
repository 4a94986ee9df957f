"""Serializer building blocks: strict input (unknown fields refused) and lon/lat polygons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework_gis.fields import GeometryField

from geodata.errors import GeoDataError, InvalidGeometryError
from geodata.geojson import parse_geometry
from geodata.validate import polygonal
from gridmgr.territory.extent import require_in_district
from gridmgr.territory.imports import to_geos

# The members a GeoJSON Feature may carry besides its properties.
FEATURE_KEYS = frozenset({"type", "id", "geometry", "properties", "bbox"})
NOT_AN_OBJECT = "请求体须为 JSON 对象 / the body must be a JSON object"


def _refuse_unknown(fields: Mapping[str, Any], data: Mapping[str, Any], extra: frozenset) -> None:
    unknown = sorted(str(k) for k in data if k not in fields and k not in extra)
    if unknown:
        raise serializers.ValidationError(
            {name: [f"未知字段 / unknown field: {name}"] for name in unknown}
        )


def _require_object(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [NOT_AN_OBJECT]})
    return data


class StrictMixin:
    """Refuse fields the serializer does not know, so that a misspelt field is never dropped."""

    fields: Mapping[str, Any]

    def to_internal_value(self, data: Any) -> Any:
        _refuse_unknown(self.fields, _require_object(data), frozenset())
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictFeatureMixin:
    """Accept a GeoJSON Feature (or flat fields) and refuse unknown members and properties."""

    fields: Mapping[str, Any]
    Meta: Any

    def to_internal_value(self, data: Any) -> Any:
        data = _require_object(data)
        if "properties" in data:
            props = data["properties"]
            if not isinstance(props, Mapping):
                raise serializers.ValidationError({"properties": [NOT_AN_OBJECT]})
            _refuse_unknown({}, data, FEATURE_KEYS)
            flat = dict(props)
            if "geometry" in data:
                flat[self.Meta.geo_field] = data["geometry"]
            data = flat
        _refuse_unknown(self.fields, data, frozenset())
        # Skip GeoFeatureModelSerializer's own unwrapping: the data is flat now.
        return serializers.ModelSerializer.to_internal_value(self, data)


class LonLatPolygonField(GeometryField):
    """A GeoJSON Polygon or MultiPolygon in lon/lat (geodata.geojson), stored as a MultiPolygon."""

    default_error_messages = {
        "invalid": "不是有效的 GeoJSON 多边形 / not a valid GeoJSON Polygon or MultiPolygon",
    }

    def to_internal_value(self, value: Any) -> Any:
        try:
            geom = parse_geometry(value)
        except InvalidGeometryError:
            self.fail("invalid")
        try:
            shape, _ = polygonal(geom, ("区域范围", "zone boundary"))
            require_in_district(shape, ("区域范围", "zone boundary"))
        except GeoDataError as exc:
            raise serializers.ValidationError(str(exc)) from None
        return to_geos(shape)


class CodeRelatedField(serializers.SlugRelatedField):
    """A related object named by its code; a code with a NUL character is refused (400)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            raise serializers.ValidationError("代码含有空字符 (NUL) / the code contains a NUL")
        return super().to_internal_value(data)
