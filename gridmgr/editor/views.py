"""The zone editor page and its JSON endpoints; each parses, authorises, calls one service.

Changes of a zone's outline (vertex edits, drags) and deletions go to the REST API
(/api/zones/<id>/ with the zone's version); the endpoints here add what the API has not:
drawn zones with fresh codes, cut, split, merge, owners for many zones, and the preview.
"""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from geodata.errors import GeoDataError
from gridmgr.access import account_of, is_centre
from gridmgr.editor import drafts as editor
from gridmgr.editor import find as editor_find
from gridmgr.editor import mapdata as editor_map
from gridmgr.editor import owners as editor_owners
from gridmgr.editor import plan_summary
from gridmgr.editor.drafts import EditorError
from gridmgr.editor.find import PIECE_KINDS
from gridmgr.editor.io import body, day, endpoint, geometry, integer, zone_json
from gridmgr.editor.preview import preview_draft
from gridmgr.errors import GridError, http_status
from gridmgr.i18n import local_message
from gridmgr.models import Layer, Owner, Plan, Zone
from gridmgr.pages import page_view
from gridmgr.territory.plans import preview_plan
from gridmgr.territory.zone_edits import ZoneAccessError
from gridmgr.viewport.view import BBox, parse_zoom

GEOJSON = "application/geo+json"


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _focus(request: HttpRequest) -> tuple[BBox | None, str]:
    """The spot to show (?focus=w,s,e,n), or why it was not understood."""
    try:
        return (BBox.parse(request.GET["focus"]) if request.GET.get("focus") else None), ""
    except GridError as exc:
        return None, local_message(exc)


@page_view("editor")
def editor_page(request: HttpRequest) -> HttpResponse:
    """The editor of a draft plan's zones: ?plan=<plan id>&layer=<layer id>, and optionally
    &focus=w,s,e,n (the view) &piece=blind|overlap (the layer's pieces there are drawn)."""
    plan_id, layer_id = _number(request.GET.get("plan")), _number(request.GET.get("layer"))
    plan = get_object_or_404(Plan, pk=plan_id) if plan_id is not None else None
    layer = get_object_or_404(Layer, pk=layer_id) if layer_id is not None else None
    if plan is not None and layer is None:
        layer = editor_map.default_layer(plan)
    focus, notice = _focus(request)
    config = editor_map.page_config(account_of(request.user), plan, layer, focus)
    config["piece"] = request.GET.get("piece") if request.GET.get("piece") in PIECE_KINDS else ""
    config["notice"] = notice
    keep = {k: request.GET[k] for k in ("focus", "piece") if config[k] and request.GET.get(k)}
    context = {"config": config, "plan": plan, "layer": layer, "keep": urlencode(keep)}
    return render(request, "editor.html", context)


@login_required
@require_POST
def fix(request: HttpRequest) -> HttpResponse:
    """From a coverage row to the editor: a draft the user may edit, zoomed to the piece."""
    layer = get_object_or_404(Layer, pk=_number(request.POST.get("layer")))
    kind = request.POST.get("kind")
    try:
        bbox = BBox.parse(request.POST.get("bbox"))
        if kind not in PIECE_KINDS:
            raise EditorError("未知的类型：应为盲区或重叠", "kind must be blind or overlap")
        plan = editor.draft_to_fix(request.user, layer)
    except GeoDataError as exc:
        text = local_message(exc)
        return HttpResponse(text, status=http_status(exc), content_type="text/plain; charset=utf-8")
    focus = ",".join(f"{v:.7f}" for v in (bbox.minx, bbox.miny, bbox.maxx, bbox.maxy))
    query = {"layer": layer.pk, "focus": focus, "piece": kind}
    if plan is not None:
        query = {"plan": plan.pk, **query}
    return redirect(f"{reverse('editor:page')}?{urlencode(query, safe=',')}")


@endpoint("GET")
def search(request: HttpRequest, plan_id: int) -> JsonResponse:
    """Zones the editor shows, by grid code, name or owner, regions by name, or lon,lat: ?q="""
    plan = get_object_or_404(Plan, pk=plan_id)
    return JsonResponse({"results": editor_find.search(plan, request.GET.get("q", ""))})


@endpoint("GET")
def pieces(request: HttpRequest, layer_id: int) -> HttpResponse:
    """The layer's blind spots or overlaps reaching into ?bbox=w,s,e,n (&kind=blind|overlap)."""
    layer = get_object_or_404(Layer, pk=layer_id)
    kind = request.GET.get("kind", "blind")
    if kind not in PIECE_KINDS:
        raise EditorError("未知的类型：应为盲区或重叠", "kind must be blind or overlap")
    text = editor_find.pieces_geojson(layer, BBox.parse(request.GET.get("bbox")), kind)
    return HttpResponse(text, content_type=GEOJSON)


