"""Plans through the API: the centre drafts, previews the moves, and activates."""

from __future__ import annotations

import pytest

from gridmgr.models import Issue, Plan
from tests.gridmgr.api_client import Clients, draft_with_zones, issue_in, make_clients, url
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def api(world: World) -> Clients:
    return make_clients(world)


def test_the_centre_creates_a_draft_plan(api: Clients) -> None:
    response = api.centre.post(url("plan-list"), {"name": "2027 方案", "note": "调整"}, "json")
    assert response.status_code == 201
    assert response.json()["status"] == "draft" and response.json()["zone_count"] == 0


def test_a_plan_cannot_be_created_active(api: Clients) -> None:
    response = api.centre.post(url("plan-list"), {"name": "捷径", "status": "active"}, "json")
    assert response.status_code == 201
    assert Plan.objects.get(name="捷径").status == "draft"


def test_plan_names_are_unique_and_unknown_fields_refused(world: World, api: Clients) -> None:
    assert api.centre.post(url("plan-list"), {"name": world.plan.name}, "json").status_code == 400
    response = api.centre.post(url("plan-list"), {"name": "新", "owner": "me"}, "json")
    assert response.status_code == 400 and "owner" in response.json()


def test_only_the_centre_drafts_previews_and_activates(world: World, api: Clients) -> None:
    plan, _, _ = draft_with_zones(world)
    assert api.lead_s1.get(url("plan-list")).json()["count"] == 2
    assert api.lead_s1.post(url("plan-list"), {"name": "x"}, "json").status_code == 403
    assert api.lead_s1.get(url("plan-preview", plan.pk)).status_code == 403
    assert api.lead_s1.post(url("plan-activate", plan.pk)).status_code == 403
    assert Plan.objects.get(pk=plan.pk).status == "draft"


def test_the_preview_lists_the_open_issues_that_would_change_hands(
    world: World, api: Clients
) -> None:
    plan, _, _ = draft_with_zones(world)  # its unit grids replace the whole layer
    issue_in(world, "S1", index=5)  # under D1, which has no owner yet: territorial fallback
    issue_in(world, "S3")  # under no zone of the draft: territorial fallback
    response = api.centre.get(url("plan-preview", plan.pk))
    assert response.status_code == 200
    preview = response.json()
    assert (preview["plan"], preview["open_issues"], preview["moved"]) == (plan.name, 2, 2)
    assert preview["layers"] == ["单元网格"]
    moves = {(m["layer"], m["from_owner"], m["to_owner"], m["count"]) for m in preview["moves"]}
    assert moves == {
        ("单元网格", "网格员S1", "景山街道办事处", 1),
        ("单元网格", "网格员S3", "朝阳门街道办事处", 1),
    }


def test_activation_switches_plans_and_reroutes_open_issues(world: World, api: Clients) -> None:
    plan, d1, _ = draft_with_zones(world)
    issue = issue_in(world, "S1", index=5)
    response = api.centre.post(url("plan-activate", plan.pk))
    assert response.status_code == 200
    assert response.json()["rerouted"] == 1
    assert response.json()["plan"]["status"] == "active"
    assert Issue.objects.get(pk=issue.pk).zone == d1


def test_an_empty_plan_cannot_be_activated(api: Clients) -> None:
    plan = api.centre.post(url("plan-list"), {"name": "空方案"}, "json").json()
    response = api.centre.post(url("plan-activate", plan["id"]))
    assert response.status_code == 409
    assert "没有任何区域" in response.json()["zh"] and "has no zones" in response.json()["en"]


def test_a_preview_without_open_issues_moves_nothing(world: World, api: Clients) -> None:
    plan, _, _ = draft_with_zones(world)
    preview = api.centre.get(url("plan-preview", plan.pk)).json()
    assert (preview["open_issues"], preview["moved"], preview["moves"]) == (0, 0, [])
