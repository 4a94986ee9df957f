"""Each role sees the issues gridmgr.access allows, and writes only what it may."""

from __future__ import annotations

import pytest

from gridmgr.models import Issue
from tests.gridmgr.api_client import Clients, cell, issue_in, make_clients, report, url
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def api(world: World) -> Clients:
    return make_clients(world)


@pytest.fixture
def issues(world: World) -> dict[str, Issue]:
    """Parking (交警) in S1 and S3, rubbish (城管) in S2 and S3."""
    return {
        "parking_s1": issue_in(world, "S1", "parking"),
        "parking_s3": issue_in(world, "S3", "parking"),
        "rubbish_s2": issue_in(world, "S2", "rubbish"),
        "rubbish_s3": issue_in(world, "S3", "rubbish", index=3),
    }


def seen(client: object, issues: dict[str, Issue]) -> set[str]:
    features = client.get(url("issue-list")).json()["features"]  # type: ignore[attr-defined]
    names = {issue.pk: name for name, issue in issues.items()}
    return {names[f["id"]] for f in features}


def test_centre_inspector_viewer_and_sector_lead_see_every_issue(
    api: Clients, issues: dict[str, Issue]
) -> None:
    for client in (api.centre, api.inspector, api.viewer, api.lead_s1):
        assert seen(client, issues) == set(issues)


def test_a_grid_worker_sees_only_the_issues_of_its_own_zones(
    api: Clients, issues: dict[str, Issue]
) -> None:
    assert seen(api.worker_s3, issues) == {"parking_s3", "rubbish_s3"}


def test_a_grid_worker_cannot_open_an_issue_outside_its_zones(
    api: Clients, issues: dict[str, Issue]
) -> None:
    assert api.worker_s3.get(url("issue-detail", issues["parking_s1"].pk)).status_code == 404
    assert api.worker_s3.get(url("issue-detail", issues["parking_s3"].pk)).status_code == 200


def test_a_department_sees_the_issues_of_its_categories_anywhere(
    api: Clients, issues: dict[str, Issue]
) -> None:
    assert seen(api.city, issues) == {"rubbish_s2", "rubbish_s3"}
    assert seen(api.traffic, issues) == {"parking_s1", "parking_s3"}


def test_a_user_without_a_role_sees_no_issue_and_cannot_report(
    world: World, api: Clients, issues: dict[str, Issue]
) -> None:
    assert seen(api.nobody, issues) == set()
    assert report(api.nobody, world.inside(cell(world, "S1")), "0201").status_code == 403


def test_the_viewer_is_read_only(world: World, api: Clients, issues: dict[str, Issue]) -> None:
    response = report(api.viewer, world.inside(cell(world, "S1")), "0201")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    step = {"action": "register"}
    refused = api.viewer.post(url("issue-transition", issues["parking_s1"].pk), step, format="json")
    assert refused.status_code == 403
    assert api.viewer.post(url("plan-list"), {"name": "x"}, format="json").status_code == 403
    assert api.viewer.post(url("owner-list"), {"name": "x"}, format="json").status_code == 403
    assert api.viewer.delete(url("zone-detail", world.overlap.pk)).status_code == 403


@pytest.mark.parametrize("role", ["worker_s3", "city", "inspector", "lead_s1"])
def test_every_role_but_the_viewer_may_report(world: World, api: Clients, role: str) -> None:
    response = report(getattr(api, role), world.inside(cell(world, "S2")), "0101")
    assert response.status_code == 201


def test_only_the_centre_writes_owners_and_ownerships(world: World, api: Clients) -> None:
    owner = {"name": "新网格员", "kind": "person"}
    assert api.lead_s1.post(url("owner-list"), owner, format="json").status_code == 403
    created = api.centre.post(url("owner-list"), owner, format="json")
    assert created.status_code == 201
    duty = {
        "owner": created.json()["id"],
        "zone": cell(world, "S2").pk,
        "role": "grid_leader",
        "valid_from": "2026-01-01",
    }
    assert api.worker_s3.post(url("ownership-list"), duty, format="json").status_code == 403
    assert api.centre.post(url("ownership-list"), duty, format="json").status_code == 201
    assert api.lead_s1.get(url("ownership-list"), {"role": "grid_leader"}).json()["count"] == 1
