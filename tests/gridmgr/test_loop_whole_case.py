"""A case goes round the whole loop through the services, each step taken by the right role."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridmgr.casework.loop import allowed_actions, apply, receive
from gridmgr.casework.photos import add_photo
from gridmgr.casework.timeline import timeline
from gridmgr.models import Issue, Notification
from tests.loop import People, at, jpeg, spot
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def test_a_case_goes_from_report_to_closure_with_who_when_and_why(
    world: World, people: People, media: Path
) -> None:
    monday = at(2026, 3, 2, 9)
    issue, created = receive(
        *spot(world),
        world.categories["rubbish"],
        actor=people.worker,
        source="grid_worker",
        now=monday,
    )
    assert created and issue.status == Issue.Status.REPORTED and issue.tracking_number
    apply(issue, "register", people.centre, comment="属实", now=at(2026, 3, 2, 9, 10))
    apply(issue, "dispatch", people.centre, now=at(2026, 3, 2, 9, 20))
    # 4 working hours from 09:20: 2 h 40 before lunch, 1 h 20 after 13:30.
    assert issue.due_at == at(2026, 3, 2, 14, 50)
    apply(issue, "accept", people.worker, now=at(2026, 3, 2, 10))
    add_photo(issue, jpeg(), kind="evidence")
    apply(issue, "handle", people.worker, comment="已清运", now=at(2026, 3, 2, 11))
    apply(issue, "verify", people.inspector, comment="现场核查无垃圾", now=at(2026, 3, 2, 15))

    assert issue.status == Issue.Status.CLOSED
    assert issue.registered_at == at(2026, 3, 2, 9, 10)
    assert issue.dispatched_at == at(2026, 3, 2, 9, 20)
    assert issue.handled_at == at(2026, 3, 2, 11)
    assert issue.closed_at == at(2026, 3, 2, 15)
    assert issue.handler == people.worker
    steps = list(issue.transitions.values_list("action", "actor__username", "to_status"))
    assert steps == [
        ("report", "worker", "reported"),
        ("register", "centre", "registered"),
        ("dispatch", "centre", "dispatched"),
        ("accept", "worker", "handling"),
        ("handle", "worker", "handled"),
        ("verify", "inspector", "closed"),
    ]
    assert issue.transitions.get(action="verify").comment == "现场核查无垃圾"


def test_evidence_photos_are_attached_to_the_report_back(
    world: World, people: People, media: Path
) -> None:
    issue, _ = receive(*spot(world), world.categories["rubbish"], now=at(2026, 3, 2, 9))
    apply(issue, "register", people.centre, now=at(2026, 3, 2, 9))
    apply(issue, "dispatch", people.centre, now=at(2026, 3, 2, 9))
    apply(issue, "accept", people.handler, now=at(2026, 3, 2, 9, 30))
    photo = add_photo(issue, jpeg(), kind="evidence")
    handled = apply(issue, "handle", people.handler, now=at(2026, 3, 2, 10))
    photo.refresh_from_db()
    assert photo.transition == handled


def test_each_role_is_offered_only_its_own_steps(world: World, people: People) -> None:
    issue, _ = receive(*spot(world), world.categories["rubbish"], now=at(2026, 3, 2, 9))
    assert allowed_actions(people.worker, issue) == []
    assert allowed_actions(people.inspector, issue) == []
    assert set(allowed_actions(people.centre, issue)) == {"register", "reject", "reassign", "merge"}
    apply(issue, "register", people.centre, now=at(2026, 3, 2, 9))
    apply(issue, "dispatch", people.centre, now=at(2026, 3, 2, 9))
    assert allowed_actions(people.worker, issue) == ["accept"]
    assert allowed_actions(people.handler, issue) == ["accept"]
    assert allowed_actions(people.lead, issue) == ["accept"]
    assert allowed_actions(None, issue) == []


def test_the_timeline_merges_steps_notifications_and_photos_in_time_order(
    world: World, people: People, media: Path
) -> None:
    issue, _ = receive(*spot(world), world.categories["rubbish"], now=at(2026, 3, 2, 9))
    add_photo(issue, jpeg((10, 10, 10)), kind="report", now=at(2026, 3, 2, 9, 1))
    apply(issue, "register", people.centre, now=at(2026, 3, 2, 9, 5))
    apply(issue, "dispatch", people.centre, now=at(2026, 3, 2, 9, 10))
    apply(issue, "accept", people.worker, now=at(2026, 3, 2, 9, 20))
    entries = timeline(issue)
    kinds = [(e.kind, e.title.split(" / ")[-1]) for e in entries]
    assert kinds[0] == ("transition", "report")
    assert ("photo", "report") in [(k, t.split(" / ")[-1]) for k, t in kinds]
    dispatch = [k for k, _ in kinds].index("notification")
    assert kinds[dispatch - 1] == ("transition", "dispatch")
    assert kinds[-1] == ("transition", "accept")
    assert [e.at for e in entries if e.kind != "photo"] == sorted(
        e.at for e in entries if e.kind != "photo"
    )
    assert Notification.objects.filter(issue=issue).count() == 2