@endpoint("POST")
def new_draft(request: HttpRequest) -> JsonResponse:
    """Start a draft plan from the active zones (and owners) of the chosen layers."""
    data = body(request)
    ids = [i for i in data.get("layers") or [] if isinstance(i, int)]
    plan = editor.draft_from_active(
        str(data.get("name") or ""), list(Layer.objects.filter(pk__in=ids)), request.user
    )
    layer = editor_map.default_layer(plan)
    query = urlencode({"plan": plan.pk, "layer": layer.pk if layer else ""})
    return JsonResponse({"plan": plan.pk, "url": f"{reverse('editor:page')}?{query}"}, status=201)


@endpoint("GET")
def zones(request: HttpRequest, plan_id: int, layer_id: int) -> HttpResponse:
    """The plan's zones of a layer in the view (?bbox=w,s,e,n&zoom=z), each with `editable`."""
    plan, layer = get_object_or_404(Plan, pk=plan_id), get_object_or_404(Layer, pk=layer_id)
    bbox = BBox.parse(request.GET.get("bbox"))
    zoom = parse_zoom(request.GET["zoom"]) if request.GET.get("zoom") else None
    text = editor_map.zones_geojson(account_of(request.user), plan, layer, bbox, zoom)
    return HttpResponse(text, content_type=GEOJSON)


@endpoint("POST")
def draw(request: HttpRequest, plan_id: int, layer_id: int) -> JsonResponse:
    """Add a drawn polygon to the draft as a zone with a fresh code."""
    plan, layer = get_object_or_404(Plan, pk=plan_id), get_object_or_404(Layer, pk=layer_id)
    data = body(request)
    zone = editor.draw_zone(
        account_of(request.user), plan, layer, geometry(data), str(data.get("name") or "")
    )
    return JsonResponse(zone_json(zone), status=201)


@endpoint("POST")
def cut(request: HttpRequest, zone_id: int) -> JsonResponse:
    """Cut a drawn polygon out of a zone (the zone is deleted when nothing is left)."""
    zone = get_object_or_404(Zone, pk=zone_id)
    data = body(request)
    rest = editor.cut_zone(account_of(request.user), zone, integer(data, "version"), geometry(data))
    return JsonResponse({"zone": zone_json(rest) if rest else None, "deleted": rest is None})


@endpoint("POST")
def split(request: HttpRequest, zone_id: int) -> JsonResponse:
    """Split a zone by a drawn line into two zones."""
    zone = get_object_or_404(Zone, pk=zone_id)
    data = body(request)
    kept, new = editor.split_zone(
        account_of(request.user), zone, integer(data, "version"), geometry(data)
    )
    return JsonResponse({"kept": zone_json(kept), "new": zone_json(new)})


@endpoint("POST")
def merge(request: HttpRequest) -> JsonResponse:
    """Merge two adjacent zones: {keep: id, keep_version, other: id, other_version}."""
    data = body(request)
    keep = get_object_or_404(Zone, pk=integer(data, "keep"))
    other = get_object_or_404(Zone, pk=integer(data, "other"))
    merged = editor.merge_zones(
        account_of(request.user),
        keep,
        integer(data, "keep_version"),
        other,
        integer(data, "other_version"),
    )
    return JsonResponse({"zone": zone_json(merged), "deleted": other.pk})


@endpoint("POST")
def owners(request: HttpRequest) -> JsonResponse:
    """Give the selected zones ([[id, version], …]) one owner: an existing one or a new person."""
    data = body(request)
    new = data.get("new")
    new = new if isinstance(new, dict) else {}
    if data.get("owner"):
        who: Owner | editor_owners.NewPerson = get_object_or_404(Owner, pk=integer(data, "owner"))
    else:
        who = editor_owners.NewPerson(str(new.get("name") or ""), str(new.get("phone") or ""))
    person, saved = editor_owners.assign_owner(
        account_of(request.user),
        editor_owners.zone_versions(data.get("zones") or []),
        who,
        str(data.get("role") or ""),
        day(data, "valid_from", timezone.localdate()),
    )
    return JsonResponse(
        {"owner": {"id": person.pk, "name": person.name}, "zones": [zone_json(z) for z in saved]}
    )


@endpoint("GET")
def preview(request: HttpRequest, plan_id: int, layer_id: int) -> JsonResponse:
    """Blind spots and overlaps the draft would leave, and the open issues that would move."""
    plan, layer = get_object_or_404(Plan, pk=plan_id), get_object_or_404(Layer, pk=layer_id)
    account = account_of(request.user)
    if not (is_centre(account) or editor_map.edit_mode(account, plan, True) == "sector"):
        raise ZoneAccessError(
            "只有管理中心和板块负责人可以预览草稿",
            "only the centre and sector leads preview drafts",
        )
    coverage = preview_draft(plan, layer)
    return JsonResponse({"coverage": coverage.as_dict(), "moves": asdict(preview_plan(plan))})


@endpoint("GET")
def summary(request: HttpRequest, plan_id: int) -> JsonResponse:
    """What activating the plan would change: the summary activation returns too."""
    plan = get_object_or_404(Plan, pk=plan_id)
    if not is_centre(account_of(request.user)):
        raise ZoneAccessError(
            "只有区网格化管理中心可以启用方案", "only the command centre activates plans"
        )
    return JsonResponse(plan_summary.summarise(plan).as_dict())
