"""Lines and blocks: events go territory first, components department first; the centre reassigns."""

from __future__ import annotations

import pytest

from gridmgr.casework.loop import TransitionError, apply, reassign
from gridmgr.models import Category, Issue, Notification
from gridmgr.routing.parties import owner_chain, responsible_parties
from tests.loop import People, at, dispatched
from tests.world import World, make_owner

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def manhole_covers(world: World) -> Category:
    return Category.objects.create(
        code="1001",
        kind=Category.Kind.COMPONENT,
        name="井盖",
        name_en="manhole cover",
        department=world.owners["城管"],
        limit_value=2,
        limit_unit=Category.LimitUnit.DAYS,
    )


def test_an_event_lists_its_territorial_owner_first(world: World, people: People) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    parties = responsible_parties(issue)
    assert [(p.duty, p.owner.name, p.lead) for p in parties] == [
        ("territorial", "网格员S3", True),
        ("department", "城管执法局", False),
    ]


def test_a_component_lists_its_department_first(world: World, people: People) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9), category=manhole_covers(world))
    assert [p.duty for p in responsible_parties(issue)] == ["department", "territorial"]
    lead = Notification.objects.get(issue=issue, owner=world.owners["城管"])
    assert "主办" in lead.message and "lead" in lead.message
    other = Notification.objects.get(issue=issue, owner=world.owners["网格员S3"])
    assert "主办" not in other.message


def test_dispatch_notifies_both_parties_with_the_deadline(world: World, people: People) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    notes = Notification.objects.filter(issue=issue, kind="dispatch")
    assert {n.owner for n in notes} == {world.owners["网格员S3"], world.owners["城管"]}
    assert all("2026-03-02 14:30" in n.message for n in notes)


def test_the_owner_chain_runs_up_the_layers_to_the_linked_leader(
    world: World, people: People
) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    chain = [o.name for o in owner_chain(issue, at(2026, 3, 2).date())]
    assert chain == ["网格员S3", "板块长S3", "挂钩领导S3"]


def test_the_centre_reassigns_with_a_reason_on_record(world: World, people: People) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    step = reassign(
        issue,
        people.centre,
        "属交通秩序问题",
        department=world.owners["交警"],
        now=at(2026, 3, 2, 10),
    )
    assert issue.department == world.owners["交警"] and issue.status == Issue.Status.DISPATCHED
    assert step.action == "reassign" and step.actor == people.centre
    assert step.comment.startswith("属交通秩序问题") and "城管执法局 → 交警支队" in step.comment
    assert Notification.objects.filter(
        issue=issue, kind="reassign", owner=world.owners["交警"]
    ).exists()
    assert issue.due_at == at(2026, 3, 2, 14, 30)  # the clock does not restart


def test_reassigning_away_from_the_handler_sends_the_case_back_to_dispatched(
    world: World, people: People
) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    apply(issue, "accept", people.handler, now=at(2026, 3, 2, 9, 30))
    reassign(issue, people.centre, "改由交警处理", department=world.owners["交警"])
    assert issue.status == Issue.Status.DISPATCHED and issue.handler is None


def test_reassigning_the_owner_keeps_a_handler_who_still_answers(
    world: World, people: People
) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    apply(issue, "accept", people.handler, now=at(2026, 3, 2, 9, 30))
    reassign(issue, people.centre, "属地调整", owner=make_owner("新网格员"))
    assert issue.status == Issue.Status.HANDLING and issue.handler == people.handler


def test_a_reassignment_needs_a_reason_a_new_party_and_the_centre(
    world: World, people: People
) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    with pytest.raises(TransitionError, match="needs a reason"):
        reassign(issue, people.centre, "", department=world.owners["交警"])
    with pytest.raises(TransitionError, match="new territorial owner or department"):
        reassign(issue, people.centre, "无变化", department=world.owners["城管"])
    with pytest.raises(TransitionError, match="may not 'reassign'"):
        reassign(issue, people.worker, "转交", department=world.owners["交警"])
    issue.refresh_from_db()
    assert issue.department == world.owners["城管"]
    assert not issue.transitions.filter(action="reassign").exists()
