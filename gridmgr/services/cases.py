"""The closed loop of a case (DOMAIN.md, seven steps): intake and allowed transitions.

reported → registered (or rejected) → dispatched (the clock starts) → handling → handled
(with evidence photos) → closed by someone other than the handler, or sent back for rework;
an open case can be suspended and resumed; the centre can reassign or merge cases.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from gridmgr.errors import GridError
from gridmgr.models import Account, AccountRole, Category, Issue, Transition
from gridmgr.services.access import account_of, is_centre, may_handle
from gridmgr.services.issues import report_issue
from gridmgr.services.workcal import due_time

S = Issue.Status
CENTRE = {AccountRole.COMMAND_CENTRE}
VERIFIERS = {AccountRole.COMMAND_CENTRE, AccountRole.INSPECTOR}
HANDLERS = {
    AccountRole.GRID_WORKER,
    AccountRole.STATIONED_CADRE,
    AccountRole.SECTOR_LEAD,
    AccountRole.DEPARTMENT,
    AccountRole.COMMAND_CENTRE,
}


@dataclass(frozen=True)
class Step:
    """An action: the states it starts from, the state it leads to, who may take it."""

    sources: tuple[str, ...]
    target: str | None  # None: stays (reassign) or returns (resume)
    roles: frozenset[str]
    needs_comment: bool = False
    zh: str = ""


STEPS: dict[str, Step] = {
    "register": Step((S.REPORTED,), S.REGISTERED, frozenset(CENTRE), zh="立案"),
    "reject": Step((S.REPORTED,), S.REJECTED, frozenset(CENTRE), True, "不予立案"),
    "dispatch": Step((S.REGISTERED,), S.DISPATCHED, frozenset(CENTRE), zh="派遣"),
    "accept": Step((S.DISPATCHED,), S.HANDLING, frozenset(HANDLERS), zh="接单处理"),
    "handle": Step((S.HANDLING,), S.HANDLED, frozenset(HANDLERS), zh="处置反馈"),
    "verify": Step((S.HANDLED,), S.CLOSED, frozenset(VERIFIERS), zh="核查结案"),
    "rework": Step((S.HANDLED,), S.HANDLING, frozenset(VERIFIERS), True, "返工"),
    "suspend": Step(
        (S.REGISTERED, S.DISPATCHED, S.HANDLING), S.SUSPENDED, frozenset(CENTRE), True, "挂起"
    ),
    "resume": Step((S.SUSPENDED,), None, frozenset(CENTRE), zh="恢复"),
    "reassign": Step(
        (S.REPORTED, S.REGISTERED, S.DISPATCHED, S.HANDLING), None, frozenset(CENTRE), True, "改派"
    ),
}


class TransitionError(GridError):
    """A step that is not allowed now, or not to this person."""


def new_tracking_number() -> str:
    """A short, unguessable tracking number for citizens (date + random)."""
    return timezone.localdate().strftime("%y%m%d") + secrets.token_hex(3).upper()


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
    idempotency_key: str | None = None,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
) -> tuple[Issue, bool]:
    """Take in a report as a new case; a repeated idempotency key returns the first case."""
    if idempotency_key:
        earlier = Issue.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier, False
    with transaction.atomic():
        issue = report_issue(
            lon, lat, category, description=description, source=source, coord_sys=coord_sys
        )
        issue.tracking_number = new_tracking_number()
        issue.idempotency_key = idempotency_key or None
        issue.reporter_name, issue.reporter_contact = reporter_name, reporter_contact
        issue.address = address
        issue.save()
        Transition.objects.create(
            issue=issue,
            action="report",
            to_status=S.REPORTED,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_label=actor_label or source,
        )
    return issue, True


def allowed_actions(user: AbstractBaseUser | None, issue: Issue) -> list[str]:
    """The actions this user may take on this issue now."""
    account = account_of(user)
    return [name for name in STEPS if _refusal(name, account, user, issue) is None]


def _refusal(
    name: str, account: Account | None, user: AbstractBaseUser | None, issue: Issue
) -> tuple[str, str] | None:
    step = STEPS[name]
    if issue.status not in step.sources:
        return (
            f"案件当前状态为“{S(issue.status).label}”，不能{step.zh}",
            f"the case is {issue.status}: '{name}' is not possible now",
        )
    if account is None or account.role not in step.roles:
        role = account.role if account else "anonymous"
        return (f"当前角色无权{step.zh}", f"role '{role}' may not '{name}' a case")
    if step.roles == frozenset(HANDLERS) and not may_handle(account, issue):
        return ("该案件不属于您的责任范围", "this case is not in your area or department")
    if name == "verify" and user is not None and issue.handler_id == user.pk:
        return (
            "核查结案须由处置人以外的人员进行",
            "a case must be verified by someone other than its handler",
        )
    return None


@transaction.atomic
def apply(
    issue: Issue,
    action: str,
    user: AbstractBaseUser | None,
    *,
    comment: str = "",
    evidence: int = 0,
) -> Transition:
    """Take one step of the loop, recording who, when and why; refuse what is not allowed."""
    if action not in STEPS:
        raise TransitionError(f"未知操作：{action}", f"unknown action: {action}")
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    step = STEPS[action]
    refusal = _refusal(action, account_of(user), user, issue)
    if refusal is not None:
        raise TransitionError(*refusal)
    if step.needs_comment and not comment.strip():
        raise TransitionError(f"{step.zh}须填写原因", f"'{action}' needs a reason")
    if action == "handle" and evidence + issue.photos.filter(kind="evidence").count() == 0:
        raise TransitionError("处置反馈须附处置照片", "'handle' needs at least one evidence photo")
    before = issue.status
    _effects(issue, action, user)
    issue.save()
    return Transition.objects.create(
        issue=issue,
        action=action,
        from_status=before,
        to_status=issue.status,
        actor=user if user is not None and user.is_authenticated else None,
        comment=comment,
    )


def _effects(issue: Issue, action: str, user: AbstractBaseUser | None) -> None:
    now = timezone.now()
    step = STEPS[action]
    if action == "resume":
        issue.status, issue.suspended_from = issue.suspended_from or S.REGISTERED, ""
        return
    if action == "suspend":
        issue.suspended_from = issue.status
    if step.target is not None:
        issue.status = step.target
    if action == "register":
        issue.registered_at = now
    elif action == "dispatch":
        issue.dispatched_at = now
        issue.due_at = due_time(now, issue.category.limit_value, issue.category.limit_unit)
    elif action in ("accept", "handle") and user is not None:
        issue.handler_id = user.pk
        if action == "handle":
            issue.handled_at = now
    elif action == "rework":
        issue.rework_count += 1
    elif action == "verify":
        issue.closed_at = now


def is_centre_user(user: AbstractBaseUser | None) -> bool:
    return is_centre(account_of(user))
