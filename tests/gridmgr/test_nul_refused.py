"""A NUL character in a path, query string, form body or JSON is a clear 400, never a server
error; the pages' forms show other control characters as field errors."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gridmgr.models import Issue, Plan
from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world: World) -> Client:
    user = User.objects.create_superuser("nul-admin", password="x")
    client = Client()
    client.force_login(user)
    return client


def test_a_query_string_with_nul_is_refused_on_the_api(admin_client: Client) -> None:
    response = admin_client.get("/api/coverage/", {"region": "110101\x00"})
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_query_string_with_nul_is_refused_in_open311_format(client: Client) -> None:
    response = client.get("/open311/v2/requests.xml?service_code=a%00b")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/xml") or "xml" in response["Content-Type"]
    assert b"<code>400</code>" in response.content


def test_a_page_with_nul_in_its_query_is_refused(admin_client: Client) -> None:
    response = admin_client.get("/issues/?q=a%00")
    assert response.status_code == 400


def test_a_region_code_with_nul_in_a_body_is_a_field_error(
    admin_client: Client, world: World
) -> None:
    response = admin_client.post(
        "/api/ownerships/",
        {"owner": world.owners["城管"].pk, "region": "110101\x00", "role": "grid_worker"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "NUL" in str(response.json().get("region"))


def test_a_nul_in_a_page_form_body_is_a_bilingual_400_that_writes_nothing(
    client: Client, world: World
) -> None:
    data = {"key": "k", "lon": "116.4", "lat": "39.9", "description": "a\x00b"}
    response = client.post("/report/", data)
    assert response.status_code == 400
    assert "description" in response.text and "NUL" in response.text
    assert "控制字符" in response.text and "control character" in response.text
    assert not Issue.objects.exists()


def test_another_control_character_in_a_page_form_is_a_field_error(
    client: Client, world: World
) -> None:
    data = {"key": "k", "lon": "116.4", "lat": "39.9", "description": "a\x0bb"}
    response = client.post("/report/", data)
    assert response.status_code == 400
    assert "含有不可接受的控制字符 U+000B" in response.text
    assert not Issue.objects.exists()


def test_a_nul_in_the_editor_json_is_a_bilingual_400(admin_client: Client, world: World) -> None:
    body = {"name": "草稿\x00", "layers": [world.grid.pk]}
    response = admin_client.post("/editor/drafts", body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()
    assert "name" in error["zh"] and "NUL" in error["en"]
    assert not Plan.objects.filter(status=Plan.Status.DRAFT).exists()


def test_a_form_body_sent_to_the_editor_is_refused_as_not_json(
    admin_client: Client, world: World
) -> None:
    response = admin_client.post("/editor/drafts", {"name": "草稿"})
    assert response.status_code == 400
    assert "the body is not valid JSON" in response.json()["en"]
