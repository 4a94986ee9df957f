"""The rule of the loop's steps, in one pure function: where a step may start, who may take it,
where it leads and which fields of the case it sets.

No database and no clock: `take` is given the case's state, the step, the actor (role, and
whether the case is in the actor's charge), the moment, and the working calendar with the
category's time limit. casework.loop.apply takes live steps through it; demo.history replays
sixty days of demo steps through it; `escalate` is the escalation job's step, likewise shared. What needs other records stays with apply: the evidence
photos of a report-back, the new parties of a reassignment, the case a duplicate merges into.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gridmgr.casework.workcal import Calendar, due_time
from gridmgr.errors import GridError
from gridmgr.models import AccountRole, Issue
from gridmgr.models.cases import ACTION_NAMES

S = Issue.Status

CENTRE = frozenset({AccountRole.COMMAND_CENTRE})
VERIFIERS = frozenset({AccountRole.COMMAND_CENTRE, AccountRole.INSPECTOR})
HANDLERS = frozenset(
    {
        AccountRole.GRID_WORKER,
        AccountRole.STATIONED_CADRE,
        AccountRole.SECTOR_LEAD,
        AccountRole.DEPARTMENT,
        AccountRole.COMMAND_CENTRE,
    }
)


@dataclass(frozen=True)
class Step:
    """An action: the states it starts from, the state it leads to, who may take it."""

    sources: tuple[str, ...]
    target: str | None  # None: stays (reassign) or returns (resume)
    roles: frozenset[str]
    needs_comment: bool = False
    zh: str = ""


# A step's name is its action's (models.cases.ACTION_NAMES): action_label shows it in the active language.
STEPS: dict[str, Step] = {
    "register": Step((S.REPORTED,), S.REGISTERED, CENTRE, zh=ACTION_NAMES["register"]),
    "reject": Step((S.REPORTED,), S.REJECTED, CENTRE, True, ACTION_NAMES["reject"]),
    "dispatch": Step((S.REGISTERED,), S.DISPATCHED, CENTRE, zh=ACTION_NAMES["dispatch"]),
    "accept": Step((S.DISPATCHED,), S.HANDLING, HANDLERS, zh=ACTION_NAMES["accept"]),
    "handle": Step((S.HANDLING,), S.HANDLED, HANDLERS, zh=ACTION_NAMES["handle"]),
    "verify": Step((S.HANDLED,), S.CLOSED, VERIFIERS, zh=ACTION_NAMES["verify"]),
    "rework": Step((S.HANDLED,), S.HANDLING, VERIFIERS, True, ACTION_NAMES["rework"]),
    "suspend": Step(
        (S.REGISTERED, S.DISPATCHED, S.HANDLING), S.SUSPENDED, CENTRE, True, ACTION_NAMES["suspend"]
    ),
    "resume": Step((S.SUSPENDED,), None, CENTRE, zh=ACTION_NAMES["resume"]),
    "reassign": Step(
        (S.REPORTED, S.REGISTERED, S.DISPATCHED, S.HANDLING),
        None,
        CENTRE,
        True,
        ACTION_NAMES["reassign"],
    ),
    "merge": Step(tuple(Issue.OPEN_STATUSES), S.CLOSED, CENTRE, True, ACTION_NAMES["merge"]),
}
# The states in which the clock runs and the parties are at work.
RUNNING = (S.DISPATCHED, S.HANDLING)


class TransitionError(GridError):
    """A step that is not allowed now, or not to this person."""


@dataclass(frozen=True)
class CaseState:
    """The fields of a case that its steps change (names as on Issue)."""

    status: str = S.REPORTED
    registered_at: dt.datetime | None = None
    dispatched_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    handled_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    handler_id: int | None = None
    escalation_level: int = 0
    rework_count: int = 0
    suspended_from: str = ""
    suspended_at: dt.datetime | None = None
    merged_into_id: int | None = None

    @classmethod
    def of(cls, issue: Issue) -> CaseState:
        return cls(**{name: getattr(issue, name) for name in STATE_FIELDS})

    def put(self, issue: Issue) -> None:
        """Set these fields on `issue` (not saved)."""
        for name in STATE_FIELDS:
            setattr(issue, name, getattr(self, name))


STATE_FIELDS = tuple(f.name for f in dataclasses.fields(CaseState))


def _anyone() -> bool:
    return True


@dataclass(frozen=True)
class Actor:
    """Who takes a step: their user id, their account's role (None: no account), and whether
    the case is in their charge (asked only for the handlers' steps: it may need a query)."""

    user_id: int | None
    role: str | None
    in_charge: Callable[[], bool] = _anyone


@dataclass(frozen=True)
class Clock:
    """What a case's deadline is counted with: the working calendar and its category's limit."""

    cal: Calendar
    limit: tuple[int | None, str]


@dataclass(frozen=True)
class Outcome:
    """A step taken: the case's new state, and a note for the step's record (or "")."""

    state: CaseState
    note: str = ""


def refusal(state: CaseState, action: str, actor: Actor) -> tuple[str, str] | None:
    """Why this actor may not take this step from this state (Chinese, English), or None."""
    step = STEPS[action]
    if state.status not in step.sources:
        return (
            f"案件当前状态为“{S(state.status).label}”，不能{step.zh}",
            f"the case is {state.status}: '{action}' is not possible now",
        )
    if actor.role is None or actor.role not in step.roles:
        return (
            f"当前角色无权{step.zh}",
            f"role '{actor.role or 'anonymous'}' may not '{action}' a case",
        )
    if step.roles == HANDLERS and not actor.in_charge():
        return ("该案件不属于您的责任范围", "this case is not in your area or department")
    if action == "verify" and actor.user_id is not None and actor.user_id == state.handler_id:
        return (
            "核查结案须由处置人以外的人员进行",
            "a case must be verified by someone other than its handler",
        )
    return None


def take(
    state: CaseState,
    action: str,
    actor: Actor,
    at: dt.datetime,
    clock: Clock,
    *,
    comment: str = "",
    into_id: int | None = None,
) -> Outcome:
    """Take one step: the case's new state, or TransitionError with the reason it is refused."""
    if action not in STEPS:
        raise TransitionError(f"未知操作：{action}", f"unknown action: {action}")
    refused = refusal(state, action, actor)
    if refused is not None:
        raise TransitionError(*refused)
    step = STEPS[action]
    if step.needs_comment and not comment.strip():
        raise TransitionError(f"{step.zh}须填写原因", f"'{action}' needs a reason")
    if action == "resume":
        return _resume(state, at, clock.cal)
    new = dataclasses.replace(state, status=step.target or state.status)
    return Outcome(dataclasses.replace(new, **_fields(state, action, actor, at, clock, into_id)))


def escalate(state: CaseState) -> CaseState:
    """One level up the owner chain (the escalation job's step): only while the clock runs."""
    if state.status not in RUNNING:
        raise TransitionError(
            "只能升级运行中的案件", f"a case escalates only while it runs, not while {state.status}"
        )
    return dataclasses.replace(state, escalation_level=state.escalation_level + 1)


def _fields(
    state: CaseState, action: str, actor: Actor, at: dt.datetime, clock: Clock, into_id: int | None
) -> dict[str, Any]:
    """The fields a step sets besides the status."""
    if action == "register":
        return {"registered_at": at}
    if action == "dispatch":
        return {"dispatched_at": at, "due_at": due_time(at, *clock.limit, clock.cal)}
    if action == "accept":
        return {"handler_id": actor.user_id}
    if action == "handle":
        return {"handler_id": actor.user_id, "handled_at": at}
    if action == "rework":
        return {"rework_count": state.rework_count + 1}
    if action == "verify":
        return {"closed_at": at}
    if action == "suspend":
        return {"suspended_from": state.status, "suspended_at": at}
    if action == "merge":
        return {"closed_at": at, "merged_into_id": into_id}
    return {}  # reject; reassign, whose new parties loop._reassign sets


def _resume(state: CaseState, at: dt.datetime, cal: Calendar) -> Outcome:
    """Back to the state before the suspension, the deadline later by the working time paused."""
    back = state.suspended_from or S.REGISTERED
    new = dataclasses.replace(state, status=back, suspended_from="", suspended_at=None)
    if state.due_at is None or state.suspended_at is None:
        return Outcome(new)
    hours = cal.working_time(state.suspended_at, at).total_seconds() / 3600
    if not hours:
        return Outcome(new)
    note = f"挂起 {hours:.2f} 工作小时，时限顺延 / clock paused {hours:.2f} working hours"
    return Outcome(dataclasses.replace(new, due_at=cal.add_hours(state.due_at, hours)), note)
