"""Acting on a case from its sheet: a POST takes the step through the service, or is refused
with the service's message and changes nothing."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridmgr.casework.loop import apply, receive
from gridmgr.models import Issue, Photo, Transition
from tests.gridmgr.casework_cases import cases, client_of, detail
from tests.loop import People, at, jpeg, spot
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def act(client: Client, issue: Issue, action: str, **data: object) -> str:
    """POST a step and follow the redirect back; returns the page."""
    response = client.post(f"/issues/{issue.pk}/act/", {"action": action, **data}, follow=True)
    assert response.status_code == 200
    return html.unescape(response.text)


def photo(name: str = "fixed.jpg", colour: tuple[int, int, int] = (30, 160, 60)) -> object:
    return SimpleUploadedFile(name, jpeg(colour), content_type="image/jpeg")


def test_a_step_changes_the_status_and_records_who_when_and_why(
    world: World, people: People
) -> None:
    issue = cases(world).s3_rubbish
    page = act(client_of(people.centre), issue, "register", comment="情况属实")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.REGISTERED
    step = Transition.objects.get(issue=issue, action="register")
    assert (step.actor, step.from_status, step.to_status) == (
        people.centre,
        "reported",
        "registered",
    )
    assert step.comment == "情况属实"
    assert "已立案" in page and "done" not in page


def test_a_refused_step_shows_the_reason_and_changes_nothing(world: World, people: People) -> None:
    issue = cases(world).s3_rubbish
    before = Transition.objects.filter(issue=issue).count()
    page = act(client_of(people.worker), issue, "register")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.REPORTED
    assert Transition.objects.filter(issue=issue).count() == before
    assert "当前角色无权立案" in page and "may not 'register'" not in page
    english = client_of(people.worker)
    english.cookies["django_language"] = "en"
    page = act(english, issue, "register")
    assert "may not 'register'" in page and "当前角色无权立案" not in page


def test_a_step_that_needs_a_reason_is_refused_without_one(world: World, people: People) -> None:
    issue = cases(world).s3_rubbish
    page = act(client_of(people.centre), issue, "reject", comment="  ")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.REPORTED
    assert "不予立案须填写原因" in page


def test_acting_on_a_case_one_cannot_see_is_not_found(world: World, people: People) -> None:
    s1 = cases(world).s1_rubbish
    response = client_of(people.worker).post(f"/issues/{s1.pk}/act/", {"action": "accept"})
    assert response.status_code == 404


def test_the_handler_reports_back_with_an_evidence_photo(
    world: World, people: People, media: Path
) -> None:
    issue = cases(world).s3_rubbish
    apply(issue, "register", people.centre)
    apply(issue, "dispatch", people.centre)
    worker = client_of(people.worker)
    act(worker, issue, "accept")
    act(worker, issue, "handle", comment="已清运", photos=[photo()])
    issue.refresh_from_db()
    assert issue.status == Issue.Status.HANDLED
    evidence = Photo.objects.get(issue=issue, kind=Photo.Kind.EVIDENCE)
    assert evidence.transition == Transition.objects.get(issue=issue, action="handle")
    assert evidence.public.url in worker.get(detail(issue)).text  # thumbnail on the sheet


def test_a_report_back_without_a_new_photo_is_refused_and_stores_nothing(
    world: World, people: People, media: Path
) -> None:
    issue = cases(world).s3_rubbish
    apply(issue, "register", people.centre)
    apply(issue, "dispatch", people.centre)
    apply(issue, "accept", people.worker)
    worker = client_of(people.worker)
    page = act(worker, issue, "handle", comment="已清运")
    assert "处置反馈须附本轮处置照片" in page
    not_an_image = SimpleUploadedFile("x.jpg", b"not a photo", content_type="image/jpeg")
    page = act(worker, issue, "handle", photos=[not_an_image])
    assert "上传的文件不是图片" in page
    issue.refresh_from_db()
    assert issue.status == Issue.Status.HANDLING and not issue.photos.exists()


def test_a_refused_report_back_keeps_no_photo(world: World, people: People, media: Path) -> None:
    issue = cases(world).s3_rubbish
    apply(issue, "register", people.centre)
    apply(issue, "dispatch", people.centre)  # dispatched, not yet accepted
    act(client_of(people.worker), issue, "handle", photos=[photo()])
    assert not issue.photos.exists()


def test_the_inspector_sends_back_and_then_closes(
    world: World, people: People, media: Path
) -> None:
    issue = cases(world).s3_rubbish
    for step in ("register", "dispatch"):
        apply(issue, step, people.centre)
    worker, inspector = client_of(people.worker), client_of(people.inspector)
    act(worker, issue, "accept")
    act(worker, issue, "handle", photos=[photo()])
    act(inspector, issue, "rework", comment="仍有垃圾")
    issue.refresh_from_db()
    assert (issue.status, issue.rework_count) == (Issue.Status.HANDLING, 1)
    act(worker, issue, "handle", photos=[photo("again.jpg", (10, 10, 200))])
    act(inspector, issue, "verify", comment="已清理干净")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.CLOSED


def test_the_centre_reassigns_a_case_to_another_owner(world: World, people: People) -> None:
    issue = cases(world).s3_rubbish
    other = world.owners["网格员S2"]
    act(client_of(people.centre), issue, "reassign", owner=str(other.pk), comment="属东四")
    issue.refresh_from_db()
    assert issue.owner == other
    assert "网格员S2" in Transition.objects.get(issue=issue, action="reassign").comment


def test_the_centre_merges_a_duplicate_into_the_case_on_screen(
    world: World, people: People
) -> None:
    first = receive(*spot(world), world.categories["rubbish"], now=at(2026, 3, 2, 9)).issue
    second = receive(*spot(world), world.categories["rubbish"], now=at(2026, 3, 2, 10)).issue
    centre = client_of(people.centre)
    response = centre.post(
        f"/issues/{first.pk}/act/",
        {"action": "merge", "into": str(second.pk), "comment": "重复上报", "next": detail(second)},
    )
    assert response["Location"] == detail(second)  # the kept case
    first.refresh_from_db()
    assert first.merged_into == second and first.status == Issue.Status.CLOSED


def test_merging_into_an_unknown_case_is_refused(world: World, people: People) -> None:
    issue = cases(world).s3_rubbish
    page = act(client_of(people.centre), issue, "merge", into="NOPE", comment="重复")
    assert "找不到案件 NOPE" in page
    issue.refresh_from_db()
    assert issue.merged_into is None


def test_a_foreign_next_address_is_not_followed(world: World, people: People) -> None:
    issue = cases(world).s3_rubbish
    response = client_of(people.centre).post(
        f"/issues/{issue.pk}/act/", {"action": "register", "next": "https://evil.example/"}
    )
    assert response["Location"] == detail(issue)
