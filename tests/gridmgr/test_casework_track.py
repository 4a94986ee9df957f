"""Citizens follow a case by its tracking number: status, steps and times; nothing internal."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from gridmgr.casework.loop import apply, receive
from gridmgr.casework.photos import add_photo
from gridmgr.models import Issue
from tests.gridmgr.casework_cases import number
from tests.loop import People, at, jpeg, spot
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def closed_case(world: World, people: People) -> Issue:
    """A citizen's case taken round the loop with internal comments, one rework, and a photo."""
    issue = receive(
        *spot(world),
        world.categories["rubbish"],
        reporter_name="李四",
        reporter_contact="13800000000",
        now=at(2026, 3, 2, 9),
    ).issue
    add_photo(issue, jpeg(), kind="report")
    apply(issue, "register", people.centre, comment="内部意见：交城管", now=at(2026, 3, 2, 9, 5))
    apply(issue, "dispatch", people.centre, now=at(2026, 3, 2, 9, 10))
    apply(issue, "accept", people.worker, now=at(2026, 3, 2, 9, 30))
    add_photo(issue, jpeg((0, 200, 0)), kind="evidence")
    apply(issue, "handle", people.worker, comment="已清运", now=at(2026, 3, 2, 10))
    apply(issue, "rework", people.inspector, comment="督查：未清理干净", now=at(2026, 3, 2, 11))
    add_photo(issue, jpeg((0, 0, 200)), kind="evidence")
    apply(issue, "handle", people.worker, now=at(2026, 3, 2, 12))
    apply(issue, "verify", people.inspector, comment="核查通过", now=at(2026, 3, 2, 14))
    return issue


def test_the_status_page_shows_status_category_times_and_steps(
    client: Client, world: World, people: People, media: Path
) -> None:
    issue = closed_case(world, people)
    page = client.get("/track/", {"number": number(issue).lower()}).text
    assert "已结案" in page
    assert "暴露垃圾" in page and "exposed rubbish" not in page
    assert "2026-03-02 09:00" in page and "2026-03-02 14:00" in page
    for step in ("上报", "立案", "派遣", "接单处理", "处置反馈", "返工", "核查结案"):
        assert step in page
    assert page.count("<img") == 3  # the report photo and two evidence photos, public copies
    client.cookies["django_language"] = "en"
    page = client.get("/track/", {"number": number(issue)}).text
    assert "closed" in page and "exposed rubbish" in page and "暴露垃圾" not in page
    assert "2 Mar 2026 09:00" in page and "2 Mar 2026 14:00" in page
    for step in ("Report", "Register", "Dispatch", "Accept", "Report back", "Verify and close"):
        assert f"<li>{step} ·" in page
    assert "photos/public/" in page and "photos/original/" not in page


def test_the_status_page_hides_comments_names_and_contacts(
    client: Client, world: World, people: People, media: Path
) -> None:
    issue = closed_case(world, people)
    page = client.get("/track/", {"number": number(issue)}).text
    for secret in ("内部意见", "已清运", "督查：未清理干净", "核查通过", "李四", "13800000000"):
        assert secret not in page
    for login in ("centre", "worker", "inspector", "网格员S3"):
        assert login not in page


def test_an_unknown_number_is_not_found(client: Client, world: World) -> None:
    response = client.get("/track/", {"number": "000000XXXXXX"})
    assert response.status_code == 404
    assert "未找到该受理编号" in response.text


def test_the_page_without_a_number_shows_the_form(client: Client, world: World) -> None:
    response = client.get("/track/")
    assert response.status_code == 200 and 'name="number"' in response.text
