"""What the zone editor finds for its user: zones, regions and owners by the search box (as
the map page's search, over the zones the editor shows), and the blind spots and overlaps
around a spot, to draw the hole a user came from the coverage page to fix."""

from __future__ import annotations

import json
from typing import Any

import shapely
from django.db.models import Q

from gridmgr.maps import panel as mappanel
from gridmgr.maps.data import layer_coverage
from gridmgr.models import Layer, Plan, Zone
from gridmgr.models.zones import ZoneQuerySet
from gridmgr.viewport.view import BBox

PIECE_KINDS = ("blind", "overlap")


def shown_zones(plan: Plan) -> ZoneQuerySet:
    """The zones the editor shows for a plan: its own, and the active ones of layers it lacks."""
    layers = plan.zones.order_by().values("layer_id")
    return Zone.objects.filter(Q(plan=plan) | (Q(active=True) & ~Q(layer_id__in=layers)))


def search(plan: Plan, text: str) -> list[dict[str, Any]]:
    """Grid code, zone name, owner name or "lon,lat", among the zones the editor shows."""
    return mappanel.search(text, zones=shown_zones(plan))


def pieces_geojson(layer: Layer, bbox: BBox, kind: str) -> str:
    """The layer's blind spots (or overlaps) over the district that reach into the view."""
    view = shapely.box(bbox.minx, bbox.miny, bbox.maxx, bbox.maxy)
    found = []
    for text in layer_coverage(layer).features:
        feature = json.loads(text)
        if feature["properties"]["kind"] != kind:
            continue
        if shapely.geometry.shape(feature["geometry"]).intersects(view):
            found.append(text)
    return f'{{"type":"FeatureCollection","features":[{",".join(found)}]}}'
