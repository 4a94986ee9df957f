"""Spots where the same category keeps coming back are found and listed by unit grid."""

from __future__ import annotations

import datetime as dt

import pytest

from gridmgr.casework.repeats import repeat_spots
from gridmgr.casework.report import report_issue
from gridmgr.models import Issue, Zone
from tests.loop import at, spot
from tests.world import World, full_cells

NOW = at(2026, 6, 1, 12)

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def report(world: World, east_m: float, days_ago: int, category: str = "rubbish") -> Issue:
    lon, lat = world.move(*spot(world, 5), east_m, 0)
    when = NOW - dt.timedelta(days=days_ago)
    return report_issue(lon, lat, world.categories[category], reported_at=when)


def test_a_spot_with_the_same_category_coming_back_is_listed(world: World) -> None:
    old = report(world, 0, 40)
    old.status = Issue.Status.CLOSED  # fixed, then came back
    old.save()
    report(world, 15, 20)
    last = report(world, -10, 2)
    report(world, 0, 3, "parking")  # another category
    report(world, 0, 4, "parking")
    report(world, 400, 1)  # far away
    [found] = repeat_spots(now=NOW)
    assert (found.category, found.count) == (world.categories["rubbish"], 3)
    assert found.first_reported == NOW - dt.timedelta(days=40)
    assert found.last_reported == last.reported_at
    assert found.zone == full_cells(world.subs["S3"], world.grid)[5]
    assert found.zone_code == found.zone.code and found.owner == world.owners["网格员S3"]
    assert found.centre.distance(last.location) < 0.001


def test_only_the_recent_days_count(world: World) -> None:
    for days_ago in (100, 50, 2):
        report(world, 0, days_ago)
    assert repeat_spots(now=NOW) == []  # 90 days by default: only two
    assert [s.count for s in repeat_spots(days=120, now=NOW)] == [3]


def test_spots_are_listed_inside_a_zone_only(world: World) -> None:
    for k in range(3):
        report(world, k * 10, k)
    s3 = Zone.objects.active().get(layer=world.sector, code="S3")
    s1 = Zone.objects.active().get(layer=world.sector, code="S1")
    assert [s.count for s in repeat_spots(zone=s3, now=NOW)] == [3]
    assert repeat_spots(zone=s1, now=NOW) == []


def test_rejected_and_merged_reports_do_not_count(world: World) -> None:
    first, second, third = (report(world, k * 5, k) for k in range(3))
    second.status = Issue.Status.REJECTED
    second.save()
    assert repeat_spots(now=NOW) == []
    second.status, second.merged_into = Issue.Status.CLOSED, first
    second.save()
    assert repeat_spots(now=NOW) == []
    second.merged_into = None
    second.save()
    assert [s.issue_ids for s in repeat_spots(now=NOW)] == [[third.pk, second.pk, first.pk]]
