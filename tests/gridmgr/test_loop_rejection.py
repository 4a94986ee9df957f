"""The centre rejects a report only with a reason, and a rejected report goes no further."""

from __future__ import annotations

import pytest

from gridmgr.casework.loop import TransitionError, allowed_actions, apply, receive
from gridmgr.models import Issue
from tests.loop import People, at, spot
from tests.world import World


def test_a_rejection_needs_a_reason(world: World, people: People) -> None:
    issue, _ = receive(*spot(world), world.categories["rubbish"])
    with pytest.raises(TransitionError) as refused:
        apply(issue, "reject", people.centre, comment="  ")
    assert (refused.value.zh, refused.value.en) == ("不予立案须填写原因", "'reject' needs a reason")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.REPORTED


def test_a_rejected_report_records_its_reason_and_is_closed_to_every_step(
    world: World, people: People
) -> None:
    issue, _ = receive(*spot(world), world.categories["rubbish"], now=at(2026, 3, 2, 9))
    step = apply(
        issue, "reject", people.centre, comment="重复上报，现场无垃圾", now=at(2026, 3, 2, 9, 30)
    )
    assert issue.status == Issue.Status.REJECTED and not issue.is_open
    assert (step.from_status, step.to_status, step.actor) == ("reported", "rejected", people.centre)
    assert step.comment == "重复上报，现场无垃圾" and step.at == at(2026, 3, 2, 9, 30)
    assert allowed_actions(people.centre, issue) == []
    with pytest.raises(TransitionError):
        apply(issue, "dispatch", people.centre)
