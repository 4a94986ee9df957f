"""Overdue cases escalate up the chain of owners, one level per period of the limit, never twice."""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from gridmgr.casework.escalation import escalate_overdue, level_due_at
from gridmgr.casework.loop import apply
from gridmgr.casework.workcal import Calendar
from gridmgr.models import Issue, Notification
from tests.loop import People, at, dispatched
from tests.world import World

Capture = Callable[..., AbstractContextManager[Any]]

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def late(world: World, people: People) -> Issue:
    """A 4-hour case dispatched Monday 2 March 2026 09:00: due 14:30, owner 网格员S3."""
    world.owners["板块长S3"].email = "lead-office@example.org"
    world.owners["板块长S3"].save()
    return dispatched(world, people, at(2026, 3, 2, 9))


def test_nothing_escalates_before_the_deadline(late: Issue) -> None:
    assert escalate_overdue(now=at(2026, 3, 2, 14, 29)) == []
    late.refresh_from_db()
    assert late.escalation_level == 0


def test_an_overdue_case_goes_to_the_next_owner_in_the_app_and_by_mail(
    late: Issue, people: People, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        steps = escalate_overdue(now=at(2026, 3, 2, 15))
    assert [(s.issue.pk, s.level, s.owner.name) for s in steps] == [(late.pk, 1, "板块长S3")]
    late.refresh_from_db()
    assert late.escalation_level == 1
    note = Notification.objects.get(issue=late, kind="escalation")
    assert note.owner.name == "板块长S3" and note.created_at == at(2026, 3, 2, 15)
    assert "超期" in note.message and "overdue" in note.message and note.emailed_at is not None
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["lead-office@example.org", "lead@example.org"]
    record = late.transitions.get(action="escalate")
    assert record.actor is None and record.actor_label == "系统 / system"


def test_escalation_is_idempotent(late: Issue, django_capture_on_commit_callbacks: Capture) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        escalate_overdue(now=at(2026, 3, 2, 15))
        assert escalate_overdue(now=at(2026, 3, 2, 15, 5)) == []
        assert escalate_overdue(now=at(2026, 3, 2, 17)) == []
    late.refresh_from_db()
    assert late.escalation_level == 1
    assert Notification.objects.filter(issue=late, kind="escalation").count() == 1
    assert len(mail.outbox) == 1


def test_each_further_level_waits_another_period_of_the_limit(
    late: Issue, django_capture_on_commit_callbacks: Capture
) -> None:
    # Level 2 at 14:30 + 4 working hours: 3 h on Monday, 1 h from Tuesday 08:30.
    assert level_due_at(late, 2, Calendar()) == at(2026, 3, 3, 9, 30)
    with django_capture_on_commit_callbacks(execute=True):
        escalate_overdue(now=at(2026, 3, 2, 15))
        assert escalate_overdue(now=at(2026, 3, 3, 9, 29)) == []
        steps = escalate_overdue(now=at(2026, 3, 3, 9, 30))
    assert [(s.level, s.owner.name) for s in steps] == [(2, "挂钩领导S3")]
    assert mail.outbox[-1].to == ["leader@example.org"]
    # The linked leader is the top of the chain: nothing further, however late.
    assert escalate_overdue(now=at(2026, 3, 20, 9)) == []
    late.refresh_from_db()
    assert late.escalation_level == 2


def test_a_late_run_raises_one_level_at_a_time(late: Issue) -> None:
    assert [s.level for s in escalate_overdue(now=at(2026, 3, 9, 9))] == [1]
    assert [s.level for s in escalate_overdue(now=at(2026, 3, 9, 9, 5))] == [2]


def test_handled_and_closed_cases_do_not_escalate(late: Issue, people: People) -> None:
    late.status = Issue.Status.HANDLED
    late.save()
    assert escalate_overdue(now=at(2026, 3, 3, 9)) == []


def test_the_command_dry_runs_and_mails_nothing_without_commit(
    late: Issue, django_capture_on_commit_callbacks: Capture
) -> None:
    out, err = io.StringIO(), io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("escalate_overdue", stdout=out, stderr=err)
    assert "1 overdue cases escalated" in out.getvalue() and "dry run" in err.getvalue()
    late.refresh_from_db()
    assert late.escalation_level == 0 and not Notification.objects.filter(kind="escalation")
    assert mail.outbox == []


def test_the_command_escalates_with_commit(
    late: Issue, django_capture_on_commit_callbacks: Capture
) -> None:
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("escalate_overdue", "--commit", stdout=out, stderr=io.StringIO())
    assert f"#{late.pk} 0101 → 第 1 级 / level 1: 板块长S3" in out.getvalue()
    late.refresh_from_db()
    assert late.escalation_level == 1 and len(mail.outbox) == 1
    assert late.due_at is not None and late.due_at < timezone.now()


def test_a_resumed_case_escalates_on_its_moved_schedule(late: Issue, people: People) -> None:
    apply(late, "suspend", people.centre, comment="等待产权单位", now=at(2026, 3, 2, 10))
    apply(late, "resume", people.centre, now=at(2026, 3, 3, 10))
    assert escalate_overdue(now=at(2026, 3, 3, 14)) == []
    assert [s.level for s in escalate_overdue(now=at(2026, 3, 3, 14, 31))] == [1]
