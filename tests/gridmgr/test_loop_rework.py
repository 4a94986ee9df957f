"""A failed check sends a case back for rework, counted, and the next report-back needs new evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridmgr.casework.loop import TransitionError, apply
from gridmgr.casework.photos import add_photo
from gridmgr.models import Issue, Notification
from tests.loop import People, at, dispatched, jpeg
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def handled(world: World, people: People) -> Issue:
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    apply(issue, "accept", people.worker, now=at(2026, 3, 2, 9, 30))
    add_photo(issue, jpeg((1, 2, 3)), kind="evidence")
    apply(issue, "handle", people.worker, now=at(2026, 3, 2, 10))
    return issue


def test_rework_needs_a_reason(world: World, people: People, media: Path) -> None:
    issue = handled(world, people)
    with pytest.raises(TransitionError, match="'rework' needs a reason"):
        apply(issue, "rework", people.inspector)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.HANDLED and issue.rework_count == 0


def test_each_rework_round_is_counted_and_the_handler_is_told(
    world: World, people: People, media: Path
) -> None:
    issue = handled(world, people)
    apply(issue, "rework", people.inspector, comment="墙角仍有垃圾", now=at(2026, 3, 2, 11))
    assert issue.status == Issue.Status.HANDLING and issue.rework_count == 1
    assert issue.handler == people.worker
    note = Notification.objects.get(issue=issue, kind="rework")
    assert note.recipient == people.worker and "墙角仍有垃圾" in note.message

    add_photo(issue, jpeg((4, 5, 6)), kind="evidence")
    apply(issue, "handle", people.worker, now=at(2026, 3, 2, 12))
    apply(issue, "rework", people.inspector, comment="仍未清理干净", now=at(2026, 3, 2, 14))
    assert issue.rework_count == 2
    add_photo(issue, jpeg((7, 8, 9)), kind="evidence")
    apply(issue, "handle", people.worker, now=at(2026, 3, 2, 15))
    apply(issue, "verify", people.inspector, now=at(2026, 3, 2, 16))
    assert issue.status == Issue.Status.CLOSED and issue.rework_count == 2


def test_after_rework_the_old_evidence_does_not_count(
    world: World, people: People, media: Path
) -> None:
    issue = handled(world, people)
    apply(issue, "rework", people.inspector, comment="未清理", now=at(2026, 3, 2, 11))
    # The same picture again is the same (already used) evidence.
    add_photo(issue, jpeg((1, 2, 3)), kind="evidence")
    with pytest.raises(TransitionError, match="new evidence photo"):
        apply(issue, "handle", people.worker)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.HANDLING
