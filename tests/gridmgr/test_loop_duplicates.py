"""Reports of the same problem are offered as duplicates, and the centre merges them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gridmgr.casework.duplicates import find_duplicates
from gridmgr.casework.loop import TransitionError, apply, merge, receive
from gridmgr.casework.photos import add_photo
from gridmgr.models import Issue
from tests.loop import People, at, jpeg, spot
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def first_report(world: World) -> Issue:
    issue, _ = receive(*spot(world), world.categories["rubbish"], now=at(2026, 3, 2, 9))
    return issue


def test_a_report_next_to_an_open_one_is_offered_as_its_duplicate(world: World) -> None:
    first = first_report(world)
    received = receive(
        *world.move(*spot(world), 12, -5), world.categories["rubbish"], now=at(2026, 3, 2, 15)
    )
    issue, created = received  # still unpacks as before
    assert created and received.duplicates == [first]
    assert received.issue == issue


def test_far_other_old_or_closed_cases_are_not_duplicates(world: World) -> None:
    first = first_report(world)
    lon, lat = spot(world)
    rubbish, parking = world.categories["rubbish"], world.categories["parking"]
    assert find_duplicates(lon, lat, rubbish, at(2026, 3, 4, 9)) == [first]
    assert find_duplicates(*world.move(lon, lat, 40, 0), rubbish, at(2026, 3, 2, 10)) == []
    assert find_duplicates(lon, lat, parking, at(2026, 3, 2, 10)) == []
    assert find_duplicates(lon, lat, rubbish, at(2026, 3, 2, 9) + dt.timedelta(hours=73)) == []
    first.status = Issue.Status.CLOSED
    first.save()
    assert find_duplicates(lon, lat, rubbish, at(2026, 3, 2, 10)) == []


def test_the_centre_merges_a_duplicate_keeping_its_photos_and_reporter(
    world: World, people: People, media: Path
) -> None:
    first = first_report(world)
    twin, _ = receive(
        *world.move(*spot(world), 5, 5),
        world.categories["rubbish"],
        reporter_name="张三",
        reporter_contact="13800000000",
        now=at(2026, 3, 2, 10),
    )
    photo = add_photo(twin, jpeg())
    step = merge(twin, first, people.centre, "同一处垃圾", now=at(2026, 3, 2, 11))
    twin.refresh_from_db()
    assert twin.status == Issue.Status.CLOSED and twin.merged_into == first
    assert twin.closed_at == at(2026, 3, 2, 11)
    assert (step.action, step.comment, step.actor) == ("merge", "同一处垃圾", people.centre)
    assert list(twin.photos.all()) == [photo] and twin.reporter_name == "张三"
    assert list(first.merged.all()) == [twin]
    first.refresh_from_db()
    assert first.status == Issue.Status.REPORTED
    assert find_duplicates(*spot(world), world.categories["rubbish"], at(2026, 3, 2, 12)) == [first]


def test_a_merge_needs_the_centre_a_reason_and_an_open_target(world: World, people: People) -> None:
    first = first_report(world)
    twin, _ = receive(*spot(world), world.categories["rubbish"], now=at(2026, 3, 2, 10))
    with pytest.raises(TransitionError, match="may not 'merge'"):
        merge(twin, first, people.worker, "同一处")
    with pytest.raises(TransitionError, match="'merge' needs a reason"):
        merge(twin, first, people.centre, "")
    with pytest.raises(TransitionError, match="another case"):
        merge(twin, twin, people.centre, "同一处")
    apply(first, "reject", people.centre, comment="无此问题")
    with pytest.raises(TransitionError) as refused:
        merge(twin, first, people.centre, "同一处")
    assert "nothing can be merged into it" in refused.value.en
    twin.refresh_from_db()
    assert twin.status == Issue.Status.REPORTED and twin.merged_into is None
