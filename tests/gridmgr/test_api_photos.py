"""Photos and the history of a case through the API."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pytest_django.fixtures import Settings

from gridmgr.models import Issue, Photo
from tests.gridmgr.api_client import Clients, cell, issue_in, make_clients, report, url
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def api(world: World, settings: Settings, tmp_path: Path) -> Clients:
    settings.MEDIA_ROOT = tmp_path
    return make_clients(world)


@pytest.fixture
def issue(world: World) -> Issue:
    return issue_in(world, "S3", "parking")


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def upload(client: Any, issue: Issue, kind: str, data: bytes | None = None) -> Any:
    photo = SimpleUploadedFile("p.jpg", data if data is not None else jpeg(), "image/jpeg")
    return client.post(
        url("issue-photos", issue.pk), {"photo": photo, "kind": kind}, format="multipart"
    )


def step(client: Any, issue: Issue, action: str) -> Any:
    return client.post(url("issue-transition", issue.pk), {"action": action}, format="json")


def test_a_report_photo_is_stored_and_listed_on_the_issue(world: World, api: Clients) -> None:
    reported = report(api.worker_s3, world.inside(cell(world, "S3")), "0201")
    issue = Issue.objects.get(pk=reported.json()["id"])  # the worker's own report
    response = upload(api.worker_s3, issue, "report")
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "report" and response.json()["url"].endswith(".jpg")
    detail = api.centre.get(url("issue-detail", issue.pk)).json()["properties"]
    assert [p["id"] for p in detail["photos"]] == [response.json()["id"]]


def test_evidence_uploaded_through_the_api_lets_the_handler_report_back(
    api: Clients, issue: Issue
) -> None:
    step(api.centre, issue, "register")
    step(api.centre, issue, "dispatch")
    step(api.worker_s3, issue, "accept")
    assert step(api.worker_s3, issue, "handle").status_code == 400
    assert upload(api.worker_s3, issue, "evidence").status_code == 201
    assert step(api.worker_s3, issue, "handle").status_code == 200
    assert Photo.objects.get(issue=issue).transition is not None


def test_only_a_handler_of_the_case_adds_evidence(api: Clients, issue: Issue) -> None:
    response = upload(api.inspector, issue, "evidence")
    assert response.status_code == 403
    assert "only a handler" in response.json()["en"]
    assert upload(api.viewer, issue, "report").status_code == 403


def test_a_file_that_is_not_a_photo_is_refused_in_both_languages(
    api: Clients, issue: Issue
) -> None:
    response = upload(api.centre, issue, "report", b"%PDF-1.4 not a picture")
    assert response.status_code == 400
    assert response.json()["zh"] == "上传的文件不是图片"
    assert not Photo.objects.exists()


def test_an_upload_without_a_file_is_refused(api: Clients, issue: Issue) -> None:
    response = api.centre.post(url("issue-photos", issue.pk), {"kind": "report"})
    assert response.status_code == 400 and "photo" in response.json()


def test_the_timeline_tells_the_story_of_the_case(api: Clients, issue: Issue) -> None:
    step(api.centre, issue, "register")
    upload(api.centre, issue, "report")
    step(api.centre, issue, "dispatch")
    entries = api.centre.get(url("issue-timeline", issue.pk)).json()
    kinds = [e["kind"] for e in entries]
    assert kinds[:3] == ["transition", "transition", "photo"]
    assert "notification" in kinds  # the dispatch told the owner and the department
    assert entries[1]["title"] == "立案 / register" and entries[1]["who"] == "zhongxin"
