"""One address guessing a few passwords for each of many user names is stopped too.

Every failed login from an address takes a token of its bucket
(GRIDMGR_LOGIN_ADDRESS_FAILURES_PER_HOUR); with none left, logins from that address are refused
(429, the right password too) while other addresses log in as usual.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from tests.gridmgr.api_client import url

pytestmark = pytest.mark.django_db
SPRAYER, HOME = "198.51.100.77", "10.1.2.4"
LIMIT = 10


@pytest.fixture(autouse=True)
def limit(settings: Settings) -> None:
    settings.GRIDMGR_LOGIN_ADDRESS_FAILURES_PER_HOUR = LIMIT
    User.objects.create_user("wangwu", password="right-secret-1")


def token(address: str, username: str, password: str) -> Any:
    body = {"username": username, "password": password}
    return APIClient(REMOTE_ADDR=address).post(url("token"), body, format="json")


def spray(count: int) -> list[int]:
    """One wrong password for each of `count` user names, from the sprayer's address."""
    return [token(SPRAYER, f"user{k}", "123456").status_code for k in range(count)]


def test_spraying_one_password_over_many_names_runs_out_of_tries() -> None:
    assert spray(LIMIT + 5) == [400] * LIMIT + [429] * 5
    refused = token(SPRAYER, "wangwu", "right-secret-1")
    assert refused.status_code == 429 and "token" not in refused.json()
    assert "此地址登录失败次数过多" in refused.json()["zh"]
    assert "from this address" in refused.json()["en"]
    assert refused["Retry-After"] == str(3600 // LIMIT)


def test_the_page_refuses_the_spraying_address_in_its_language() -> None:
    spray(LIMIT)
    browser = Client(REMOTE_ADDR=SPRAYER)
    page = browser.post("/accounts/login/", {"username": "wangwu", "password": "right-secret-1"})
    assert page.status_code == 429 and "此地址登录失败次数过多" in page.text
    assert not browser.session.get("_auth_user_id")


def test_other_addresses_log_in_while_one_is_paused() -> None:
    spray(LIMIT + 1)
    assert token(HOME, "wangwu", "right-secret-1").status_code == 200
    home = Client(REMOTE_ADDR=HOME)
    login = home.post("/accounts/login/", {"username": "wangwu", "password": "right-secret-1"})
    assert login.status_code == 302


def test_a_few_failures_from_an_address_change_nothing() -> None:
    spray(LIMIT - 1)
    assert token(SPRAYER, "wangwu", "right-secret-1").status_code == 200
