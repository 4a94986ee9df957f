"""The closed loop of a case (docs/DOMAIN.md, seven steps): intake and allowed transitions.

reported → registered (or rejected) → dispatched (the clock starts) → handling → handled
(with evidence photos) → closed by someone other than the handler, or sent back for rework;
an open case can be suspended and resumed; the centre can reassign or merge cases.

Clock rules: the deadline is set at dispatch from the category's limit on the working calendar;
a suspension pauses it (on resume, due_at moves later by the working time spent suspended);
reassigning and rework do not restart it. Every step is a Transition: who, when, why.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from geodata.errors import GeoDataError
from gridmgr.access import account_of, is_centre, may_handle
from gridmgr.casework.duplicates import find_duplicates
from gridmgr.casework.idempotency import ScopedKey, earlier_case
from gridmgr.casework.lifecycle import (
    RUNNING,
    STEPS,
    Actor,
    CaseState,
    Clock,
    TransitionError,
    refusal,
    take,
)
from gridmgr.casework.notify import dispatched_message, notify, rework_message
from gridmgr.casework.report import insert_issue, routed_issue
from gridmgr.casework.workcal import Calendar, category_limit
from gridmgr.models import Category, Issue, Owner, Photo, Transition
from gridmgr.routing.parties import responsible_parties

S = Issue.Status

# Draws of a tracking number before a report is refused (a number drawn twice is drawn again).
RECEIVE_ATTEMPTS = 3


@dataclass(frozen=True)
class Change:
    """The arguments of the steps that name other records: reassign and merge."""

    owner: Owner | None = None
    department: Owner | None = None
    into: Issue | None = None


class Received(tuple[Issue, bool]):
    """What `receive` returns: unpacks as (issue, created); `.duplicates` are possible twins,
    looked up when first asked for (intake itself does not wait for the search)."""

    def __new__(cls, issue: Issue, created: bool) -> Received:
        return super().__new__(cls, (issue, created))

    @property
    def issue(self) -> Issue:
        return self[0]

    @property
    def created(self) -> bool:
        return self[1]

    @functools.cached_property
    def duplicates(self) -> list[Issue]:
        return duplicates_of(self.issue)


def new_tracking_number() -> str:
    """A short, unguessable tracking number for citizens (date + random)."""
    return timezone.localdate().strftime("%y%m%d") + secrets.token_hex(4).upper()


def receive(
    lon: float,
    lat: float,
    category: Category,
    *,
    description: str = "",
    source: str = "citizen",
    coord_sys: str = "wgs84",
    reporter_name: str = "",
    reporter_contact: str = "",
    address: str = "",
    idempotency: ScopedKey | None = None,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    now: dt.datetime | None = None,
) -> Received:
    """Take in a report as a new case; a sender's repeated key returns its first case.

    The one place where a taken key is answered: by the case of the same sender
    (gridmgr.casework.idempotency scopes every key to its sender).
    """
    now = now or timezone.now()
    for attempt in range(1, RECEIVE_ATTEMPTS + 1):
        try:
            issue, route = routed_issue(
                lon,
                lat,
                category,
                coord_sys=coord_sys,
                description=description,
                source=source,
                reported_at=now,
                tracking_number=new_tracking_number(),
                idempotency_key=idempotency.stored if idempotency else None,
                reporter_name=reporter_name,
                reporter_contact=reporter_contact,
                address=address,
            )
        except GeoDataError:
            # A retry is answered with the first case even if the point is refused now.
            if (earlier := earlier_case(idempotency)) is None:
                raise
            return Received(earlier, False)
        step = make_transition(issue, "report", "", actor, now, label=actor_label or source)
        try:
            if insert_issue(issue, route, step):
                return Received(issue, True)
        except IntegrityError:
            # A tracking number drawn twice (24 random bits a day), or the key's first case
            # committed by a concurrent retry: nothing was stored, look again or draw again.
            if attempt == RECEIVE_ATTEMPTS and idempotency is None:
                raise
        if (earlier := earlier_case(idempotency)) is not None:
            return Received(earlier, False)
    # Each time refused, and no case found with the key (deleted in between).
    raise IntegrityError(f"report refused {RECEIVE_ATTEMPTS} times; no case with {idempotency}")


def duplicates_of(issue: Issue) -> list[Issue]:
    """Open cases that may report the same problem as this one (see gridmgr.casework.duplicates)."""
    x, y = issue.location.x, issue.location.y
    return find_duplicates(x, y, issue.category, issue.reported_at, exclude=[issue.pk])


def allowed_actions(user: AbstractBaseUser | None, issue: Issue) -> list[str]:
    """The actions this user may take on this issue now."""
    state, actor = CaseState.of(issue), actor_of(user, issue)
    return [name for name in STEPS if refusal(state, name, actor) is None]


def actor_of(user: AbstractBaseUser | None, issue: Issue) -> Actor:
    """The user as the rule of the steps sees them: id, role, whether the case is theirs."""
    account = account_of(user)
    return Actor(
        user.pk if user is not None else None,
        account.role if account is not None else None,
        functools.partial(may_handle, account, issue),
    )


@transaction.atomic
def apply(
    issue: Issue,
    action: str,
    user: AbstractBaseUser | None,
    *,
    comment: str = "",
    evidence: int = 0,
    owner: Owner | None = None,
    department: Owner | None = None,
    into: Issue | None = None,
    now: dt.datetime | None = None,
) -> Transition:
    """Take one step of the loop, recording who, when and why; refuse what is not allowed."""
    now = now or timezone.now()
    change = Change(owner, department, into)
    case = Issue.objects.select_for_update().select_related("category").get(pk=issue.pk)
    clock = Clock(Calendar(), category_limit(case.category))
    into_id = into.pk if into is not None else None
    outcome = take(
        CaseState.of(case),
        action,
        actor_of(user, case),
        now,
        clock,
        comment=comment,
        into_id=into_id,
    )
    _check(case, action, evidence, change)
    before = case.status
    outcome.state.put(case)
    summary = _reassign(case, change) if action == "reassign" else outcome.note
    case.save()
    text = "\n".join(part for part in (comment.strip(), summary) if part)
    transition = record(case, action, before, user, now, comment=text)
    _after(case, action, transition, now)
    issue.refresh_from_db()
    return transition


def reassign(
    issue: Issue,
    user: AbstractBaseUser | None,
    reason: str,
    owner: Owner | None = None,
    department: Owner | None = None,
    now: dt.datetime | None = None,
) -> Transition:
    """The centre gives a case a new territorial owner and/or department, with a reason."""
    return apply(
        issue, "reassign", user, comment=reason, owner=owner, department=department, now=now
    )


def merge(
    duplicate: Issue,
    into: Issue,
    user: AbstractBaseUser | None,
    reason: str,
    now: dt.datetime | None = None,
) -> Transition:
    """The centre closes a duplicate as merged into another open case (photos, reporter kept)."""
    return apply(duplicate, "merge", user, comment=reason, into=into, now=now)


def _check(issue: Issue, action: str, evidence: int, change: Change) -> None:
    """Refuse what the rule of the steps cannot see: photos and the other records named."""
    if action == "handle" and evidence + _new_evidence(issue).count() == 0:
        raise TransitionError(
            "处置反馈须附本轮处置照片", "'handle' needs at least one new evidence photo"
        )
    if action == "reassign":
        _check_reassign(issue, change)
    if action == "merge":
        _check_merge(issue, change.into)


def _check_reassign(issue: Issue, change: Change) -> None:
    new_owner = change.owner is not None and change.owner.pk != issue.owner_id
    new_department = change.department is not None and change.department.pk != issue.department_id
    if not (new_owner or new_department):
        raise TransitionError(
            "改派须指定新的属地责任人或主管部门",
            "'reassign' needs a new territorial owner or department",
        )


def _check_merge(issue: Issue, into: Issue | None) -> None:
    if into is None or into.pk == issue.pk:
        raise TransitionError("请指定要并入的另一案件", "'merge' needs another case to merge into")
    target = Issue.objects.get(pk=into.pk)
    if not target.is_open or target.merged_into_id is not None:
        raise TransitionError(
            f"案件 #{target.pk} 已办结或已被合并，不能并入",
            f"case #{target.pk} is closed or merged itself: nothing can be merged into it",
        )


def _new_evidence(issue: Issue) -> QuerySet[Photo]:
    """Evidence photos not yet attached to an earlier report-back (a rework needs new ones)."""
    return issue.photos.filter(kind=Photo.Kind.EVIDENCE, transition__isnull=True)


def _reassign(issue: Issue, change: Change) -> str:
    """New parties; a case in handling goes back to dispatched if its handler is no longer one."""
    names = Owner.objects.in_bulk([i for i in (issue.owner_id, issue.department_id) if i])
    parts = []
    if change.owner is not None and change.owner.pk != issue.owner_id:
        parts.append(f"属地 / owner: {names.get(issue.owner_id or 0, '—')} → {change.owner}")
        issue.owner = change.owner
    if change.department is not None and change.department.pk != issue.department_id:
        old = names.get(issue.department_id or 0, "—")
        parts.append(f"部门 / department: {old} → {change.department}")
        issue.department = change.department
    if issue.status == S.HANDLING and not may_handle(account_of(issue.handler), issue):
        issue.status, issue.handler = S.DISPATCHED, None
    return "; ".join(parts)


def _after(issue: Issue, action: str, transition: Transition, now: dt.datetime) -> None:
    """Notify and attach what follows from a step."""
    if action == "handle":
        _new_evidence(issue).update(transition=transition)
    elif action == "dispatch" or (action == "reassign" and issue.status in RUNNING):
        kind = "dispatch" if action == "dispatch" else "reassign"
        for party in responsible_parties(issue):
            text = dispatched_message(issue, party.label, issue.due_at)
            notify(issue, kind, text, owner=party.owner, now=now)
    elif action == "rework" and issue.handler is not None:
        text = rework_message(issue, transition.comment)
        notify(issue, "rework", text, recipient=issue.handler, now=now)


def record(
    issue: Issue,
    action: str,
    before: str,
    user: AbstractBaseUser | None,
    now: dt.datetime,
    *,
    comment: str = "",
    label: str = "",
) -> Transition:
    """Store one step: who (a user, else a label such as the system), when, from and to, why."""
    step = make_transition(issue, action, before, user, now, comment=comment, label=label)
    step.save()
    return step


def make_transition(
    issue: Issue,
    action: str,
    before: str,
    user: AbstractBaseUser | None,
    now: dt.datetime,
    *,
    comment: str = "",
    label: str = "",
) -> Transition:
    """One step of `issue` as `record` stores it, not saved yet."""
    return Transition(
        issue=issue,
        action=action,
        from_status=before,
        to_status=issue.status,
        actor_id=user.pk if user is not None and user.is_authenticated else None,
        actor_label=label,
        comment=comment,
        at=now,
    )


def ref(issue: Issue) -> str:
    """How a case is named in messages: its number (tracking number, else day number)."""
    return issue.reference


def is_centre_user(user: AbstractBaseUser | None) -> bool:
    return is_centre(account_of(user))
