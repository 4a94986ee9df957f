"""GET /api/scores/: the scoreboard's rows as JSON, one row per unit code across plan versions."""

from __future__ import annotations

import pytest
from django.test import Client

from gridmgr.models import Issue
from tests.gridmgr.editor_cases import Editors, client_of
from tests.gridmgr.redraw_cases import redraw
from tests.gridmgr.score_cases import build_cases
from tests.world import World

URL = "/api/scores/"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def cases(world: World) -> dict[str, Issue]:
    return build_cases(world)


def test_anonymous_callers_are_refused(db: None, client: Client) -> None:
    assert client.get(URL, MARCH).status_code in (401, 403)


def test_sectors_are_listed_once_across_a_redraw_with_what_it_made_of_them(
    world: World, editors: Editors, cases: dict[str, Issue]
) -> None:
    client = client_of(editors.worker_s3)  # the lowest role sees the scores, as on the page
    before = client.get(URL, {"unit": "sector", **MARCH}).json()
    redraw(world, editors.centre, world.sector)
    kept = client.get(URL, {"unit": "sector", **MARCH}).json()
    assert (
        [(r["code"], r["registered"], r["closed"]) for r in kept["results"]]
        == [(r["code"], r["registered"], r["closed"]) for r in before["results"]]
        == [("S1", 4, 2), ("S2", 3, 2)]
    )
    redraw(world, editors.centre, world.sector, merge=("S1", "S2"), name="合并方案")
    body = client.get(URL, {"unit": "sector", **MARCH}).json()
    assert (body["unit"], body["start"], body["end"]) == ("sector", "2026-03-01", "2026-03-31")
    rows = {r["code"]: r for r in body["results"]}
    assert list(rows) == ["S1", "S2"]
    assert (rows["S1"]["registered"], rows["S2"]["registered"]) == (5, 2)
    assert rows["S2"]["lineage"] == {
        "state": "retired",
        "into": ["S1"],
        "came_from": [],
        "zh": "已并入 S1",
        "en": "merged into S1",
    }
    assert rows["S1"]["lineage"]["en"] == "took in S2"


def test_people_and_departments_have_no_lineage(world: World, cases: dict[str, Issue]) -> None:
    client = client_of_centre()
    rows = client.get(URL, {"unit": "department", **MARCH}).json()["results"]
    assert {r["name"] for r in rows} == {"城管执法局", "交警支队"}
    assert all(r["lineage"] is None and r["code"] == "" for r in rows)


def client_of_centre() -> Client:
    from django.contrib.auth.models import User

    return client_of(User.objects.create_superuser("centre-api", password="api-secret-1"))


@pytest.mark.parametrize(
    "query",
    [
        {"unit": "nobody"},
        {"start": "2026-03-31", "end": "2026-03-01"},
        {"start": "2026-02-30"},
        {"start": "0001-01-01", "end": "0001-01-02"},
        {"end": "0001-01-01"},
        {"end": "9999-12-31"},
        {"unit": "sector", "colour": "red"},
    ],
)
def test_bad_queries_are_a_400_in_both_languages(world: World, query: dict[str, str]) -> None:
    client = client_of_centre()
    chinese = client.get(URL, query)
    assert chinese.status_code == 400, chinese.content
    assert any("一" <= ch <= "鿿" for ch in chinese.content.decode())
    english = client.get(URL, query, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    words = ("valid", "Date", "period", "unknown", "before")
    assert any(w in english.content.decode() for w in words), english.content


def test_the_page_refuses_an_out_of_range_period_too(world: World) -> None:
    page = client_of_centre().get("/scores/", {"unit": "sector", "end": "9999-12-31"})
    assert page.status_code == 400
    assert "期间须在 1900 至 2999 年之间" in page.text
