"""The demo's issue taxonomy and a few hundred issues, routed and written as a bulk import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.utils import timezone
from shapely.geometry.base import BaseGeometry

from gridmgr.demo import data
from gridmgr.models import Category, Owner, Region
from gridmgr.routing.bulk import BulkRouter
from gridmgr.routing.issue_import import IssueBatch, insert_batch, route_batch

# Duplicates: this many later reports of the same problem, at the same spot and in the same
# category as an earlier issue (the history merges them into it).
DUPLICATES = 6
# Grid workers and inspectors report on patrol, between these local hours; citizens any time.
PATROL_HOURS = (8.0, 18.5)
PATROL_SOURCES = ("grid_worker", "inspector")


@dataclass(frozen=True)
class DemoIssues:
    """What add_issues made: the number of issues, and which repeats which (external ids)."""

    count: int
    duplicates: dict[str, str] = field(default_factory=dict)  # duplicate → the earlier issue


def add_categories(departments: dict[str, Owner]) -> list[Category]:
    """The two-level taxonomy of events and components, with departments and time limits."""
    made: dict[str, Category] = {}
    for spec in data.CATEGORIES:
        value, unit = spec.limit or (None, Category.LimitUnit.HOURS)
        made[spec.code] = Category.objects.create(
            code=spec.code,
            kind=Category.Kind.EVENT if spec.code[0] == "E" else Category.Kind.COMPONENT,
            parent=made.get(spec.code[:3]) if len(spec.code) > 3 else None,
            name=spec.name,
            name_en=spec.name_en,
            department=departments[spec.department],
            limit_value=value,
            limit_unit=unit,
            is_focus=spec.focus,
        )
    return list(made.values())


def sample_points(area: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """n uniform random lon/lat points inside an area (rejection sampling)."""
    found = np.empty((0, 2))
    if area.is_empty or n <= 0:
        return found
    minx, miny, maxx, maxy = area.bounds
    shapely.prepare(area)
    while len(found) < n:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(4 * n, 2))
        found = np.vstack([found, xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])]])
    return found[:n]


def issue_points(
    outline: BaseGeometry, spots: Sequence[tuple[BaseGeometry, int]], rng: np.random.Generator
) -> np.ndarray:
    """Points over the district, with a few in each spot that must show a flag."""
    forced = [sample_points(area, n, rng) for area, n in spots]
    rest = data.ISSUE_COUNT - sum(len(p) for p in forced)
    return np.vstack([*forced, sample_points(outline, rest, rng)])


def add_issues(
    outline: BaseGeometry,
    spots: Sequence[tuple[BaseGeometry, int]],
    categories: Sequence[Category],
    rng: np.random.Generator,
    now: dt.datetime | None = None,
) -> DemoIssues:
    """Create the demo's issues over the focus categories as a bulk import, all reported.

    Their steps after the report are written by gridmgr.demo.history.
    """
    focus = [c for c in categories if c.is_focus]
    weights = np.array([next(s.weight for s in data.CATEGORIES if s.code == c.code) for c in focus])
    xy = issue_points(outline, spots, rng)
    n = len(xy)
    pick = rng.choice(len(focus), size=n, p=weights / weights.sum())
    age = rng.uniform(0, data.ISSUE_DAYS, size=n)
    source = rng.choice(list(data.SOURCES), size=n, p=_shares(data.SOURCES))
    forced = sum(k for _area, k in spots)
    duplicates = _repeat_some(xy, pick, age, source, forced, rng)
    now = now or timezone.now()
    external_ids = [f"DEMO-{k + 1:05d}" for k in range(n)]
    batch = IssueBatch(
        xy[:, 0],
        xy[:, 1],
        np.array([focus[k].pk for k in pick], dtype=np.int64),
        np.array([focus[k].department_id for k in pick], dtype=np.int64),
        external_id=list[str | None](external_ids),
        reported_at=_report_times(now, age, source, rng),
    )
    routes = route_batch(batch, BulkRouter())
    batch.description = _descriptions(routes.region, [focus[k] for k in pick], rng)
    keep = np.flatnonzero(~routes.outside)
    for name in data.SOURCES:
        idx = keep[source[keep] == name]
        part = batch.take(idx)
        part.source = name
        insert_batch(part, routes.take(idx))
    kept = set(keep.tolist())
    pairs = {external_ids[d]: external_ids[t] for d, t in duplicates if d in kept and t in kept}
    return DemoIssues(len(keep), pairs)


def _repeat_some(
    xy: np.ndarray,
    pick: np.ndarray,
    age: np.ndarray,
    source: np.ndarray,
    first: int,
    rng: np.random.Generator,
) -> list[tuple[int, int]]:
    """Make DUPLICATES issues later reports (by citizens) of earlier ones, a few metres away.

    Only the points drawn over the whole district take part (from `first` on), not those
    placed in the spots that show the coverage faults; the earlier issue is 3 to 50 days old.
    """
    free = np.arange(max(first, 0), len(xy))
    older = free[(age[free] > 3) & (age[free] < 50)]
    chosen = rng.choice(older, size=2 * DUPLICATES, replace=False)
    pairs = []
    for target, dup in zip(chosen[:DUPLICATES], chosen[DUPLICATES:], strict=True):
        xy[dup] = xy[target] + rng.uniform(-8e-5, 8e-5, size=2)  # within ~10 m
        pick[dup] = pick[target]
        age[dup] = age[target] - rng.uniform(0.05, 1.0)
        source[dup] = rng.choice(["citizen", "hotline"])
        pairs.append((int(dup), int(target)))
    return pairs


def _report_times(
    now: dt.datetime, age: np.ndarray, source: np.ndarray, rng: np.random.Generator
) -> list[dt.datetime]:
    """When each issue was reported: `age` days ago, on patrol hours for patrol sources."""
    out = []
    start, end = PATROL_HOURS
    for days, src, hour in zip(age, source, rng.uniform(start, end, size=len(age)), strict=True):
        moment = now - dt.timedelta(days=float(days))
        if src in PATROL_SOURCES:
            local = timezone.localtime(moment)
            midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
            moment = midnight + dt.timedelta(hours=float(hour))
            if moment > now:
                moment -= dt.timedelta(days=1)
        out.append(moment)
    return out


def _shares(shares: dict[str, int]) -> np.ndarray:
    weights = np.array(list(shares.values()), dtype=float)
    return weights / weights.sum()


def _descriptions(
    region_ids: np.ndarray, categories: Sequence[Category], rng: np.random.Generator
) -> list[str]:
    names = {r.pk: r.name for r in Region.objects.all()}
    places = rng.choice(list(data.PLACES), size=len(region_ids))
    return [
        f"{names.get(int(r), data.DISTRICT_NAME)}{place}：{c.name} / {c.name_en}"
        for r, place, c in zip(region_ids, places, categories, strict=True)
    ]
