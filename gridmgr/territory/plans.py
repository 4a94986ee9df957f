"""Zone plans: draft, preview, activate atomically, and re-route open issues."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from gridmgr.errors import NotFoundError, PlanError
from gridmgr.models import Issue, Layer, Plan, PlanActivation, Station, Zone
from gridmgr.routing import receipts
from gridmgr.routing.bulk import BulkRouter, BulkRoutes
from gridmgr.routing.copy_binary import copy_table

T = TypeVar("T")


def get_plan(name: str) -> Plan:
    """The plan called `name`."""
    try:
        return Plan.objects.get(name=name)
    except Plan.DoesNotExist:
        raise NotFoundError(f"没有名为“{name}”的方案", f"no plan named '{name}'") from None


def plan_or_new(name: str) -> Plan:
    """The plan called `name`, created as a draft when it is named for the first time."""
    return Plan.objects.get_or_create(name=name)[0]


def layer_or_new(name: str) -> Layer:
    """The layer called `name`, created below the existing ones when named for the first time."""
    layer = Layer.objects.filter(name=name).first() or Layer.objects.filter(name_en=name).first()
    if layer is None:
        rank = (Layer.objects.order_by("-rank").values_list("rank", flat=True).first() or 0) + 1
        layer = Layer.objects.create(name=name, name_en=name, rank=rank)
    return layer


@dataclass
class Handover:
    """Open issues that change hands in one layer."""

    layer: str
    from_owner: str
    to_owner: str
    count: int


@dataclass
class Preview:
    """What activating a plan would change."""

    plan: str
    layers: list[str]
    open_issues: int
    moved: int
    moves: list[Handover] = field(default_factory=list)


def _router_for(plan: Plan) -> BulkRouter:
    layers = list(plan.zones.order_by().values_list("layer_id", flat=True).distinct())
    return BulkRouter(
        "((z.active AND NOT z.layer_id = ANY(%(layers)s)) OR z.plan_id = %(plan)s)",
        {"layers": layers, "plan": plan.pk},
    )


def _open_points() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Raw SQL: lon/lat of every open issue into numpy; the ORM builds a GEOS point per row.
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, ST_X(location), ST_Y(location) FROM gridmgr_issue "
            "WHERE status = ANY(%s) ORDER BY id",
            [list(Issue.OPEN_STATUSES)],
        )
        rows = np.array(cur.fetchall(), dtype=np.float64).reshape(-1, 3)
    return rows[:, 0].astype(np.int64), rows[:, 1], rows[:, 2]


def _current_owners(ids: np.ndarray) -> dict[tuple[int, int], int | None]:
    # Raw SQL: one array parameter for every open issue; an __in would be one placeholder per id.
    with connection.cursor() as cur:
        cur.execute(
            "SELECT issue_id, layer_id, owner_id FROM gridmgr_routing WHERE issue_id = ANY(%s)",
            [ids.tolist()],
        )
        return {(i, lay): o for i, lay, o in cur.fetchall()}


def preview_plan(plan: Plan) -> Preview:
    """How many open issues would move, from whom to whom, if the plan were activated."""
    ids, lon, lat = _open_points()
    routes = _router_for(plan).route(lon, lat)
    before = _current_owners(ids)
    names = dict(Layer.objects.values_list("id", "name"))
    from gridmgr.models import Owner

    owner_names = dict(Owner.objects.values_list("id", "name"))
    counts: Counter[tuple[str, str, str]] = Counter()
    moved_issues: set[int] = set()
    for lay in routes.layers:
        for k, issue_id in enumerate(ids.tolist()):
            new = int(lay.owner[k]) if lay.owner[k] >= 0 else None
            old = before.get((issue_id, lay.layer_id))
            old_name = owner_names.get(old, "—") if old is not None else "—"
            new_name = owner_names.get(new, "—") if new is not None else "—"
            if new != old:
                moved_issues.add(issue_id)
                key = (names[lay.layer_id], old_name, new_name)
                counts[key] += 1
    layers = sorted(
        names[i] for i in plan.zones.order_by().values_list("layer_id", flat=True).distinct()
    )
    moves = [Handover(a, b, c, n) for (a, b, c), n in counts.most_common()]
    return Preview(plan.name, layers, len(ids), len(moved_issues), moves)


def moved_text(preview: Preview, done: bool = False) -> str:
    """The moves in both languages, worded as the editor words them (before or after)."""
    n, of = preview.moved, preview.open_issues
    if done:
        return f"在办问题 {of} 件中，{n} 件已换责任人 / {n} of {of} open cases changed hands"
    return f"在办问题 {of} 件中，{n} 件将换责任人 / {n} of {of} open cases will change hands"


@overload
def activate_plan(plan: Plan) -> Preview: ...


@overload
def activate_plan(plan: Plan, summarise: Callable[[Plan], T]) -> T: ...


@transaction.atomic
def activate_plan(plan: Plan, summarise: Callable[[Plan], Any] = preview_plan) -> Any:
    """Make the plan the active one for each of its layers, and re-route open issues.

    Returns `summarise(plan)` computed under the plan's lock just before the switch: by default
    the preview, i.e. exactly the open issues that change owner, from whom to whom.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    layer_ids = list(plan.zones.order_by().values_list("layer_id", flat=True).distinct())
    if not layer_ids:
        raise PlanError(f"方案“{plan.name}”没有任何区域", f"plan '{plan.name}' has no zones")
    summary = summarise(plan)
    _switch(plan, layer_ids)
    reroute_open_issues()
    return summary


