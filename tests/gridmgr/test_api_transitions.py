"""The closed loop through the API: steps, allowed actions, and refusals (403, 409, 400)."""

from __future__ import annotations

from typing import Any

import pytest

from gridmgr.models import Issue, Photo
from tests.gridmgr.api_client import Clients, issue_in, make_clients, url
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def api(world: World) -> Clients:
    return make_clients(world)


@pytest.fixture
def issue(world: World) -> Issue:
    """Illegal parking (交警) in a cell of S3 (网格员S3)."""
    return issue_in(world, "S3", "parking")


def step(client: Any, issue: Issue, action: str, comment: str = "") -> Any:
    body = {"action": action, "comment": comment}
    return client.post(url("issue-transition", issue.pk), body, format="json")


def add_evidence(issue: Issue) -> None:
    Photo.objects.create(
        issue=issue,
        kind=Photo.Kind.EVIDENCE,
        original="photos/original/a.jpg",
        public="photos/public/a.jpg",
        content_type="image/jpeg",
        size=1,
        sha256="0" * 64,
    )


def test_a_case_goes_round_the_loop_by_the_right_hands(api: Clients, issue: Issue) -> None:
    assert step(api.centre, issue, "register").json()["properties"]["status"] == "registered"
    dispatched = step(api.centre, issue, "dispatch").json()["properties"]
    assert dispatched["status"] == "dispatched" and dispatched["due_at"]
    assert step(api.worker_s3, issue, "accept").status_code == 200
    add_evidence(issue)
    handled = step(api.worker_s3, issue, "handle", "已挪车")
    assert handled.json()["properties"]["status"] == "handled"
    closed = step(api.inspector, issue, "verify").json()["properties"]
    assert closed["status"] == "closed"
    actions = [t["action"] for t in closed["transitions"]]
    assert actions == ["report", "register", "dispatch", "accept", "handle", "verify"]


def test_the_detail_lists_the_actions_the_caller_may_take(api: Clients, issue: Issue) -> None:
    detail = url("issue-detail", issue.pk)
    centre = api.centre.get(detail).json()["properties"]["allowed_actions"]
    assert {"register", "reject", "reassign"} <= set(centre)
    assert not {"dispatch", "accept", "verify"} & set(centre)
    assert api.worker_s3.get(detail).json()["properties"]["allowed_actions"] == []
    assert api.viewer.get(detail).json()["properties"]["allowed_actions"] == []


def test_a_step_the_role_may_not_take_is_403_in_both_languages(api: Clients, issue: Issue) -> None:
    response = step(api.worker_s3, issue, "register")
    assert response.status_code == 403
    body = response.json()
    assert body["zh"] == "当前角色无权立案" and "may not 'register'" in body["en"]
    assert Issue.objects.get(pk=issue.pk).status == "reported"


def test_a_step_outside_ones_area_is_403(api: Clients, issue: Issue) -> None:
    step(api.centre, issue, "register")
    step(api.centre, issue, "dispatch")
    response = step(api.lead_s1, issue, "accept")  # a sector lead sees S3, owns S1 only
    assert response.status_code == 403
    assert response.json()["en"] == "this case is not in your area or department"


def test_the_handler_may_not_verify_its_own_work(api: Clients, issue: Issue) -> None:
    for action in ("register", "dispatch", "accept"):
        step(api.centre, issue, action)
    add_evidence(issue)
    step(api.centre, issue, "handle")
    response = step(api.centre, issue, "verify")
    assert response.status_code == 403
    assert "someone other than its handler" in response.json()["en"]


def test_a_step_the_state_does_not_allow_is_409(api: Clients, issue: Issue) -> None:
    response = step(api.centre, issue, "verify")
    assert response.status_code == 409
    assert "not possible now" in response.json()["en"]


def test_a_step_someone_else_took_first_is_409(api: Clients, issue: Issue) -> None:
    assert step(api.centre, issue, "register").status_code == 200
    assert step(api.centre, issue, "register").status_code == 409


def test_a_step_without_its_reason_or_evidence_is_400(api: Clients, issue: Issue) -> None:
    response = step(api.centre, issue, "reject")
    assert response.status_code == 400
    assert response.json()["en"] == "'reject' needs a reason"
    for action in ("register", "dispatch"):
        step(api.centre, issue, action)
    step(api.worker_s3, issue, "accept")
    response = step(api.worker_s3, issue, "handle")
    assert response.status_code == 400
    assert "evidence photo" in response.json()["en"]


def test_an_unknown_action_or_extra_field_is_400(api: Clients, issue: Issue) -> None:
    assert step(api.centre, issue, "teleport").status_code == 400
    body = {"action": "register", "urgent": True}
    response = api.centre.post(url("issue-transition", issue.pk), body, format="json")
    assert response.status_code == 400 and "urgent" in response.json()


def test_a_step_on_an_issue_one_cannot_see_is_404(api: Clients, world: World) -> None:
    elsewhere = issue_in(world, "S1", "parking")
    assert step(api.worker_s3, elsewhere, "accept").status_code == 404
    assert step(api.city, elsewhere, "accept").status_code == 404


def test_the_centre_reassigns_a_case_to_another_department(
    world: World, api: Clients, issue: Issue
) -> None:
    body = {"action": "reassign", "comment": "属市容问题", "department": world.owners["城管"].pk}
    response = api.centre.post(url("issue-transition", issue.pk), body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["properties"]["department_name"] == "城管执法局"
    lacking = {"action": "reassign", "comment": "无对象"}
    response = api.centre.post(url("issue-transition", issue.pk), lacking, format="json")
    assert response.status_code == 400
    assert "needs a new territorial owner or department" in response.json()["en"]


def test_the_centre_merges_a_duplicate_into_the_first_report(
    world: World, api: Clients, issue: Issue
) -> None:
    twin = issue_in(world, "S3", "parking")
    detail = api.centre.get(url("issue-detail", twin.pk)).json()["properties"]
    assert detail["possible_duplicates"] == [issue.pk]
    body = {"action": "merge", "comment": "重复上报", "into": issue.pk}
    response = api.centre.post(url("issue-transition", twin.pk), body, format="json")
    assert response.status_code == 200, response.json()
    merged = response.json()["properties"]
    assert (merged["status"], merged["merged_into"]) == ("closed", issue.pk)
    alone = {"action": "merge", "comment": "重复"}
    response = api.centre.post(url("issue-transition", issue.pk), alone, format="json")
    assert response.status_code == 400
