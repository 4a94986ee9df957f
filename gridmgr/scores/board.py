"""The evaluation scoreboard (综合评价): measures of the closed loop per unit over a period.

A unit is a sector (板块), a package area (驻点包片区), a grid worker (网格员) or a functional
department (条线部门). The period runs from `start` 00:00 to `end` 24:00, local time
(settings.TIME_ZONE), both days included. Every figure is computed in one SQL query.

Which issues count:
- an issue belongs to the period when its registered_at (立案时间) falls in it; issues never
  registered (reported only, or rejected) are not cases and are not counted; a case merged into
  another counts once, as the case it was merged into;
- a case belongs to the zone of its routing receipt for the unit's layer (sector: the top layer
  whose owner_role is sector_lead; package area: the top layer whose owner_role is
  stationed_cadre), to the owner of its unit-grid routing receipt (grid worker: the layer marked
  is_unit_grid, else the deepest with owner_role grid_worker), or to Issue.department;
- a zone unit is a zone code of the layer across plan versions (gridmgr.territory.lineage): a
  redrawn plan that keeps a code keeps one row for it, named after its zone in force; a code
  the plan in force no longer has keeps its own row, marked retired, merged into or split into
  the codes that took its land, and a new code is marked new (Lineage on ScoreRow);
- a receipt without a zone (territorial fallback, 属地兜底) is counted on a row of its own per
  territorial owner, named after that owner; a case without receipt, owner or department on an
  "unassigned" row, so that every unit type adds up to the same number of cases.

The measures of each unit:
- registered (立案数): cases registered in the period;
- closed (结案数): of those, the ones now closed (status closed and closed_at set);
- closure rate (结案率) = closed / registered;
- on-time closure rate (按期结案率) = (closed with closed_at <= due_at, or with no due_at) / closed;
- rework rate (返工率) = handled cases sent back at least once (rework_count > 0) / handled
  cases, where handled means reported back at least once (handled_at set, or status handled
  or closed);
- overdue (超期数): cases still open (Issue.OPEN_STATUSES) whose due_at is before the reckoning
  time — the end of the period, or now if the period has not ended — plus cases closed after
  their due_at; a suspended case is reckoned by its current due_at like any open one;
- median handling time (处置时长中位数): the median, percentile_cont(0.5), of closed_at −
  dispatched_at in wall-clock hours over the closed cases that were dispatched.
A rate or median without a denominator is None (shown as "—"), never 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

from gridmgr.errors import GridError
from gridmgr.i18n import local_label
from gridmgr.models import Issue, Layer
from gridmgr.territory.lineage import Lineage, lineages
from gridmgr.validators import years_refusal  # a scoreboard of year 9999 is a typing error


class ScoreError(GridError):
    """A scoreboard request that cannot be answered: unknown unit type or an empty period."""


@dataclass(frozen=True)
class UnitType:
    """A kind of unit that is scored, and the owner role of its layer (None: departments)."""

    key: str
    zh: str
    en: str
    owner_role: str | None


UNITS = {
    u.key: u
    for u in (
        UnitType("sector", "板块", "sector", "sector_lead"),
        UnitType("package_area", "驻点包片区", "package area", "stationed_cadre"),
        UnitType("grid_worker", "网格员", "grid worker", "grid_worker"),
        UnitType("department", "条线部门", "department", None),
    )
}


@dataclass(frozen=True)
class Measure:
    """A measure of the scoreboard: the ScoreRow attribute, its labels, and how to show it."""

    key: str
    zh: str
    en: str
    kind: str  # "count", "rate" (a fraction 0..1) or "hours"
    tone: str  # "good" when high is good, "bad" when high is bad, else "neutral"


MEASURES = (
    Measure("registered", "立案数", "registered", "count", "neutral"),
    Measure("closed", "结案数", "closed", "count", "good"),
    Measure("closure_rate", "结案率", "closure rate", "rate", "good"),
    Measure("on_time_rate", "按期结案率", "on-time closure rate", "rate", "good"),
    Measure("rework_rate", "返工率", "rework rate", "rate", "bad"),
    Measure("overdue", "超期数", "overdue", "count", "bad"),
    Measure("median_hours", "处置时长中位数（小时）", "median handling time (h)", "hours", "bad"),
)

FALLBACK_SUFFIX = "（属地兜底 / fallback）"
UNASSIGNED_NAME = "未指定 / unassigned"


@dataclass(frozen=True)
class ScoreRow:
    """The measures of one unit; zone_id (its zone in force, else its last) for zone units,
    owner_id for people and departments."""

    zone_id: int | None
    owner_id: int | None
    code: str
    name: str
    owner: str  # owners of the zone on the counted receipts, "、"-separated; "" for people
    registered: int
    closed: int
    on_time: int
    handled: int
    reworked: int
    overdue: int
    closure_rate: float | None
    on_time_rate: float | None
    rework_rate: float | None
    median_hours: float | None
    lineage: Lineage | None = None  # zone units whose plan changed: retired, new, split, merged


_SQL = """
WITH base AS (
  SELECT {unit} AS unit_code, {person} AS person_id, {owner} AS owner_id,
    i.due_at, i.dispatched_at, i.closed_at, i.rework_count > 0 AS reworked,
    i.status = ANY(%(open)s) AS is_open,
    i.status = 'closed' AND i.closed_at IS NOT NULL AS is_closed,
    i.handled_at IS NOT NULL OR i.status IN ('handled', 'closed') AS was_handled
  FROM gridmgr_issue i {join}
  WHERE i.registered_at >= %(start)s AND i.registered_at < %(end)s
    AND i.merged_into_id IS NULL
), agg AS (
  SELECT b.unit_code, b.person_id,
    string_agg(DISTINCT o.name, '、' ORDER BY o.name) AS owners,
    count(*) AS registered,
    count(*) FILTER (WHERE b.is_closed) AS closed,
    count(*) FILTER (WHERE b.is_closed AND (b.due_at IS NULL OR b.closed_at <= b.due_at))
      AS on_time,
    count(*) FILTER (WHERE b.was_handled) AS handled,
    count(*) FILTER (WHERE b.was_handled AND b.reworked) AS reworked,
    count(*) FILTER (WHERE (b.is_open AND b.due_at < %(cutoff)s)
                        OR (b.is_closed AND b.closed_at > b.due_at)) AS overdue,
    percentile_cont(0.5) WITHIN GROUP
      (ORDER BY extract(epoch FROM b.closed_at - b.dispatched_at) / 3600.0)
      FILTER (WHERE b.is_closed AND b.dispatched_at IS NOT NULL) AS median_hours
  FROM base b LEFT JOIN gridmgr_owner o ON o.id = b.owner_id
  GROUP BY b.unit_code, b.person_id
), named AS (
  -- Each code's zone in force, else its zone of the plan in force last: the row's name.
  SELECT DISTINCT ON (z.code) z.code, z.id, z.name FROM gridmgr_zone z
  LEFT JOIN gridmgr_planactivation pa ON pa.plan_id = z.plan_id AND pa.layer_id = z.layer_id
  WHERE z.layer_id = %(zone_layer)s AND (z.active OR pa.id IS NOT NULL)
  ORDER BY z.code, z.active DESC, pa.started_at DESC NULLS LAST, z.id DESC
)
SELECT n.id, a.person_id, coalesce(a.unit_code, ''), coalesce(n.name, p.name, a.unit_code),
  coalesce(a.owners, ''), a.registered, a.closed, a.on_time, a.handled, a.reworked, a.overdue,
  a.closed::float / nullif(a.registered, 0),
  a.on_time::float / nullif(a.closed, 0),
  a.reworked::float / nullif(a.handled, 0),
  a.median_hours
