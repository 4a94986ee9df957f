"""A NUL character in a path, query string or code is a clear 400, never a server error."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

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
