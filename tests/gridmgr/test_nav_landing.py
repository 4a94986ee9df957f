"""Each role lands where its work is: a grid worker, cadre or sector lead on its own open cases,
a department on its queue, an inspector on what waits for verification, a leader on the
scoreboard, the centre on the overview; a visitor on the login form; ?next= comes first."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gridmgr.casework.loop import apply, receive
from gridmgr.models import Issue
from tests.gridmgr.nav_cases import LANDING, PASSWORD, client_of, make_logins
from tests.world import World, full_cells

pytestmark = [pytest.mark.world_per_module, pytest.mark.django_db]


@pytest.fixture
def logins(world: World) -> dict[str, User]:
    return make_logins(world)


@pytest.fixture
def cases(world: World, logins: dict[str, User]) -> dict[str, Issue]:
    """Open, handled and closed rubbish in 朝阳门 (S3); illegal parking in S1."""

    def case(sub: str, k: int, category: str, status: str) -> Issue:
        cell = full_cells(world.subs[sub], world.grid)[k]
        issue = receive(*world.inside(cell), world.categories[category], source="hotline").issue
        apply(issue, "register", logins["zhongxin"])
        apply(issue, "dispatch", logins["zhongxin"])
        Issue.objects.filter(pk=issue.pk).update(status=status)  # the step itself is not tested
        return issue

    return {
        "open": case("S3", 0, "rubbish", "dispatched"),
        "handled": case("S3", 1, "rubbish", "handled"),
        "closed": case("S3", 2, "rubbish", "closed"),
        "elsewhere": case("S1", 0, "parking", "dispatched"),
    }


def log_in(name: str, next_url: str = "") -> tuple[Client, str]:
    """Log in through the form; the client and where it ends up."""
    client = Client()
    form = {"username": name, "password": PASSWORD, "next": next_url}
    response = client.post("/accounts/login/", form, follow=True)
    assert response.status_code == 200, (name, response.status_code)
    path, query = response.request["PATH_INFO"], response.request["QUERY_STRING"]
    return client, path + (f"?{query}" if query else "")


def test_each_role_lands_on_its_work(logins: dict[str, User]) -> None:
    for name, expected in LANDING.items():
        _, landed = log_in(name)
        assert landed == expected, name


def shown(client: Client, url: str, cases: dict[str, Issue]) -> set[str]:
    html = client.get(url).content.decode()
    return {key for key, issue in cases.items() if f'href="/issues/{issue.pk}/"' in html}


def test_the_landing_list_holds_the_role_s_own_open_cases(
    logins: dict[str, User], cases: dict[str, Issue]
) -> None:
    expected = {
        "wanggeyuan": {"open", "handled"},
        "bankuai": {"open", "handled"},
        "chengguan": {"open", "handled"},
        "zhudian": {"open"},  # the cadre's package: the first grid of 朝阳门
        "ducha": {"handled"},
    }
    for name, cases_shown in expected.items():
        assert shown(client_of(logins[name]), LANDING[name], cases) == cases_shown, name


def test_only_mine_is_offered_to_roles_acting_for_an_owner(logins: dict[str, User]) -> None:
    assert 'name="mine"' in client_of(logins["wanggeyuan"]).get("/issues/").text
    assert 'name="mine"' not in client_of(logins["ducha"]).get("/issues/").text


def test_a_visitor_at_the_root_is_sent_to_log_in(client: Client, world: World) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_a_next_address_wins_over_the_landing(logins: dict[str, User]) -> None:
    _, landed = log_in("wanggeyuan", "/map/")
    assert landed == "/map/"
    _, landed = log_in("lingdao", "https://elsewhere.example/")  # never off the site
    assert landed == LANDING["lingdao"]


def test_the_root_sends_a_signed_in_user_to_its_work(logins: dict[str, User]) -> None:
    response = client_of(logins["ducha"]).get("/")
    assert response.status_code == 302 and response["Location"] == LANDING["ducha"]