def _switch(plan: Plan, layer_ids: list[int]) -> None:
    """Make the plan's zones the active ones of its layers; retire plans left with none."""
    now = timezone.now()
    for layer_id in layer_ids:
        current = PlanActivation.objects.filter(layer_id=layer_id, ended_at=None).first()
        if current is not None:
            if current.plan_id == plan.pk:
                continue
            current.ended_at = now
            current.save(update_fields=["ended_at"])
            Zone.objects.filter(plan_id=current.plan_id, layer_id=layer_id).update(active=False)
        PlanActivation.objects.create(plan=plan, layer_id=layer_id, started_at=now)
    Zone.objects.filter(plan=plan).update(active=True)
    _follow_codes(plan)
    plan.status = Plan.Status.ACTIVE
    plan.activated_at = now
    plan.save(update_fields=["status", "activated_at"])
    for old in Plan.objects.filter(status=Plan.Status.ACTIVE).exclude(pk=plan.pk):
        if not PlanActivation.objects.filter(plan=old, ended_at=None).exists():
            old.status = Plan.Status.RETIRED
            old.save(update_fields=["status"])


def _follow_codes(plan: Plan) -> None:
    """Move each station to the zone of its package area's code (the unit) in the new plan.

    Stations are few: the ORM looks them up, then the new plan's zones of their codes in one
    scan. A single UPDATE joining the zone table with itself was planned on stale statistics
    (a fresh database, a large activation) as a nested loop over all zones, and took minutes.
    """
    stations = list(
        Station.objects.exclude(package_area=None)
        .exclude(package_area__plan=plan)
        .values_list("id", "package_area__layer_id", "package_area__code")
    )
    codes = {code for _, _, code in stations}
    moved = {
        (layer, code): zone
        for zone, layer, code in Zone.objects.filter(plan=plan, code__in=codes).values_list(
            "id", "layer_id", "code"
        )
    }
    Station.objects.bulk_update(
        [
            Station(pk=station, package_area_id=moved[(layer, code)])
            for station, layer, code in stations
            if (layer, code) in moved
        ],
        ["package_area"],
    )


@transaction.atomic
def reroute_open_issues() -> int:
    """Route every open issue again against the active zones; returns how many."""
    ids, lon, lat = _open_points()
    if len(ids) == 0:
        return 0
    routes = BulkRouter().route(lon, lat)
    _rewrite_routings(ids, routes)
    return len(ids)


def _rewrite_routings(ids: np.ndarray, routes: BulkRoutes) -> None:
    """Point the issues at their new receipt sets and update their routing summary."""
    now = timezone.now()
    sets = receipts.store_sets(routes)
    # Raw SQL: a temporary table to COPY the new routes into.
    with connection.cursor() as cur:
        # ON COMMIT DROP does not help a second re-route within the same transaction.
        cur.execute("DROP TABLE IF EXISTS pg_temp.reroute")
        cur.execute(
            "CREATE TEMP TABLE reroute (id bigint, zone_id bigint, owner_id bigint, "
            "in_overlap bool, in_blind_spot bool, distance_m float8, receipt_set uuid) "
            "ON COMMIT DROP"
        )
    copy_table(
        "reroute",
        {
            "id": ids,
            "zone_id": routes.zone(),
            "owner_id": routes.owner(),
            "in_overlap": routes.in_overlap(),
            "in_blind_spot": routes.in_blind_spot(),
            "distance_m": routes.distance(),
            "receipt_set": sets,
        },
    )
    # Raw SQL: one UPDATE … FROM the copied routes for every open issue.
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE gridmgr_issue i SET zone_id = r.zone_id, owner_id = r.owner_id, "
            "in_overlap = r.in_overlap, in_blind_spot = r.in_blind_spot, "
            "distance_m = r.distance_m, receipt_set = r.receipt_set, routed_at = %s "
            "FROM reroute r WHERE i.id = r.id",
            [now],
        )
