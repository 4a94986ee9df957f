"""Every page carries the top bar, and the bar lists exactly the pages the user may open: each
entry answers 200, every other staff page answers 403 (the admin sends to its own login)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.gridmgr.nav_cases import PAGE_URLS, TOP_BAR, client_of, make_logins, top_bar
from tests.world import World

pytestmark = [pytest.mark.world_per_module, pytest.mark.django_db]


@pytest.fixture
def logins(world: World) -> dict[str, User]:
    return make_logins(world)


def test_the_top_bar_lists_exactly_the_pages_the_role_may_open(logins: dict[str, User]) -> None:
    for name, expected in TOP_BAR.items():
        client = client_of(logins[name])
        seen = top_bar(client.get("/issues/").content.decode())
        assert [key for key, _ in seen] == expected, name
        for key, url in seen:
            response = client.get(url)
            assert response.status_code == 200, (name, key, url, response.status_code)
            if key != "admin":  # Django's admin keeps its own header, whose "view site" leads back
                html = response.content.decode()
                assert [k for k, _ in top_bar(html)] == expected, (name, url)
        for key, url in PAGE_URLS.items():
            if key not in expected:
                refused = client.get(url)
                assert refused.status_code == (302 if key == "admin" else 403), (name, key)


def test_a_refused_page_keeps_the_top_bar_and_says_why(logins: dict[str, User]) -> None:
    response = client_of(logins["wanggeyuan"]).get("/editor/")
    assert response.status_code == 403
    html = response.content.decode()
    assert [k for k, _ in top_bar(html)] == TOP_BAR["wanggeyuan"]
    assert "您的角色不能打开此页面" in html


def test_pages_outside_the_staff_pages_carry_the_bar_too(
    logins: dict[str, User], client: Client
) -> None:
    worker = client_of(logins["wanggeyuan"])
    pages = [(client, "/accounts/login/"), (client, "/report/"), (client, "/track/")]
    pages += [(worker, "/accounts/password_change/"), (worker, "/api/redoc/")]
    for who, url in pages:
        html = who.get(url).content.decode()
        assert '<nav class="top"' in html and 'class="menu-toggle"' in html, url


def test_a_visitor_sees_the_citizen_pages_and_the_login(client: Client, world: World) -> None:
    html = client.get("/report/").content.decode()
    assert top_bar(html) == [("report", "/report/"), ("track", "/track/")]
    assert 'href="/accounts/login/"' in html
    for key, url in PAGE_URLS.items():
        if key != "api":  # the API's documentation is public, but of no use to a citizen
            assert client.get(url).status_code == 302, url  # to a login form


def test_the_entry_of_the_page_shown_is_marked(logins: dict[str, User]) -> None:
    client = client_of(logins["wanggeyuan"])
    html = client.get("/issues/?mine=1&status=open&sort=due").content.decode()
    assert 'data-page="work" class="on" aria-current="page"' in html
    html = client.get("/issues/map/").content.decode()
    assert 'data-page="issues" class="on" aria-current="page"' in html
    assert html.count('aria-current="page"') == 1


def test_the_overview_offers_the_admin_only_to_those_who_may_open_it(
    logins: dict[str, User],
) -> None:
    assert "/admin/gridmgr/zone/" in client_of(logins["admin"]).get("/overview/").text
    assert "/admin/" not in client_of(logins["zhongxin"]).get("/overview/").text
