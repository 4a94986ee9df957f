"""The side panel of a zone: code, layer, area, owner chain with contacts, issues, history."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gridmgr.casework.report import report_issue
from gridmgr.models import Account, AccountRole, Issue, Transition, Zone
from tests.gridmgr.map_client import centre_client
from tests.world import World, full_cells

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def client(world: World) -> Client:
    return centre_client()


@pytest.fixture
def cell(world: World) -> Zone:
    return full_cells(world.subs["S1"], world.grid)[12]


def panel(client: Client, zone: Zone) -> dict[str, Any]:
    response = client.get(f"/map/zones/{zone.pk}/panel")
    assert response.status_code == 200
    return json.loads(response.content)


def test_panel_names_the_zone(world: World, client: Client, cell: Zone) -> None:
    data = panel(client, cell)
    assert data["code"] == cell.code
    assert data["layer"]["name"] == "单元网格"
    assert data["area_m2"] == pytest.approx(40_000, rel=0.01)
    assert data["region"] == "景山街道"
    assert data["plan"] == world.plan.name
    assert json.loads(data["geometry"])["type"] == "MultiPolygon"


def test_owner_chain_runs_from_grid_worker_up_to_the_district(
    world: World, client: Client, cell: Zone
) -> None:
    worker = world.owners["网格员S1"]
    worker.phone, worker.email = "13800000001", "s1@example.org"
    worker.save()
    chain = panel(client, cell)["owners"]
    assert [(o["name"], o["role"]) for o in chain] == [
        ("网格员S1", "grid_worker"),
        ("板块长S1", "sector_lead"),
        ("景山街道办事处", "territorial"),
        ("东城区网格化管理中心", "territorial"),
    ]
    assert chain[0]["phone"] == "13800000001" and chain[0]["email"] == "s1@example.org"
    assert chain[1]["where"].startswith("S1 ")


def test_open_issues_are_counted_and_listed_latest_first(
    world: World, client: Client, cell: Zone
) -> None:
    spot = world.inside(cell)
    first = report_issue(*spot, world.categories["rubbish"])
    second = report_issue(*spot, world.categories["parking"])
    closed = report_issue(*spot, world.categories["parking"])
    Issue.objects.filter(pk=closed.pk).update(status=Issue.Status.CLOSED)
    issues = panel(client, cell)["issues"]
    assert (issues["open"], issues["total"]) == (2, 3)
    assert [i["id"] for i in issues["latest"]] == [second.pk, first.pk]
    assert issues["latest"][0]["url"] == f"/admin/gridmgr/issue/{second.pk}/change/"
    assert issues["latest"][0]["category"] == "违章停车"


def test_history_shows_activation_owners_and_issue_steps(
    world: World, client: Client, cell: Zone
) -> None:
    issue = report_issue(*world.inside(cell), world.categories["rubbish"])
    Transition.objects.create(
        issue=issue, action="register", from_status="reported", to_status="registered"
    )
    kinds = [e["kind"] for e in panel(client, cell)["history"]]
    assert kinds[0] == "transition"
    assert {"zone", "activated", "owner_from"} <= set(kinds)


def test_a_user_sees_only_the_issues_they_may_see(world: World, cell: Zone) -> None:
    report_issue(*world.inside(cell), world.categories["rubbish"])
    other = User.objects.create_user("wangwu", password="x-secret-1")
    Account.objects.create(user=other, role=AccountRole.GRID_WORKER, owner=world.owners["网格员S2"])
    client = Client()
    client.force_login(other)
    assert panel(client, cell)["issues"]["total"] == 0


def test_panel_of_an_unknown_zone_is_404(world: World, client: Client) -> None:
    assert client.get("/map/zones/999999/panel").status_code == 404
