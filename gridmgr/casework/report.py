"""Report an issue: store it and assign it to its zones, owners and department at once."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from typing import Any

from django.contrib.gis.geos import Point
from django.db import connection, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field
from django.utils import timezone

from geodata.coords import to_wgs84
from geodata.validate import check_lonlat
from gridmgr.errors import UnknownCategoryError
from gridmgr.models import Category, Issue, Receipt, Transition
from gridmgr.routing import receipts
from gridmgr.routing.point import Route, route_point
from gridmgr.routing.prepared import prepared_cursor


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


def routed_issue(
    lon: float, lat: float, category: Category, *, coord_sys: str = "wgs84", **fields: Any
) -> tuple[Issue, Route]:
    """An unsaved issue at a point (in `coord_sys`), routed; `fields` are its other values."""
    if coord_sys not in ("wgs84", "cgcs2000"):
        xs, ys = to_wgs84(lon, lat, coord_sys)
        lon, lat = float(xs), float(ys)
    check_lonlat(lon, lat, "问题位置 / issue location")
    # The route also reads the department (routing.categories.department_of), in the same statement.
    route = route_point(lon, lat, category=category)
    fields.setdefault("reported_at", timezone.now())
    issue = Issue(location=Point(lon, lat, srid=4326), category=category, **fields)
    apply_route(issue, route, route.department_id)
    return issue, route


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
    issue, route = routed_issue(
        lon,
        lat,
        category,
        coord_sys=coord_sys,
        description=description,
        source=source,
        reported_at=reported_at or timezone.now(),
        external_id=external_id,
    )
    insert_issue(issue, route)
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
    issue.receipt_set = receipts.set_id(route.layers)
    issue.routed_at = timezone.now()


# A new issue, its routing receipts and its first step go in one statement: atomic without a
# transaction of its own, one round trip, and no model instance per receipt (the hot path of
# every report). An issue whose idempotency key is taken inserts nothing at all. The receipts
# go as one JSON list, so that the statement is the same whatever the number of layers; they
# join the issue's receipt set, which usually exists already (gridmgr/routing/receipts.py).
_RECEIPT_KEYS = ("layer_id", "zone_id", "plan_id", "owner_id", "rule", "distance_m")
# Field types whose Python values the driver takes as they are (get_db_prep_save would
# return them unchanged on PostgreSQL, at a cost that shows on the hot path).
_AS_IS = {
    models.BooleanField,
    models.CharField,
    models.DateTimeField,
    models.FloatField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveSmallIntegerField,
    models.TextField,
}


@functools.cache
def _writable(model: type[models.Model], skip: tuple[str, ...]) -> list[tuple[Field, bool]]:
    """The columns of `model` to insert, each with whether its value goes as it is."""
    return [(f, _as_is(f)) for f in model._meta.concrete_fields if f.name not in skip]


def _as_is(field: Field) -> bool:
    stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    return type(field) in _AS_IS and not stamped


def _row(obj: models.Model, skip: tuple[str, ...], db: BaseDatabaseWrapper) -> list[Any]:
    return [
        getattr(obj, f.attname) if as_is else f.get_db_prep_save(f.pre_save(obj, True), db)
        for f, as_is in _writable(type(obj), skip)
    ]


def _columns(model: type[models.Model], skip: tuple[str, ...]) -> str:
    return ", ".join(connection.ops.quote_name(str(f.column)) for f, _ in _writable(model, skip))


_ISSUE_SKIP, _STEP_SKIP = ("id",), ("id", "issue")


@functools.cache
def _insert_sql(step: bool) -> str:
    """The statement writing an issue, its receipts and, with `step`, a transition."""
    table = Receipt._meta.db_table
    places = ", ".join(["%s"] * len(_writable(Issue, _ISSUE_SKIP)))
    parts = [
        f"WITH issue AS (INSERT INTO {Issue._meta.db_table} ({_columns(Issue, _ISSUE_SKIP)})"
        f" VALUES ({places})"
        " ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING"
        " RETURNING id)",
        f"receipts AS (INSERT INTO {table} (set_id, {', '.join(_RECEIPT_KEYS)})"
        f" SELECT %s::uuid, {', '.join('r.' + k for k in _RECEIPT_KEYS)}"
        f" FROM issue, json_populate_recordset(NULL::{table}, %s::json) AS r"
        " ON CONFLICT (set_id, layer_id) DO NOTHING)",
    ]
    if step:
        places = ", ".join(["%s"] * len(_writable(Transition, _STEP_SKIP)))
        parts.append(
            f"step AS (INSERT INTO {Transition._meta.db_table}"
            f" (issue_id, {_columns(Transition, _STEP_SKIP)}) SELECT issue.id, {places} FROM issue)"
        )
    return ", ".join(parts) + " SELECT id FROM issue"


def insert_issue(issue: Issue, route: Route, step: Transition | None = None) -> bool:
    """Store a new routed issue with a receipt per layer and, if given, its first step.

    False, and nothing stored, when another issue already has its idempotency key.
    """
    db = connections[connection.alias]  # not the proxy: each attribute read through it costs
    # A LayerRoute's attributes are named as the receipt's columns.
    layer_receipts = [{k: getattr(r, k) for k in _RECEIPT_KEYS} for r in route.layers]
    params = [
        *_row(issue, _ISSUE_SKIP, db),
        issue.receipt_set,
        json.dumps(layer_receipts),
    ]
    if step is not None:
        params += _row(step, _STEP_SKIP, db)
    # Inside a transaction, a savepoint keeps a refused insert from spoiling the rest of it.
    guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    # Raw SQL: intake's hot path, issue, receipts and first step in one prepared statement.
    with guard, prepared_cursor() as cur:
        cur.execute(_insert_sql(step is not None), params)
        row = cur.fetchone()
    if row is None:
        return False
    issue.pk = row[0]
    issue._state.adding, issue._state.db = False, connection.alias
    return True
