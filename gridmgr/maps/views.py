"""The map page and its GeoJSON, vector-tile and JSON endpoints; every one needs a login."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from gridmgr.errors import GridError
from gridmgr.models import Layer, Zone
from gridmgr.services import mapdata, mappanel
from gridmgr.services.access import visible_issues

GEOJSON = "application/geo+json"
MVT = "application/vnd.mapbox-vector-tile"

View = Callable[..., HttpResponse]


def endpoint(view: View) -> View:
    """A login-required GET endpoint whose response is gzipped when the client accepts it."""
    return login_required(require_GET(gzip_page(view)))


def _refused(error: GridError) -> JsonResponse:
    return JsonResponse({"error": error.zh, "error_en": error.en}, status=400)


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    """The district map: layers, issues, coverage, search and the zone panel."""
    return render(request, "map.html", {"config": mapdata.page_config()})


@endpoint
def layer_features(request: HttpRequest, layer_id: int) -> HttpResponse:
    """Active zones of a layer in the view: ?bbox=minx,miny,maxx,maxy&zoom=Z."""
    layer = get_object_or_404(Layer, pk=layer_id)
    try:
        bbox = mapdata.BBox.parse(request.GET.get("bbox"))
        zoom = mapdata.parse_zoom(request.GET.get("zoom"))
    except GridError as error:
        return _refused(error)
    return HttpResponse(mapdata.layer_geojson(layer, bbox, zoom), content_type=GEOJSON)


@endpoint
def layer_tile(request: HttpRequest, layer_id: int, z: int, x: int, y: int) -> HttpResponse:
    """A Mapbox vector tile (layer 'zones') of a layer's active zones."""
    layer = get_object_or_404(Layer, pk=layer_id)
    try:
        data = mapdata.tile(layer, z, x, y)
    except GridError as error:
        return _refused(error)
    return HttpResponse(data, content_type=MVT)


@endpoint
def region_features(request: HttpRequest) -> HttpResponse:
    """Administrative region outlines in the view: ?bbox=…&zoom=Z."""
    try:
        bbox = mapdata.BBox.parse(request.GET.get("bbox"))
        zoom = mapdata.parse_zoom(request.GET.get("zoom"))
    except GridError as error:
        return _refused(error)
    return HttpResponse(mapdata.region_geojson(bbox, zoom), content_type=GEOJSON)


@endpoint
def station_features(request: HttpRequest) -> HttpResponse:
    """Every station (驻点) as a point."""
    return HttpResponse(mapdata.station_geojson(), content_type=GEOJSON)


@endpoint
def issue_features(request: HttpRequest) -> HttpResponse:
    """Issues the user may see, as points: ?bbox=… (optional) &status=open|all."""
    try:
        raw = request.GET.get("bbox")
        bbox = mapdata.BBox.parse(raw) if raw else None
    except GridError as error:
        return _refused(error)
    open_only = request.GET.get("status", "open") != "all"
    text = mapdata.issue_geojson(visible_issues(request.user), bbox, open_only=open_only)
    return HttpResponse(text, content_type=GEOJSON)


@endpoint
def coverage_features(request: HttpRequest) -> HttpResponse:
    """Blind spots and overlaps of every layer over the district (cached per activation)."""
    return HttpResponse(mapdata.coverage_geojson(), content_type=GEOJSON)


@endpoint
def search(request: HttpRequest) -> JsonResponse:
    """Zones and regions by grid code, name, owner name, or a lon,lat point: ?q=…"""
    return JsonResponse({"results": mappanel.search(request.GET.get("q", ""))})


@endpoint
def zone_panel(request: HttpRequest, zone_id: int) -> JsonResponse:
    """The side panel of a zone: owners with contacts, open issues, recent history."""
    zone = get_object_or_404(Zone.objects.select_related("layer", "plan", "region"), pk=zone_id)
    return JsonResponse(mappanel.zone_panel(zone, visible_issues(request.user)))
