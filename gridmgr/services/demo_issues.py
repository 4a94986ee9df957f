"""The demo's issue taxonomy and a few hundred issues, routed by the bulk intake."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import shapely
from django.utils import timezone
from shapely.geometry.base import BaseGeometry

from gridmgr.models import Category, Issue, Owner, Region
from gridmgr.services import demo_data as data
from gridmgr.services.bulk import BulkRouter
from gridmgr.services.intake import IssueBatch, insert_batch, route_batch

# Status shares by the age of an issue (days): recent ones are still open, old ones closed.
STATUS_BY_AGE: tuple[tuple[float, dict[str, int]], ...] = (
    (5, {"reported": 25, "registered": 20, "dispatched": 25, "handling": 20, "handled": 10}),
    (20, {"dispatched": 10, "handling": 20, "handled": 15, "closed": 50, "rejected": 5}),
    (1e9, {"handling": 5, "suspended": 5, "closed": 85, "rejected": 5}),
)


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


def statuses(age_days: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A plausible status for each issue, by its age."""
    out = np.empty(len(age_days), dtype=object)
    lower = 0.0
    for upper, shares in STATUS_BY_AGE:
        idx = np.flatnonzero((age_days >= lower) & (age_days < upper))
        out[idx] = rng.choice(list(shares), size=len(idx), p=_shares(shares))
        lower = upper
    return out


def add_issues(
    outline: BaseGeometry,
    spots: Sequence[tuple[BaseGeometry, int]],
    categories: Sequence[Category],
    rng: np.random.Generator,
) -> int:
    """Create the demo's issues over the focus categories through the bulk intake."""
    focus = [c for c in categories if c.is_focus]
    weights = np.array([next(s.weight for s in data.CATEGORIES if s.code == c.code) for c in focus])
    xy = issue_points(outline, spots, rng)
    n = len(xy)
    pick = rng.choice(len(focus), size=n, p=weights / weights.sum())
    age = rng.uniform(0, data.ISSUE_DAYS, size=n)
    now = timezone.now()
    batch = IssueBatch(
        xy[:, 0],
        xy[:, 1],
        np.array([focus[k].pk for k in pick], dtype=np.int64),
        np.array([focus[k].department_id for k in pick], dtype=np.int64),
        external_id=[f"DEMO-{k + 1:05d}" for k in range(n)],
        reported_at=[now - dt.timedelta(days=float(a)) for a in age],
    )
    routes = route_batch(batch, BulkRouter())
    batch.description = _descriptions(routes.region, [focus[k] for k in pick], rng)
    keep = np.flatnonzero(~routes.outside)
    source = rng.choice(list(data.SOURCES), size=n, p=_shares(data.SOURCES))
    status = statuses(age, rng)
    for name in data.SOURCES:
        idx = keep[source[keep] == name]
        part = batch.take(idx)
        part.source = name
        ids = insert_batch(part, routes.take(idx))
        for value in set(status[idx]):
            Issue.objects.filter(pk__in=ids[status[idx] == value].tolist()).update(status=value)
    return len(keep)


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
