"""The map page's search box and the side panel of a zone (labels in the active language)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.gis.geos import Point
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone

from gridmgr.i18n import local_label, local_name, local_pair
from gridmgr.models import Issue, Ownership, PlanActivation, Region, Transition, Zone
from gridmgr.models.cases import action_label
from gridmgr.models.owners import OWNER_CHAIN, Role
from gridmgr.models.zones import ZoneQuerySet
from gridmgr.territory.lineage import lineage_of

# "116.41,39.92", "116.41 39.92", "116.41，39.92" (full-width comma from a Chinese keyboard).
_COORDS = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,，\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
SEARCH_LIMIT = 20
PANEL_ISSUES = 10
PANEL_HISTORY = 15
_ROLE_ORDER: dict[str, int] = {str(r): k for k, r in enumerate([*OWNER_CHAIN, Role.TERRITORIAL])}
_ROLE_LABELS: dict[str, str] = dict(Role.choices)


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """Lon/lat typed into the search box; a lat,lon pair is recognised and swapped."""
    match = _COORDS.match(text)
    if match is None:
        return None
    a, b = float(match.group(1)), float(match.group(2))
    if abs(a) <= 90 < abs(b) <= 180:
        a, b = b, a
    if abs(a) > 180 or abs(b) > 90:
        return None
    return a, b


def search(
    text: str, limit: int = SEARCH_LIMIT, zones: ZoneQuerySet | None = None
) -> list[dict[str, Any]]:
    """Zones and regions matching a grid code, a name, an owner's name, or a lon,lat point.

    `zones` are those searched: the active ones unless told (the editor searches its plan's).
    """
    text = text.strip()
    if not text:
        return []
    among = Zone.objects.active() if zones is None else zones
    point = parse_coordinates(text)
    if point is not None:
        return _at_point(*point, among)[:limit]
    # Room is kept for a few regions and owners when many zones share a name.
    regions = _regions_by_name(text, limit // 4)
    owned = _zones_by_owner(text, limit // 2, among)
    named = _zones_by_code_or_name(text, limit, among)
    found = named[: max(limit - len(regions) - len(owned), limit // 4)] + regions + owned
    unique: dict[tuple[str, int], dict[str, Any]] = {}
    for result in found:
        unique.setdefault((result["kind"], result["id"]), result)
    return list(unique.values())[:limit]


def _bbox(geom: Any) -> list[float]:
    return [round(v, 6) for v in geom.extent]


def _zone_result(zone: Zone, match: str, owner: str = "") -> dict[str, Any]:
    return {
        "kind": "zone",
        "id": zone.pk,
        "code": zone.code,
        "name": zone.name,
        "layer": local_name(zone.layer),
        "layer_id": zone.layer_id,
        "match": match,
        "owner": owner,
        "bbox": _bbox(zone.geom),
    }


def _zones_by_code_or_name(text: str, limit: int, among: ZoneQuerySet) -> list[dict[str, Any]]:
    zones = (
        among.filter(Q(code__icontains=text) | Q(name__icontains=text))
        .select_related("layer")
        .annotate(
            exact=Case(
                When(code__iexact=text, then=Value(0)),
                When(code__istartswith=text, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("exact", "layer__rank", "code")[:limit]
    )
    return [_zone_result(z, "code" if text.lower() in z.code.lower() else "name") for z in zones]


def _zones_by_owner(text: str, limit: int, among: ZoneQuerySet) -> list[dict[str, Any]]:
    held = (
        Ownership.objects.current()
        .filter(Q(owner__name__icontains=text) | Q(owner__name_en__icontains=text))
        .filter(zone__in=among)
        .select_related("owner", "zone__layer")
        .order_by("zone__layer__rank", "zone__code")[:limit]
    )
    return [_zone_result(o.zone, "owner", o.owner.name) for o in held if o.zone is not None]


def _regions_by_name(text: str, limit: int) -> list[dict[str, Any]]:
    regions = Region.objects.filter(
        Q(name__icontains=text) | Q(name_en__icontains=text) | Q(code__startswith=text)
    )[:limit]
    return [
        {
            "kind": "region",
            "id": r.pk,
            "code": r.code,
            "name": r.name,
            "layer": local_label(r.get_level_display()),
            "match": "region",
            "bbox": _bbox(r.boundary),
        }
        for r in regions
    ]


def _at_point(lon: float, lat: float, among: ZoneQuerySet) -> list[dict[str, Any]]:
    """The point itself, then the zones that cover it, finest layer first."""
    point = Point(lon, lat, srid=4326)
    zones = (
        among.covering(point).select_related("layer").order_by("-layer__rank", "area_m2", "code")
    )
    region = Region.objects.by_location(point).order_by(Length("code").desc(), "code").first()
    here = {
        "kind": "point",
        "id": 0,
        "lon": lon,
        "lat": lat,
        "name": f"{lon:.6f}, {lat:.6f}",
        "region": region.name if region is not None else "",
        "bbox": [lon, lat, lon, lat],
    }
    return [here, *(_zone_result(z, "point") for z in zones)]


def zone_panel(zone: Zone, issues: QuerySet[Issue]) -> dict[str, Any]:
    """Everything the side panel shows about a zone; `issues` are those the caller may see.

    Issues and history are the zone's unit's (its code in the layer) under every plan version.
    """
    mine = issues.filter(Issue.routed_to_unit(zone))
    lineage = lineage_of(zone)
    open_issues = mine.filter(status__in=Issue.OPEN_STATUSES).order_by("-reported_at", "-id")
    return {
        "id": zone.pk,
        "code": zone.code,
        "name": zone.name,
        "layer": {
            "id": zone.layer_id,
            "name": zone.layer.name,
            "name_en": zone.layer.name_en,
            "label": local_name(zone.layer),
        },
        "plan": zone.plan.name,
        "active": zone.active,
        "lineage": local_pair(lineage) if lineage.changed else "",
        "area_m2": round(zone.area_m2, 1),
        "region": zone.region.name if zone.region is not None else "",
        "version": zone.version,
        "updated_at": timezone.localtime(zone.updated_at).isoformat(timespec="minutes"),
        "bbox": _bbox(zone.geom),
        "geometry": zone.geom.json,
        "owners": zone_owner_chain(zone),
        "issues": {
            "open": open_issues.count(),
            "total": mine.count(),
            "latest": [
                _issue(i)
                for i in open_issues.select_related("category").only(*_ISSUE_FIELDS)[:PANEL_ISSUES]
            ],
        },
        "history": history(zone, mine),
        "admin_url": reverse("admin:gridmgr_zone_change", args=[zone.pk]),
    }


_ISSUE_FIELDS = ("tracking_number", "status", "reported_at", "category__name", "category__name_en")


def _issue(issue: Issue) -> dict[str, Any]:
    return {
        "id": issue.pk,
        "tracking": issue.reference,
        "category": issue.category.name,
        "category_label": local_name(issue.category),
        "status": issue.status,
        "status_label": local_label(issue.get_status_display()),
        "reported_at": timezone.localtime(issue.reported_at).isoformat(timespec="minutes"),
        "url": reverse("admin:gridmgr_issue_change", args=[issue.pk]),
    }


def _owner(o: Ownership, where: str, level: str) -> dict[str, Any]:
    return {
        "role": o.role,
        "role_label": local_label(_ROLE_LABELS.get(o.role, o.role)),
        "where": where,
        "level": level,
        "name": o.owner.name,
        "kind": o.owner.kind,
        "organisation": o.owner.organisation,
        "phone": o.owner.phone,
        "email": o.owner.email,
        "since": o.valid_from.isoformat(),
    }


def zone_owner_chain(zone: Zone) -> list[dict[str, Any]]:
    """Current owners from the zone up its parents, then the territorial owners of its regions."""
    chain: list[dict[str, Any]] = []
    seen: set[int] = set()
    current: Zone | None = zone
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        held = Ownership.objects.current().filter(zone=current).select_related("owner")
        for o in sorted(held, key=lambda o: (_ROLE_ORDER.get(o.role, 99), o.pk)):
            chain.append(_owner(o, f"{current.code} {current.name}", local_name(current.layer)))
        current = current.parent
    region = zone.region
    while region is not None:
        held = Ownership.objects.current().filter(region=region, role=Role.TERRITORIAL)
        for o in held.select_related("owner").order_by("id"):
            level = local_label(region.get_level_display())
            chain.append(_owner(o, f"{region.code} {region.name}", level))
        region = region.parent
    return chain


def _moment(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value)
    return timezone.make_aware(dt.datetime.combine(value, dt.time()))


def history(zone: Zone, issues: QuerySet[Issue]) -> list[dict[str, Any]]:
    """Recent events of a zone's unit, newest first: edits, plan activations, owners, issue steps.

    Activations and owners are those of every zone of the unit (its code in the layer): a plan
    copied from the one in force repeats its ownerships, which are shown once.
    """
    events: list[tuple[dt.datetime, dict[str, Any]]] = [
        (_moment(zone.updated_at), {"kind": "zone", "version": zone.version})
    ]
    versions = Zone.objects.filter(zone.unit())
    activations = PlanActivation.objects.filter(
        layer_id=zone.layer_id, plan_id__in=versions.values("plan_id")
    )
    for a in activations.select_related("plan"):
        events.append((_moment(a.started_at), {"kind": "activated", "plan": a.plan.name}))
        if a.ended_at is not None:
            events.append((_moment(a.ended_at), {"kind": "retired", "plan": a.plan.name}))
    held = Ownership.objects.filter(zone__in=versions).select_related("owner").order_by("id")
    seen: set[tuple[object, ...]] = set()
    for o in held:
        key = (o.owner_id, o.role, o.valid_from, o.valid_to)
        if key in seen:
            continue
        seen.add(key)
        who = {"owner": o.owner.name, "role": local_label(_ROLE_LABELS.get(o.role, o.role))}
        events.append((_moment(o.valid_from), {"kind": "owner_from", **who}))
        if o.valid_to is not None:
            events.append((_moment(o.valid_to), {"kind": "owner_to", **who}))
    steps = Transition.objects.filter(issue_id__in=issues.values("id"))
    for t in steps.order_by("-at", "-id")[:PANEL_HISTORY]:
        step = {"kind": "transition", "issue": t.issue_id, "action": t.action}
        step["action_label"] = action_label(t.action)
        step.update(from_status=t.from_status, to_status=t.to_status)
        events.append((_moment(t.at), step))
    events.sort(key=lambda e: e[0], reverse=True)
    return [{"at": at.isoformat(timespec="minutes"), **e} for at, e in events[:PANEL_HISTORY]]
