"""The API signs users in by token or session, and refuses anonymous callers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.http import HttpRequest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.gridmgr.api_client import Clients, make_clients, url
from tests.world import World

LISTS = [
    "region-list",
    "layer-list",
    "category-list",
    "plan-list",
    "zone-list",
    "owner-list",
    "ownership-list",
    "station-list",
    "issue-list",
    "coverage",
    "me",
]


@pytest.fixture
def api(world: World) -> Clients:
    return make_clients(world)


def test_token_is_issued_for_the_right_password(db: None) -> None:
    user = User.objects.create_user("wangwu", password="secret-1")
    response = APIClient().post(
        url("token"), {"username": "wangwu", "password": "secret-1"}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user).key}


def test_token_is_refused_for_a_wrong_password(db: None) -> None:
    User.objects.create_user("wangwu", password="secret-1")
    response = APIClient().post(
        url("token"), {"username": "wangwu", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_an_issued_token_signs_the_user_in(db: None) -> None:
    User.objects.create_user("wangwu", password="secret-1")
    key = APIClient().post(url("token"), {"username": "wangwu", "password": "secret-1"}).json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key['token']}")
    me = client.get(url("me"))
    assert me.status_code == 200
    assert me.json()["username"] == "wangwu"


def test_a_session_login_also_works(db: None) -> None:
    User.objects.create_user("wangwu", password="secret-1")
    client = APIClient()
    assert client.login(request=HttpRequest(), username="wangwu", password="secret-1")
    assert client.get(url("me")).status_code == 200


@pytest.mark.parametrize("name", LISTS)
def test_anonymous_callers_get_401_with_a_token_challenge(api: Clients, name: str) -> None:
    response = api.anonymous.get(url(name))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_gets_401(db: None) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert client.get(url("issue-list")).status_code == 401


def test_me_tells_the_role_and_what_it_may_do(api: Clients) -> None:
    lead = api.lead_s1.get(url("me")).json()
    assert lead["role"] == "sector_lead" and lead["owner_name"] == "板块长S1"
    assert (lead["is_centre"], lead["can_report"], lead["can_edit_zones"]) == (False, True, True)
    viewer = api.viewer.get(url("me")).json()
    assert (viewer["can_report"], viewer["can_edit_zones"]) == (False, False)
    nobody = api.nobody.get(url("me")).json()
    assert nobody["role"] is None and nobody["can_report"] is False
