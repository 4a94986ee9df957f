"""Each step is allowed only to the right roles; a refusal says why in both languages and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridmgr.casework.loop import TransitionError, apply, receive
from gridmgr.casework.photos import add_photo
from gridmgr.models import Account, AccountRole, Issue, Transition
from tests.loop import People, at, dispatched, jpeg, spot, user
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def test_a_grid_worker_may_not_register_and_nothing_changes(world: World, people: People) -> None:
    issue, _ = receive(*spot(world), world.categories["rubbish"], now=at(2026, 3, 2, 9))
    with pytest.raises(TransitionError) as refused:
        apply(issue, "register", people.worker, now=at(2026, 3, 2, 9, 5))
    assert refused.value.zh == "当前角色无权立案"
    assert refused.value.en == "role 'grid_worker' may not 'register' a case"
    issue.refresh_from_db()
    assert issue.status == Issue.Status.REPORTED and issue.registered_at is None
    assert list(Transition.objects.filter(issue=issue).values_list("action", flat=True)) == [
        "report"
    ]


def test_anonymous_users_may_take_no_step(world: World) -> None:
    issue, _ = receive(*spot(world), world.categories["rubbish"])
    with pytest.raises(TransitionError, match="anonymous"):
        apply(issue, "register", None)


def test_a_department_may_not_accept_a_case_of_another_department(
    world: World, people: People
) -> None:
    police = user("police", AccountRole.DEPARTMENT, world.owners["交警"])
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    with pytest.raises(TransitionError) as refused:
        apply(issue, "accept", police)
    assert "not in your area or department" in refused.value.en
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DISPATCHED and issue.handler is None


def test_a_grid_worker_of_another_sub_district_may_not_accept(world: World, people: People) -> None:
    stranger = user("stranger", AccountRole.GRID_WORKER, world.owners["网格员S1"])
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    with pytest.raises(TransitionError):
        apply(issue, "accept", stranger)


def test_the_handler_may_not_verify_their_own_work(
    world: World, people: People, media: Path
) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    apply(issue, "accept", people.centre, now=at(2026, 3, 2, 9, 30))
    add_photo(issue, jpeg(), kind="evidence")
    apply(issue, "handle", people.centre, now=at(2026, 3, 2, 10))
    with pytest.raises(TransitionError) as refused:
        apply(issue, "verify", people.centre, now=at(2026, 3, 2, 11))
    assert refused.value.zh == "核查结案须由处置人以外的人员进行"
    assert refused.value.en == "a case must be verified by someone other than its handler"
    issue.refresh_from_db()
    assert issue.status == Issue.Status.HANDLED and issue.closed_at is None
    apply(issue, "verify", people.inspector, now=at(2026, 3, 2, 11))
    assert issue.status == Issue.Status.CLOSED


def test_a_handler_may_not_verify_even_with_a_verifier_role(
    world: World, people: People, media: Path
) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    apply(issue, "accept", people.worker, now=at(2026, 3, 2, 9, 30))
    add_photo(issue, jpeg(), kind="evidence")
    apply(issue, "handle", people.worker, now=at(2026, 3, 2, 10))
    Account.objects.filter(user=people.worker).update(role=AccountRole.INSPECTOR)
    with pytest.raises(TransitionError, match="other than its handler"):
        apply(issue, "verify", people.worker)


def test_a_report_back_needs_an_evidence_photo(world: World, people: People) -> None:
    issue = dispatched(world, people, at(2026, 3, 2, 9))
    apply(issue, "accept", people.worker, now=at(2026, 3, 2, 9, 30))
    with pytest.raises(TransitionError) as refused:
        apply(issue, "handle", people.worker, comment="已处理")
    assert refused.value.zh == "处置反馈须附本轮处置照片"
    issue.refresh_from_db()
    assert issue.status == Issue.Status.HANDLING and issue.handled_at is None


def test_a_step_out_of_order_is_refused(world: World, people: People) -> None:
    issue, _ = receive(*spot(world), world.categories["rubbish"])
    with pytest.raises(TransitionError) as refused:
        apply(issue, "dispatch", people.centre)
    assert refused.value.en == "the case is reported: 'dispatch' is not possible now"
    with pytest.raises(TransitionError, match="unknown action"):
        apply(issue, "teleport", people.centre)
