"""Guessing passwords locks a user name out from that address, on the token API and the page.

30 wrong passwords and then the right one get no token and no session; the user still logs in
from another address, and another user from the same address; the lock lifts after the
cool-off. The message says so in Chinese and in English.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import F
from django.test import Client
from rest_framework.test import APIClient

from tests.gridmgr.api_client import url

pytestmark = pytest.mark.django_db
ATTACKER, HOME = "198.51.100.66", "10.1.2.3"
ZH, EN = "登录失败次数过多", "Too many failed logins"


@pytest.fixture(autouse=True)
def users() -> None:
    User.objects.create_user("wangwu", password="right-secret-1")
    User.objects.create_user("zhaoliu", password="other-secret-2")


def token(address: str, username: str = "wangwu", password: str = "right-secret-1") -> Any:
    body = {"username": username, "password": password}
    return APIClient(REMOTE_ADDR=address).post(url("token"), body, format="json")


def page_login(client: Client, username: str = "wangwu", password: str = "right-secret-1") -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_thirty_wrong_passwords_then_the_right_one_get_no_token() -> None:
    codes = [token(ATTACKER, password=f"guess-{k}").status_code for k in range(30)]
    assert codes[: settings.AXES_FAILURE_LIMIT - 1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(codes[settings.AXES_FAILURE_LIMIT :]) == {429}
    right = token(ATTACKER)
    assert right.status_code == 429
    body = right.json()
    assert "token" not in body
    assert (
        ZH in body["zh"] and EN in body["en"] and body["detail"] == f"{body['zh']} / {body['en']}"
    )
    assert right["Retry-After"] == str(round(settings.GRIDMGR_LOGIN_COOLOFF_MIN * 60))


def test_thirty_wrong_passwords_then_the_right_one_give_no_session_on_the_page() -> None:
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for k in range(30):
        assert page_login(attacker, password=f"guess-{k}").status_code in (200, 429)
    right = page_login(attacker)
    assert right.status_code == 429
    assert ZH in right.text and 'name="username"' in right.text  # the login page, explained
    assert not attacker.session.get("_auth_user_id")
    attacker.cookies["django_language"] = "en"
    assert EN in page_login(attacker).text


def test_the_guessers_lock_does_not_keep_the_user_out_of_their_own_address() -> None:
    for k in range(30):
        token(ATTACKER, password=f"guess-{k}")
    assert token(HOME).status_code == 200
    assert page_login(Client(REMOTE_ADDR=HOME)).status_code == 302


def test_another_user_still_logs_in_from_the_locked_address() -> None:
    for k in range(30):
        token(ATTACKER, password=f"guess-{k}")
    assert token(ATTACKER, "zhaoliu", "other-secret-2").status_code == 200
    other = page_login(Client(REMOTE_ADDR=ATTACKER), "zhaoliu", "other-secret-2")
    assert other.status_code == 302


def test_a_few_typos_do_not_lock_and_the_lock_lifts_after_the_cool_off() -> None:
    from axes.models import AccessAttempt  # only importable with axes installed as an app

    for k in range(settings.AXES_FAILURE_LIMIT - 1):
        token(ATTACKER, password=f"typo-{k}")
    assert token(ATTACKER).status_code == 200
    for k in range(settings.AXES_FAILURE_LIMIT):
        token(ATTACKER, password=f"guess-{k}")
    assert token(ATTACKER).status_code == 429
    cool_off = dt.timedelta(minutes=settings.GRIDMGR_LOGIN_COOLOFF_MIN + 1)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - cool_off)
    assert token(ATTACKER).status_code == 200
