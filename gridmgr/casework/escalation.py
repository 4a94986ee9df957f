"""Overdue cases escalate up the chain of owners (超期升级), one level per period of the limit.

The rule, run every few minutes by `manage.py escalate_overdue --commit` (cron):
- a case escalates while it is dispatched or in handling (a suspended case is paused, a handled
  one waits for its verifier, a closed one is done);
- level n (n ≥ 1) falls due at due_at + (n − 1) × the category's limit, counted on the working
  calendar: level 1 when the deadline passes, level 2 one more limit later, and so on. A
  suspension moves due_at and so the whole schedule;
- level n notifies the n-th owner up the owner chain (parties.owner_chain: grid worker
  → stationed cadre → sector lead → linked leader), in the app and by e-mail;
- each run raises a case by one level at most, and the level is raised with a compare-and-set,
  so the same level never fires twice, even when two runs overlap;
- past the top of the chain nothing more is sent: the case stays on the centre's overdue list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from gridmgr.casework.lifecycle import RUNNING, CaseState, escalate
from gridmgr.casework.loop import record
from gridmgr.casework.notify import escalated_message, notify
from gridmgr.casework.workcal import Calendar, category_limit, due_time
from gridmgr.models import Issue, Owner
from gridmgr.routing.parties import owner_chain

SYSTEM = "系统 / system"


@dataclass(frozen=True)
class Escalation:
    """One escalation step taken: which case, to which level and owner, due since when."""

    issue: Issue
    level: int
    owner: Owner
    due_since: dt.datetime


def overdue(now: dt.datetime | None = None) -> QuerySet[Issue]:
    """Cases whose clock runs and whose deadline has passed."""
    return Issue.objects.filter(status__in=RUNNING, due_at__lt=now or timezone.now())


def level_due_at(issue: Issue, level: int, cal: Calendar) -> dt.datetime | None:
    """When escalation level `level` (≥ 1) falls due: one more limit after the previous one."""
    if issue.due_at is None:
        return None
    if level <= 1:
        return issue.due_at
    value, unit = category_limit(issue.category)
    return due_time(issue.due_at, (value or 0) * (level - 1), unit, cal) or issue.due_at


def escalate_overdue(now: dt.datetime | None = None) -> list[Escalation]:
    """Raise every overdue case whose next level is due by one level; returns the steps taken."""
    now = now or timezone.now()
    cal = Calendar()
    done = []
    for issue in overdue(now).select_related("category").order_by("due_at", "id"):
        step = _escalate(issue, now, cal)
        if step is not None:
            done.append(step)
    return done


@transaction.atomic
def _escalate(issue: Issue, now: dt.datetime, cal: Calendar) -> Escalation | None:
    level = escalate(CaseState.of(issue)).escalation_level
    since = level_due_at(issue, level, cal)
    if since is None or now < since:
        return None
    chain = owner_chain(issue, timezone.localtime(now).date())
    if level >= len(chain):
        return None
    # The rule checked again in the database: a concurrent run may have raised it already.
    taken = Issue.objects.filter(
        pk=issue.pk, escalation_level=level - 1, status__in=RUNNING
    ).update(escalation_level=level)
    if not taken:
        return None  # another run took this step, or the case moved on
    issue.escalation_level = level
    owner = chain[level]
    message = escalated_message(issue, level, owner, issue.due_at)
    record(issue, "escalate", issue.status, None, now, comment=message, label=SYSTEM)
    notify(issue, "escalation", message, owner=owner, email=True, now=now)
    return Escalation(issue, level, owner, since)
