"""What the map tests share: a logged-in command-centre client and GeoJSON helpers."""

from __future__ import annotations

import json
import math
from typing import Any

from django.contrib.auth.models import User
from django.contrib.gis.geos import Polygon
from django.test import Client

from gridmgr.models import Layer, Zone


def centre_client(username: str = "zhongxin") -> Client:
    """A client logged in as a superuser (who acts as the command centre)."""
    client = Client()
    client.force_login(User.objects.create_superuser(username, password="map-secret-1"))
    return client


def get_geojson(client: Client, url: str, **params: Any) -> dict[str, Any]:
    """GET a GeoJSON endpoint that must answer 200, decoded."""
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def bbox_around(lon: float, lat: float, half_deg: float) -> str:
    return f"{lon - half_deg},{lat - half_deg},{lon + half_deg},{lat + half_deg}"


def codes(collection: dict[str, Any]) -> set[str]:
    return {f["properties"]["code"] for f in collection["features"]}


def codes_in_box(layer: Layer, bbox: str) -> set[str]:
    """Codes of the active zones whose bounding box meets the box (what the map must send)."""
    minx, miny, maxx, maxy = (float(v) for v in bbox.split(","))
    box = Polygon.from_bbox((minx, miny, maxx, maxy))
    zones = Zone.objects.active().filter(layer=layer, geom__bboverlaps=box)
    return set(zones.values_list("code", flat=True))


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The Web-Mercator tile (x, y) holding a point."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def tile_box(z: int, x: int, y: int) -> str:
    """The lon/lat bounds of a Web-Mercator tile, as a bbox parameter."""

    def lon(col: int) -> float:
        return col / 2**z * 360.0 - 180.0

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / 2**z))))

    return f"{lon(x)},{lat(y + 1)},{lon(x + 1)},{lat(y)}"
