"""The issue list finds a case by the number the hotline has, within what the user may see;
its first column shows one kind of number for every case."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gridmgr.casework.report import report_issue
from gridmgr.models import AccountRole, Issue
from tests.gridmgr.casework_cases import Cases, cases, client_of, number
from tests.loop import People, at, user
from tests.world import World, full_cells

LIST = "/issues/"
# A citizen's random number, or the day number of a case given none (Issue.reference).
NUMBER = re.compile(r"\d{6}(?:[0-9A-F]{8}|N\d{7,})")

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def made(world: World) -> Cases:
    return cases(world)


def found(client: Client, typed: str) -> list[str]:
    """The numbers in the first column of the list searched for `typed`."""
    page = client.get(LIST, {"number": typed})
    assert page.status_code == 200
    return re.findall(r'<tr>\s*<td><a href="/issues/\d+/">([^<]+)</a>', page.text)


def hotline_forms(tracking: str) -> list[str]:
    """How an operator may type a number read out on the phone."""
    spaced = " ".join(tracking[k : k + 4] for k in range(0, len(tracking), 4))
    wide = "".join(chr(ord(c) + 0xFEE0) for c in tracking)  # full-width digits and letters
    return [
        tracking,
        tracking.lower(),
        spaced,
        f"{tracking[:6]}-{tracking[6:]}",
        wide,
        f"#{tracking} ",
    ]


def test_the_centre_finds_a_case_by_its_number_however_it_is_typed(
    people: People, made: Cases
) -> None:
    client = client_of(people.centre)
    target = number(made.s3_parking)
    for typed in hotline_forms(target):
        assert found(client, typed) == [target], typed
    assert found(client, target[:-1]) == []  # exact: a number one digit short is no match


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("centre", {"s3_rubbish", "s1_rubbish"}),
        ("worker", {"s3_rubbish"}),  # 网格员S3: only 朝阳门's cases
        ("handler", {"s3_rubbish", "s1_rubbish"}),  # 城管: rubbish anywhere, no parking
        ("s1_worker", {"s1_rubbish"}),
        ("traffic", set()),  # 交警: parking only
    ],
)
def test_a_number_finds_nothing_outside_the_users_scope(
    world: World, people: People, made: Cases, who: str, sees: set[str]
) -> None:
    extra = {
        "s1_worker": lambda: user("s1w", AccountRole.GRID_WORKER, world.owners["网格员S1"]),
        "traffic": lambda: user("jj", AccountRole.DEPARTMENT, world.owners["交警"]),
    }
    account: User = extra[who]() if who in extra else getattr(people, who)
    client = client_of(account)
    for name in ("s3_rubbish", "s1_rubbish"):
        target = number(getattr(made, name))
        assert found(client, target) == ([target] if name in sees else []), name


def test_anonymous_visitors_cannot_search(made: Cases, client: Client) -> None:
    response = client.get(LIST, {"number": number(made.s3_rubbish)})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_case_shows_one_kind_of_number_and_a_day_number_finds_its_case(
    world: World, people: People, made: Cases
) -> None:
    cell = full_cells(world.subs["S3"], world.grid)[2]
    patrol = report_issue(
        *world.inside(cell), world.categories["rubbish"], reported_at=at(2026, 3, 6, 10)
    )
    assert patrol.tracking_number is None
    assert patrol.reference == f"260306N{patrol.pk:07d}"
    client = client_of(people.centre)
    shown = found(client, "")
    assert len(shown) == Issue.objects.count() == 5
    assert all(NUMBER.fullmatch(n) for n in shown), shown
    assert patrol.reference in shown
    assert found(client, f"260306-n{patrol.pk:07d}") == [patrol.reference]
    assert found(client, f"260307N{patrol.pk:07d}") == []  # another day: not this case
    assert found(client_of(people.worker), patrol.reference) == [patrol.reference]
    s1 = client_of(user("s1w", AccountRole.GRID_WORKER, world.owners["网格员S1"]))
    assert found(s1, patrol.reference) == []


@pytest.mark.parametrize("typed", ["abc!", "<script>", "2603", "9" * 40, "260302N" + "9" * 30])
def test_a_number_that_cannot_be_one_says_so_and_lists_nothing(
    people: People, made: Cases, typed: str
) -> None:
    client = client_of(people.centre)
    page = client.get(LIST, {"number": typed})
    assert page.status_code == 200
    rows = re.findall(r'<td><a href="/issues/\d+/">', page.text)
    assert rows == []
    if not typed.isalnum() or len(typed) < 6 or len(typed) > 30:
        assert "受理编号由数字和字母组成" in page.text
    client.cookies["django_language"] = "en"
    if typed == "abc!":
        assert (
            "A tracking number is made of digits and letters"
            in client.get(LIST, {"number": typed}).text
        )