FROM agg a
LEFT JOIN named n ON n.code = a.unit_code
LEFT JOIN gridmgr_owner p ON p.id = a.person_id
ORDER BY a.unit_code IS NULL AND a.person_id IS NULL, a.unit_code, p.name, a.person_id
"""

_ROUTING = "LEFT JOIN gridmgr_receipt r ON r.set_id = i.receipt_set AND r.layer_id = %(layer)s"

# Per unit kind: the unit (a zone code: one unit across plan versions), the person (owner or
# department) and the owners listed for a row.
_BY_ZONE = {
    "unit": "z.code",
    "person": "CASE WHEN r.zone_id IS NULL THEN r.owner_id END",
    "owner": "r.owner_id",
    "join": f"{_ROUTING} LEFT JOIN gridmgr_zone z ON z.id = r.zone_id",
}
_BY_OWNER = {"unit": "NULL::text", "person": "r.owner_id", "owner": "NULL::bigint"}
_QUERIES = {
    "sector": _SQL.format(**_BY_ZONE),
    "package_area": _SQL.format(**_BY_ZONE),
    "grid_worker": _SQL.format(**_BY_OWNER, join=_ROUTING),
    "department": _SQL.format(
        unit="NULL::text", person="i.department_id", owner="NULL::bigint", join=""
    ),
}


def unit_layer(unit: str) -> Layer | None:
    """The layer whose routing receipts place a case in a unit of this kind (None if none)."""
    role = UNITS[unit].owner_role
    if role is None:
        return None
    if unit == "grid_worker":
        grids = Layer.objects.filter(is_unit_grid=True).order_by("-rank", "name")
        return grids.first() or Layer.objects.filter(owner_role=role).order_by("-rank").first()
    return Layer.objects.filter(owner_role=role).order_by("rank", "name").first()


def check_period(start: dt.date, end: dt.date) -> None:
    """Refuse a period that ends before it starts or lies outside the accepted years."""
    if end < start:
        raise ScoreError(
            f"结束日期 {end} 早于开始日期 {start}", f"the end {end} is before the start {start}"
        )
    if why := years_refusal(start.year, end.year):
        raise ScoreError(f"期间{why[0]}", f"the period {why[1]}")


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The aware datetimes [start 00:00, the day after end 00:00) in local time."""
    check_period(start, end)
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    return begin, dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def scoreboard(unit: str, start: dt.date, end: dt.date) -> list[ScoreRow]:
    """The measures of every unit of a kind with cases registered from start to end."""
    if unit not in UNITS:
        raise ScoreError(f"未知的评价对象：{unit}", f"unknown unit type: {unit}")
    begin, until = period_bounds(start, end)
    layer = unit_layer(unit)
    if UNITS[unit].owner_role is not None and layer is None:
        return []
    params: dict[str, Any] = {
        "start": begin,
        "end": until,
        "cutoff": min(until, timezone.now()),
        "open": list(Issue.OPEN_STATUSES),
        "layer": layer.pk if layer else None,
        "zone_layer": layer.pk if layer and unit in ("sector", "package_area") else None,
    }
    # Raw SQL: every measure of every unit in one statement (FILTER, percentile_cont).
    with connection.cursor() as cur:
        cur.execute(_QUERIES[unit], params)
        rows = [_row(unit, r) for r in cur.fetchall()]
    if layer is None or unit not in ("sector", "package_area"):
        return rows
    found = lineages(layer, [r.code for r in rows if r.code])
    return [_with_lineage(r, found.get(r.code)) for r in rows]


def _row(unit: str, r: tuple) -> ScoreRow:
    zone_id, owner_id, code, name, *rest = r
    if not code and owner_id is None:
        name = UNASSIGNED_NAME
    elif not code and unit in ("sector", "package_area"):
        name = f"{name}{FALLBACK_SUFFIX}"
    return ScoreRow(zone_id, owner_id, code, name, *rest)


def _with_lineage(row: ScoreRow, lineage: Lineage | None) -> ScoreRow:
    if lineage is None or not lineage.changed:
        return row
    return replace(row, lineage=lineage)


def ranked(rows: list[ScoreRow], measure: str, n: int) -> list[ScoreRow]:
    """The n units with the highest value of a measure (units without a value left out)."""
    valued = [r for r in rows if getattr(r, measure) is not None]
    return sorted(valued, key=lambda r: (-getattr(r, measure), r.code, r.name))[:n]


def row_label(name: str) -> str:
    """A row's name as the page and the workbook show it: the bilingual marks in one language."""
    if name == UNASSIGNED_NAME:
        return local_label(name)
    if name.endswith(FALLBACK_SUFFIX):
        base = name.removesuffix(FALLBACK_SUFFIX)
        return gettext("%(name)s（属地兜底）") % {"name": base}
    return name
