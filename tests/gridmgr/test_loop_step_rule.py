"""The one rule of the loop's steps (casework.lifecycle.take), pinned without a database.

Both the live loop (loop.apply) and the demo's sixty days of history (demo.history) take their
steps through it: every step from every state, by every role, and the fields each one sets.
The tables below are written out, not read from STEPS, so that a change of the rule shows here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from gridmgr.casework.lifecycle import (
    STEPS,
    Actor,
    CaseState,
    Clock,
    Outcome,
    TransitionError,
    escalate,
    refusal,
    take,
)
from gridmgr.casework.workcal import Calendar
from gridmgr.models import AccountRole, CalendarDay, Issue
from tests.loop import at

S = Issue.Status
R = AccountRole
OPEN = {S.REPORTED, S.REGISTERED, S.DISPATCHED, S.HANDLING, S.HANDLED, S.SUSPENDED}
FROM = {
    "register": {S.REPORTED},
    "reject": {S.REPORTED},
    "dispatch": {S.REGISTERED},
    "accept": {S.DISPATCHED},
    "handle": {S.HANDLING},
    "verify": {S.HANDLED},
    "rework": {S.HANDLED},
    "suspend": {S.REGISTERED, S.DISPATCHED, S.HANDLING},
    "resume": {S.SUSPENDED},
    "reassign": {S.REPORTED, S.REGISTERED, S.DISPATCHED, S.HANDLING},
    "merge": OPEN,
}
HANDLING_ROLES = {R.GRID_WORKER, R.STATIONED_CADRE, R.SECTOR_LEAD, R.DEPARTMENT, R.COMMAND_CENTRE}
WHO = {
    "register": {R.COMMAND_CENTRE},
    "reject": {R.COMMAND_CENTRE},
    "dispatch": {R.COMMAND_CENTRE},
    "accept": HANDLING_ROLES,
    "handle": HANDLING_ROLES,
    "verify": {R.COMMAND_CENTRE, R.INSPECTOR},
    "rework": {R.COMMAND_CENTRE, R.INSPECTOR},
    "suspend": {R.COMMAND_CENTRE},
    "resume": {R.COMMAND_CENTRE},
    "reassign": {R.COMMAND_CENTRE},
    "merge": {R.COMMAND_CENTRE},
}
TO = {
    "register": S.REGISTERED,
    "reject": S.REJECTED,
    "dispatch": S.DISPATCHED,
    "accept": S.HANDLING,
    "handle": S.HANDLED,
    "verify": S.CLOSED,
    "rework": S.HANDLING,
    "suspend": S.SUSPENDED,
    "merge": S.CLOSED,
}
NEEDS_REASON = {"reject", "rework", "suspend", "reassign", "merge"}
NOW = at(2026, 3, 2, 9)  # Monday 2 March 2026, 09:00
HANDLER, OTHER = 7, 8
# Four working hours of limit, on weekdays 08:30–12:00 and 13:30–17:30 with no holidays.
CLOCK = Clock(Calendar(exceptions={}), (4, "hours"))


def centre(user_id: int = OTHER) -> Actor:
    return Actor(user_id, R.COMMAND_CENTRE)


def step(
    state: CaseState,
    action: str,
    actor: Actor | None = None,
    comment: str = "a reason",
    into_id: int | None = None,
) -> Outcome:
    return take(state, action, actor or centre(), NOW, CLOCK, comment=comment, into_id=into_id)


def test_the_table_names_every_step() -> None:
    assert set(FROM) == set(WHO) == set(STEPS)


@pytest.mark.parametrize("action", sorted(FROM))
@pytest.mark.parametrize("status", sorted(S.values))
def test_a_step_starts_only_from_its_states(action: str, status: str) -> None:
    state = CaseState(status=status, suspended_from=S.HANDLING)
    found = refusal(state, action, centre())
    if status in FROM[action]:
        assert found is None
    else:
        assert found is not None and "not possible now" in found[1]
        with pytest.raises(TransitionError, match="not possible now"):
            step(state, action)


@pytest.mark.parametrize("action", sorted(WHO))
@pytest.mark.parametrize("role", [*sorted(R.values), None])
def test_a_step_is_taken_only_by_its_roles(action: str, role: str | None) -> None:
    state = CaseState(status=sorted(FROM[action])[0], handler_id=HANDLER)
    found = refusal(state, action, Actor(OTHER, role))
    if role in WHO[action]:
        assert found is None
    else:
        assert found == (
            f"当前角色无权{STEPS[action].zh}",
            f"role '{role or 'anonymous'}' may not '{action}' a case",
        )


@pytest.mark.parametrize("action", ["accept", "handle"])
def test_a_handler_takes_only_the_cases_in_their_charge(action: str) -> None:
    state = CaseState(status=sorted(FROM[action])[0])
    elsewhere = Actor(HANDLER, R.GRID_WORKER, in_charge=lambda: False)
    assert refusal(state, action, elsewhere) == (
        "该案件不属于您的责任范围",
        "this case is not in your area or department",
    )
    assert refusal(state, action, Actor(HANDLER, R.GRID_WORKER)) is None


def test_the_charge_is_asked_only_of_the_handlers_steps() -> None:
    def never() -> bool:
        raise AssertionError("asked")

    actor = Actor(OTHER, R.COMMAND_CENTRE, in_charge=never)
    for action, sources in FROM.items():
        if action not in ("accept", "handle"):
            assert refusal(CaseState(status=sorted(sources)[0]), action, actor) is None


def test_the_handler_may_not_verify_their_own_case() -> None:
    handled = CaseState(status=S.HANDLED, handler_id=HANDLER)
    assert refusal(handled, "verify", Actor(HANDLER, R.INSPECTOR)) == (
        "核查结案须由处置人以外的人员进行",
        "a case must be verified by someone other than its handler",
    )
    assert refusal(handled, "verify", Actor(OTHER, R.INSPECTOR)) is None
    assert refusal(handled, "rework", Actor(HANDLER, R.COMMAND_CENTRE)) is None


@pytest.mark.parametrize("action", sorted(FROM))
def test_a_reason_is_needed_where_the_rule_says(action: str) -> None:
    state = CaseState(status=sorted(FROM[action])[0], suspended_from=S.REGISTERED)
    if action in NEEDS_REASON:
        with pytest.raises(TransitionError, match="needs a reason"):
            step(state, action, comment="  ")
    else:
        step(state, action, comment="")


def test_an_unknown_step_is_refused() -> None:
    with pytest.raises(TransitionError, match="unknown action: close"):
        step(CaseState(), "close")


@pytest.mark.parametrize("action", sorted(TO))
def test_each_step_leads_to_its_state(action: str) -> None:
    assert step(CaseState(status=sorted(FROM[action])[0]), action).state.status == TO[action]


def test_each_step_sets_its_fields_and_nothing_else() -> None:
    worker = Actor(HANDLER, R.GRID_WORKER)
    due = at(2026, 3, 2, 14, 30)  # 09:00 + 3 h before lunch + 1 h after
    cases: list[tuple[str, str, Actor, dict[str, Any]]] = [
        ("register", S.REPORTED, centre(), {"registered_at": NOW}),
        ("reject", S.REPORTED, centre(), {}),
        ("dispatch", S.REGISTERED, centre(), {"dispatched_at": NOW, "due_at": due}),
        ("accept", S.DISPATCHED, worker, {"handler_id": HANDLER}),
        ("handle", S.HANDLING, worker, {"handler_id": HANDLER, "handled_at": NOW}),
        ("verify", S.HANDLED, Actor(OTHER, R.INSPECTOR), {"closed_at": NOW}),
        ("rework", S.HANDLED, Actor(OTHER, R.INSPECTOR), {"rework_count": 2}),
        ("suspend", S.HANDLING, centre(), {"suspended_from": S.HANDLING, "suspended_at": NOW}),
        ("reassign", S.HANDLING, centre(), {}),
    ]
    for action, status, actor, fields in cases:
        before = CaseState(status=status, rework_count=1)
        after = step(before, action, actor).state
        expected = dataclasses.replace(before, status=TO.get(action, status), **fields)
        assert after == expected, action


def test_a_merge_closes_the_case_into_another() -> None:
    merged = step(CaseState(status=S.DISPATCHED), "merge", into_id=41).state
    assert (merged.status, merged.closed_at, merged.merged_into_id) == (S.CLOSED, NOW, 41)


def test_a_dispatch_without_a_time_limit_has_no_deadline() -> None:
    no_limit = Clock(Calendar(exceptions={}), (None, "hours"))
    done = take(CaseState(status=S.REGISTERED), "dispatch", centre(), NOW, no_limit)
    assert (done.state.dispatched_at, done.state.due_at) == (NOW, None)


def test_a_holiday_of_the_given_calendar_does_not_count() -> None:
    monday_off = Clock(
        Calendar(exceptions={dt.date(2026, 3, 2): CalendarDay.Kind.HOLIDAY}), (4, "hours")
    )
    done = take(CaseState(status=S.REGISTERED), "dispatch", centre(), NOW, monday_off)
    assert done.state.due_at == at(2026, 3, 3, 14)  # Tuesday 08:30 + 3.5 h + 0.5 h


def test_a_resume_returns_to_the_state_before_and_moves_the_deadline_by_the_pause() -> None:
    suspended = CaseState(
        status=S.SUSPENDED,
        suspended_from=S.HANDLING,
        suspended_at=at(2026, 2, 27, 16),  # Friday 16:00 to Monday 09:00: 1.5 h + 0.5 h
        due_at=at(2026, 3, 2, 10),
        handler_id=HANDLER,
    )
    done = step(suspended, "resume", comment="")
    assert done.state == dataclasses.replace(
        suspended,
        status=S.HANDLING,
        suspended_from="",
        suspended_at=None,
        due_at=at(2026, 3, 2, 12),
    )
    assert done.note == "挂起 2.00 工作小时，时限顺延 / clock paused 2.00 working hours"


def test_a_resume_before_dispatch_goes_back_to_registered_with_no_note() -> None:
    done = step(CaseState(status=S.SUSPENDED, suspended_at=NOW), "resume")
    assert (done.state.status, done.state.suspended_at, done.note) == (S.REGISTERED, None, "")


def test_a_pause_in_no_working_time_moves_nothing() -> None:
    saturday = CaseState(
        status=S.SUSPENDED,
        suspended_from=S.DISPATCHED,
        suspended_at=at(2026, 2, 28, 9),
        due_at=at(2026, 3, 2, 17, 30),
    )
    done = take(saturday, "resume", centre(), at(2026, 3, 1, 18), CLOCK)
    assert (done.state.status, done.state.due_at, done.note) == (
        S.DISPATCHED,
        saturday.due_at,
        "",
    )


@pytest.mark.parametrize("status", sorted(S.values))
def test_a_case_escalates_one_level_only_while_its_clock_runs(status: str) -> None:
    state = CaseState(status=status, escalation_level=1)
    if status in (S.DISPATCHED, S.HANDLING):
        assert escalate(state) == dataclasses.replace(state, escalation_level=2)
    else:
        with pytest.raises(TransitionError, match="escalates only while it runs"):
            escalate(state)
