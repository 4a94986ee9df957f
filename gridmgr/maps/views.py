"""The map page and its GeoJSON, vector-tile and JSON endpoints.

Every one needs a login, but the base map's tiles and the named context drawn where there is no
base map: the citizen's report page uses both.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from gridmgr.access import visible_issues
from gridmgr.errors import GridError
from gridmgr.maps import data as mapdata
from gridmgr.maps import panel as mappanel
from gridmgr.models import Layer, Zone
from gridmgr.pages import page_view
from gridmgr.viewport import basemaps
from gridmgr.viewport.view import BBox, parse_zoom

GEOJSON = "application/geo+json"
MVT = "application/vnd.mapbox-vector-tile"
# Browsers keep base-map tiles this long (seconds): the file changes when a district replaces it.
TILE_MAX_AGE_S = 86400

View = Callable[..., HttpResponse]


def endpoint(view: View) -> View:
    """A login-required GET endpoint whose response is gzipped when the client accepts it."""
    return login_required(require_GET(gzip_page(view)))


def _refused(error: GridError) -> JsonResponse:
    return JsonResponse({"error": error.zh, "error_en": error.en}, status=400)


def _in_view(request: HttpRequest, build: Callable[[BBox, int], str]) -> HttpResponse:
    """The GeoJSON `build` makes of the view ?bbox=w,s,e,n&zoom=Z, or why the view is refused."""
    try:
        bbox = BBox.parse(request.GET.get("bbox"))
        zoom = parse_zoom(request.GET.get("zoom"))
    except GridError as error:
        return _refused(error)
    return HttpResponse(build(bbox, zoom), content_type=GEOJSON)


@page_view("map")
def map_page(request: HttpRequest) -> HttpResponse:
    """The district map: layers, issues, coverage, search and the zone panel."""
    config = {**mapdata.page_config(), "basemap": basemaps.basemap()}
    return render(request, "map.html", {"config": config})


@require_GET
@gzip_page
def context_features(request: HttpRequest) -> HttpResponse:
    """Regions and zones around a view, named (public: the citizen's report map has no base map)."""
    return _in_view(request, basemaps.context_geojson)


@require_GET
def basemap_tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    """A tile of the district's own MBTiles base map (public, like the maps that draw it)."""
    if str(settings.GRIDMGR_BASEMAP).strip().lower() != "mbtiles":
        raise Http404("no MBTiles base map is configured")
    try:
        data, content_type = basemaps.mbtiles_tile(z, x, y)
    except GridError as error:
        return _refused(error)
    # An address the file has no tile for is empty land of the base map, not an error.
    response = HttpResponse(data, content_type=content_type, status=200 if data else 204)
    patch_cache_control(response, public=True, max_age=TILE_MAX_AGE_S)
    return response


@endpoint
def layer_features(request: HttpRequest, layer_id: int) -> HttpResponse:
    """Active zones of a layer in the view: ?bbox=minx,miny,maxx,maxy&zoom=Z."""
    layer = get_object_or_404(Layer, pk=layer_id)
    return _in_view(request, lambda bbox, zoom: mapdata.layer_geojson(layer, bbox, zoom))


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
    return _in_view(request, mapdata.region_geojson)


@endpoint
def station_features(request: HttpRequest) -> HttpResponse:
    """Every station (驻点) as a point."""
    return HttpResponse(mapdata.station_geojson(), content_type=GEOJSON)


@endpoint
def issue_features(request: HttpRequest) -> HttpResponse:
    """Issues the user may see, as points: ?bbox=… (optional) &status=open|all."""
    try:
        raw = request.GET.get("bbox")
        bbox = BBox.parse(raw) if raw else None
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
