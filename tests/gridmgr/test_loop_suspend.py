"""A case can be suspended with a reason and resumed; the suspension pauses its clock."""

from __future__ import annotations

import pytest

from gridmgr.casework.escalation import escalate_overdue
from gridmgr.casework.loop import TransitionError, apply, receive
from gridmgr.models import Issue
from tests.loop import People, at, dispatched, spot
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def test_suspending_needs_the_centre_and_a_reason(world: World, people: People) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    with pytest.raises(TransitionError, match="'suspend' needs a reason"):
        apply(issue, "suspend", people.centre)
    with pytest.raises(TransitionError, match="may not 'suspend'"):
        apply(issue, "suspend", people.worker, comment="等待产权单位")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DISPATCHED


def test_a_resumed_case_returns_to_where_it_was(world: World, people: People) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    apply(issue, "accept", people.worker, now=at(2026, 3, 2, 9, 30))
    step = apply(
        issue, "suspend", people.centre, comment="等待产权单位确认", now=at(2026, 3, 2, 10)
    )
    assert issue.status == Issue.Status.SUSPENDED and step.comment == "等待产权单位确认"
    assert issue.suspended_from == "handling" and issue.suspended_at == at(2026, 3, 2, 10)
    apply(issue, "resume", people.centre, now=at(2026, 3, 2, 11))
    assert issue.status == Issue.Status.HANDLING
    assert issue.suspended_from == "" and issue.suspended_at is None


def test_the_deadline_moves_by_the_working_time_spent_suspended(
    world: World, people: People
) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9))  # Monday; 4 working hours
    assert issue.due_at == at(2026, 3, 2, 14, 30)
    apply(issue, "suspend", people.centre, comment="等待产权单位", now=at(2026, 3, 2, 10))
    resumed = apply(issue, "resume", people.centre, now=at(2026, 3, 3, 10))
    # One hour was used before the suspension; three are left from Tuesday 10:00.
    assert issue.due_at == at(2026, 3, 3, 14, 30)
    assert "7.50" in resumed.comment


def test_a_suspension_outside_working_hours_does_not_move_the_deadline(
    world: World, people: People
) -> None:
    issue = dispatched(world, people, at(2026, 3, 6, 15))  # Friday
    due = issue.due_at
    apply(issue, "suspend", people.centre, comment="周末停水", now=at(2026, 3, 6, 18))
    apply(issue, "resume", people.centre, now=at(2026, 3, 9, 8))
    assert issue.due_at == due


def test_a_suspended_case_does_not_escalate(world: World, people: People) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    apply(issue, "suspend", people.centre, comment="等待产权单位", now=at(2026, 3, 2, 10))
    assert escalate_overdue(now=at(2026, 3, 5, 10)) == []
    issue.refresh_from_db()
    assert issue.escalation_level == 0


def test_a_case_suspended_before_dispatch_resumes_registered_without_a_clock(
    world: World, people: People
) -> None:
    issue, _ = receive(*spot(world), world.categories["rubbish"], now=at(2026, 3, 2, 9))
    apply(issue, "register", people.centre, now=at(2026, 3, 2, 9))
    apply(issue, "suspend", people.centre, comment="待核实", now=at(2026, 3, 2, 10))
    apply(issue, "resume", people.centre, now=at(2026, 3, 3, 10))
    assert issue.status == Issue.Status.REGISTERED and issue.due_at is None
