"""A photo is added only at the step that takes it, by the people who own that step.

Report photos (public on /track/): before dispatch, by the case's reporter or the centre.
Evidence photos: in handling, by a handler of the case. A closed case takes none. Refusals
say why in both languages and store nothing; per role, on the API and the case page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from gridmgr.casework.loop import apply, receive
from gridmgr.models import AccountRole, Issue, Photo
from tests.gridmgr.api_client import Clients, login, make_clients, url
from tests.loop import People, jpeg, spot
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def api(world: World, media: Path) -> Clients:
    return make_clients(world)


@pytest.fixture
def leader(people: People) -> APIClient:
    """The linked leader of S3 (one of the owners of every S3 case), signed in."""
    return login("guagou", AccountRole.LINKED_LEADER, people.leader)


@pytest.fixture
def case(world: World, people: People) -> Issue:
    """A citizen's case in S3 (grid worker 网格员S3), just reported, with a tracking number."""
    return receive(*spot(world), world.categories["rubbish"], reporter_contact="139").issue


def upload(client: APIClient, issue: Issue, kind: str, colour: int = 30) -> Any:
    photo = SimpleUploadedFile("p.jpg", jpeg((200, colour, 30)), "image/jpeg")
    body = {"photo": photo, "kind": kind}
    return client.post(url("issue-photos", issue.pk), body, format="multipart")


def closed(issue: Issue, people: People) -> Issue:
    from gridmgr.casework.photos import add_photo

    for action, who in (("register", people.centre), ("dispatch", people.centre)):
        apply(issue, action, who)
    apply(issue, "accept", people.worker)
    add_photo(issue, jpeg((0, 200, 0)), Photo.Kind.EVIDENCE)
    apply(issue, "handle", people.worker)
    apply(issue, "verify", people.inspector)
    return issue


def photos_on_track(issue: Issue) -> int:
    """How many photos the public status page of the case shows."""
    page = Client().get("/track/", {"number": issue.tracking_number})
    assert page.status_code == 200
    return page.text.count('class="thumb"')


@pytest.mark.parametrize("role", ["inspector", "leader", "lead_s1", "city", "worker_s3"])
def test_only_the_reporter_or_the_centre_adds_report_photos(
    api: Clients, leader: APIClient, case: Issue, role: str
) -> None:
    client = leader if role == "leader" else getattr(api, role)
    response = upload(client, case, "report")
    assert response.status_code == 403, response.json()
    body = response.json()
    assert body["zh"] == "只有上报人或区网格化管理中心可以添加上报照片"
    assert "only the person who reported the case" in body["en"]
    assert not Photo.objects.exists()
    assert photos_on_track(case) == 0


@pytest.mark.parametrize("role", ["inspector", "leader"])
def test_a_closed_case_takes_no_photo_from_anyone(
    api: Clients, leader: APIClient, people: People, case: Issue, role: str
) -> None:
    closed(case, people)
    before, shown = Photo.objects.count(), photos_on_track(case)
    client = leader if role == "leader" else getattr(api, role)
    assert upload(client, case, "report").status_code == 403
    for kind in ("report", "evidence"):
        refused = upload(api.centre, case, kind)
        assert refused.status_code == 409, refused.json()
        assert refused.json()["zh"] == "案件已办结，不能再添加照片"
        assert "closed" in refused.json()["en"]
    assert (Photo.objects.count(), photos_on_track(case)) == (before, shown)


def test_the_reporter_adds_report_photos_until_the_case_is_dispatched(
    world: World, api: Clients, people: People
) -> None:
    lon, lat = spot(world, 1)
    body = {"lon": lon, "lat": lat, "category": "0201"}
    reported = api.worker_s3.post(url("issue-list"), body, format="json").json()
    mine = Issue.objects.get(pk=reported["id"])
    assert upload(api.worker_s3, mine, "report").status_code == 201
    apply(mine, "register", people.centre)
    assert upload(api.centre, mine, "report", 90).status_code == 201  # the centre, registering
    apply(mine, "dispatch", people.centre)
    late = upload(api.worker_s3, mine, "report")
    assert late.status_code == 409
    assert "派遣前" in late.json()["zh"] and "before the case is dispatched" in late.json()["en"]
    assert Photo.objects.filter(issue=mine).count() == 2


def test_evidence_comes_from_a_handler_while_the_case_is_in_handling(
    api: Clients, leader: APIClient, people: People, case: Issue
) -> None:
    apply(case, "register", people.centre)
    apply(case, "dispatch", people.centre)
    early = upload(api.worker_s3, case, "evidence")
    assert early.status_code == 409 and "in handling" in early.json()["en"]
    apply(case, "accept", people.worker)
    for stranger in (leader, api.inspector):  # the linked leader owns the case, handles nothing
        refused = upload(stranger, case, "evidence")
        assert refused.status_code == 403 and "only a handler" in refused.json()["en"]
    assert upload(api.worker_s3, case, "evidence").status_code == 201
    assert Photo.objects.filter(issue=case).count() == 1
