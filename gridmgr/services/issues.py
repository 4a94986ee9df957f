"""Report an issue: store it and assign it to its zones, owners and department at once."""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone

from geodata.coords import to_wgs84
from geodata.validate import check_lonlat
from gridmgr.errors import UnknownCategoryError
from gridmgr.models import Category, Issue, Routing
from gridmgr.services.routing import Route, route_point


def find_category(code_or_name: str) -> Category:
    """The category with this code, Chinese name or English name."""
    key = code_or_name.strip()
    found = (
        Category.objects.filter(code=key).first()
        or Category.objects.filter(name=key).first()
        or Category.objects.filter(name_en__iexact=key).first()
    )
    if found is None:
        raise UnknownCategoryError(f"未知的问题类别：{key}", f"unknown category: {key}")
    return found


def department_of(category: Category) -> int | None:
    """The handling department of a category, inherited from its parent when unset."""
    if category.department_id is not None:
        return category.department_id
    if category.parent_id is not None:
        return Category.objects.get(pk=category.parent_id).department_id
    return None


def report_issue(
    lon: float,
    lat: float,
    category: Category,
    *,
    description: str = "",
    source: str = "grid_worker",
    reported_at: dt.datetime | None = None,
    external_id: str | None = None,
    coord_sys: str = "wgs84",
) -> Issue:
    """Create an issue at a point (in `coord_sys`) and route it."""
    if coord_sys not in ("wgs84", "cgcs2000"):
        xs, ys = to_wgs84(lon, lat, coord_sys)
        lon, lat = float(xs), float(ys)
    check_lonlat(lon, lat, "问题位置 / issue location")
    # The route also reads the department (department_of), in the same statement.
    route = route_point(lon, lat, category=category)
    issue = Issue(
        location=Point(lon, lat, srid=4326),
        category=category,
        description=description,
        source=source,
        reported_at=reported_at or timezone.now(),
        external_id=external_id,
    )
    with transaction.atomic():
        apply_route(issue, route, route.department_id)
        issue.save()
        save_routings(issue, route, new=True)
    return issue


def apply_route(issue: Issue, route: Route, department_id: int | None) -> None:
    """Copy the summary of a route onto the issue."""
    issue.region_id = route.region_id
    issue.zone_id = route.zone_id
    issue.owner_id = route.owner_id
    issue.department_id = department_id
    issue.in_overlap = route.in_overlap
    issue.in_blind_spot = route.in_blind_spot
    issue.distance_m = route.distance_m
    issue.routed_at = timezone.now()


_ROUTING_COLUMNS = "issue_id, layer_id, zone_id, plan_id, owner_id, rule, distance_m, routed_at"


def save_routings(issue: Issue, route: Route, *, new: bool = False) -> None:
    """Store (or replace) the routing receipt of an issue, one row per layer.

    `new`: the issue was inserted just now, so it has no receipt to replace yet. The rows go
    in one plain INSERT: what bulk_create would send, without building a model per row (the
    receipt of every reported issue is written here, on the hot path).
    """
    if not new:
        Routing.objects.filter(issue=issue).delete()
    if not route.layers:
        return
    when = issue.routed_at or timezone.now()
    rows = [
        (issue.pk, r.layer_id, r.zone_id, r.plan_id, r.owner_id, str(r.rule), r.distance_m, when)
        for r in route.layers
    ]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {Routing._meta.db_table} ({_ROUTING_COLUMNS}) VALUES {values}",
            [v for row in rows for v in row],
        )
