"""Limit/offset pagination, as JSON lists and as GeoJSON FeatureCollections."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response


class Pages(LimitOffsetPagination):
    """`?limit=&offset=`: 100 rows by default, at most 1,000 a page."""

    default_limit = 100
    max_limit = 1000
    # PostgreSQL's OFFSET is a bigint: larger offsets are cut to an empty page, not an error.
    max_offset = 2**62

    def get_offset(self, request: Any) -> int:
        return min(super().get_offset(request), self.max_offset)


class GeoJsonPages(Pages):
    """Pages as a GeoJSON FeatureCollection with `count`, `next` and `previous` members."""

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "type": "FeatureCollection",
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "features": data["features"],
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        # `schema` is the FeatureCollection of the serializer; pages add the counts and links.
        links = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "allOf": [
                schema,
                {
                    "type": "object",
                    "required": ["count"],
                    "properties": {
                        "count": {"type": "integer", "example": 123},
                        "next": links,
                        "previous": links,
                    },
                },
            ]
        }
