"""Login, logout and password change work in the app's own pages."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def user() -> object:
    return get_user_model().objects.create_user("wangwu", password="old-secret-1")


def test_login_page_renders_in_chinese_then_in_english(client: Client) -> None:
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "登录" in page.text and "Log in" not in page.text
    client.cookies["django_language"] = "en"
    page = client.get("/accounts/login/")
    assert "Log in" in page.text and "登录" not in page.text


def test_login_with_right_password_logs_in(client: Client, user: object) -> None:
    response = client.post("/accounts/login/", {"username": "wangwu", "password": "old-secret-1"})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_login_with_wrong_password_is_refused(client: Client, user: object) -> None:
    response = client.post("/accounts/login/", {"username": "wangwu", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.text
    assert not client.session.get("_auth_user_id")


def test_logout_ends_the_session(client: Client, user: object) -> None:
    client.login(request=HttpRequest(), username="wangwu", password="old-secret-1")
    assert client.post("/accounts/logout/").status_code == 200
    assert not client.session.get("_auth_user_id")


def test_password_change_takes_the_new_password(client: Client, user: object) -> None:
    client.login(request=HttpRequest(), username="wangwu", password="old-secret-1")
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "old-secret-1",
            "new_password1": "brand-new-Secret-9",
            "new_password2": "brand-new-Secret-9",
        },
    )
    assert response.status_code == 302
    client.logout()
    assert client.login(request=HttpRequest(), username="wangwu", password="brand-new-Secret-9")
    assert not client.login(request=HttpRequest(), username="wangwu", password="old-secret-1")
