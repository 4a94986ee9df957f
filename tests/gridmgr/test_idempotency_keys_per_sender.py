"""An idempotency key belongs to its sender: anyone else's replay of it is a new report.

Per path (REST API, Open311, the public report form) and per role: a key another client used,
sent as it is or in the stored form of that client's namespace, never answers with that
client's case; the sender's own replay still does.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from gridmgr.models import Account, AccountRole, ApiKey, Issue
from tests.gridmgr import open311_client as o311
from tests.gridmgr.api_client import Clients, cell, make_clients, url
from tests.loop import spot
from tests.world import World

CONTACT = "13911112222"  # the centre's reporter: nobody else may read it
KEY = "k-centre-1"
OTHER_ROLES = ["lead_s1", "worker_s3", "city", "traffic", "inspector"]

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def api(world: World) -> Clients:
    return make_clients(world)


@pytest.fixture
def centre_case(world: World, api: Clients) -> Issue:
    """The centre's report in S1 (out of sight of S3's grid worker), sent with key KEY."""
    point = world.inside(cell(world, "S1"))
    body = {"lon": point[0], "lat": point[1], "category": "0201", "reporter_contact": CONTACT}
    response = api.centre.post(url("issue-list"), body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 201, response.json()
    return Issue.objects.get(pk=response.json()["id"])


def api_post(client: APIClient, world: World, key: str) -> Any:
    lon, lat = spot(world)
    body = {"lon": lon, "lat": lat, "category": "0201", "description": "我的"}
    return client.post(url("issue-list"), body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def form_post(client: Client, world: World, key: str) -> Any:
    page = client.get("/report/")
    assert page.status_code == 200 and client.cookies.get("sessionid")  # a session to scope to
    lon, lat = spot(world)
    data = {"key": key, "lon": f"{lon:.7f}", "lat": f"{lat:.7f}", "description": "我的"}
    data["category"] = str(world.categories["rubbish"].pk)
    return client.post("/report/", data, follow=True)


def open311_post(api_key: str, world: World, key: str) -> Any:
    return o311.post(Client(), headers={"Idempotency-Key": key}, **o311.report_form(world, api_key))


def assert_new_case(body: str, theirs: Issue) -> None:
    assert CONTACT not in body and theirs.tracking_number not in body


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_another_users_api_key_makes_a_new_case_not_theirs(
    world: World, api: Clients, centre_case: Issue, role: str
) -> None:
    response = api_post(getattr(api, role), world, KEY)
    assert response.status_code == 201, response.json()
    assert "Idempotent-Replayed" not in response
    assert response.json()["id"] != centre_case.pk
    assert_new_case(response.content.decode(), centre_case)
    assert Issue.objects.count() == 2


def test_the_senders_own_replay_still_returns_its_case(
    world: World, api: Clients, centre_case: Issue
) -> None:
    again = api_post(api.centre, world, KEY)
    assert (again.status_code, again["Idempotent-Replayed"]) == (200, "true")
    assert again.json()["id"] == centre_case.pk


def test_a_key_naming_another_senders_namespace_reaches_nothing(
    world: World, api: Clients, centre_case: Issue
) -> None:
    stored = centre_case.idempotency_key
    assert stored == f"api:{centre_case.transitions.get().actor_id}:{KEY}"
    response = api_post(api.worker_s3, world, stored)
    assert response.status_code == 201, response.json()
    assert_new_case(response.content.decode(), centre_case)


def test_an_open311_clients_key_sent_through_the_api_makes_a_new_case(
    world: World, api: Clients
) -> None:
    api_key = o311.new_key()
    theirs = open311_post(api_key, world, "a1b2")
    assert theirs.status_code == 201
    number = o311.parse_json(theirs)[0]["service_request_id"]
    client_id = ApiKey.objects.get().pk
    for key in ("a1b2", f"open311:{client_id}:a1b2"):
        response = api_post(api.worker_s3, world, key)
        assert response.status_code == 201, response.json()
        assert response.json()["properties"]["tracking_number"] != number


def test_open311_clients_cannot_reach_api_or_other_clients_cases(
    world: World, centre_case: Issue
) -> None:
    first, second = o311.new_key("甲 App"), o311.new_key("乙 App")
    mine = o311.parse_json(open311_post(first, world, "same"))[0]["service_request_id"]
    first_id = ApiKey.objects.get(name="甲 App").pk
    for key in ("same", f"open311:{first_id}:same", KEY, centre_case.idempotency_key or ""):
        response = open311_post(second, world, key)
        assert response.status_code == 201
        number = o311.parse_json(response)[0]["service_request_id"]
        assert number not in (mine, centre_case.tracking_number)
    again = open311_post(first, world, "same")
    assert again.status_code == 200
    assert o311.parse_json(again)[0]["service_request_id"] == mine


def shown_number(response: Any) -> str:
    found = re.search(r"\b(\d{6}[0-9A-F]{8})\b", response.text)
    assert found is not None, response.text
    return found.group(1)


def test_another_browsers_form_key_makes_a_new_case_not_theirs(
    world: World, centre_case: Issue
) -> None:
    alice, bob = Client(), Client()
    first = form_post(alice, world, "f00d")
    assert first.redirect_chain == [("/report/thanks/", 302)]
    hers = shown_number(first)
    for key in ("f00d", Issue.objects.get(tracking_number=hers).idempotency_key or "", KEY):
        response = form_post(bob, world, key)
        assert response.redirect_chain == [("/report/thanks/", 302)]
        assert shown_number(response) not in (hers, centre_case.tracking_number)
        assert_new_case(response.text, centre_case)
    assert shown_number(form_post(alice, world, "f00d")) == hers  # her own resend
    assert Issue.objects.count() == 5


@pytest.mark.parametrize("role", [AccountRole.GRID_WORKER, AccountRole.INSPECTOR])
def test_a_signed_in_user_on_the_form_cannot_reach_anothers_case(
    world: World, centre_case: Issue, role: str
) -> None:
    browser = Client()
    user = User.objects.create_user(f"form-{role}")
    Account.objects.create(user=user, role=role, owner=world.owners["网格员S3"])
    browser.force_login(user)
    response = form_post(browser, world, KEY)
    assert shown_number(response) != centre_case.tracking_number
    assert_new_case(response.text, centre_case)
