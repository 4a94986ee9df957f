"""A NUL or other control character in any Open311 parameter is a 400 in GeoReport format.

PostgreSQL text cannot hold NUL, and XML 1.0 cannot carry the other C0 controls: such a value
is refused, naming the parameter in both languages, and nothing is written.
"""

from __future__ import annotations

import pytest
from django.test import Client

from gridmgr.models import Issue
from tests.gridmgr.open311_client import FORMATS, errors_of, new_key, post, report_form, url
from tests.world import World

TEXT_FIELDS = (
    "description",
    "service_code",
    "first_name",
    "last_name",
    "address_string",
    "phone",
    "email",
    "account_id",
    "idempotency_key",
    "media_url",
    "coord_sys",
)


@pytest.fixture
def key(world: World) -> str:
    return new_key()


def test_a_nul_in_any_posted_field_is_refused_naming_it(
    client: Client, world: World, key: str
) -> None:
    for field in TEXT_FIELDS:
        response = post(client, **report_form(world, key) | {field: "a\x00b"})
        assert response.status_code == 400, field
        [(code, description)] = errors_of(response, "json")
        assert code == 400
        assert field in description and "NUL" in description
        assert "控制字符" in description and "control character" in description
    assert not Issue.objects.exists()


def test_other_control_characters_are_refused_in_both_formats(
    client: Client, world: World, key: str
) -> None:
    for fmt in FORMATS:
        for char in ("\x01", "\x08", "\x0b", "\x1b", "\x7f"):
            response = post(client, fmt, **report_form(world, key, description=f"占道{char}经营"))
            assert response.status_code == 400
            [(code, description)] = errors_of(response, fmt)
            assert code == 400 and "description" in description
    assert not Issue.objects.exists()


def test_tabs_and_line_breaks_in_a_description_are_kept(
    client: Client, world: World, key: str
) -> None:
    response = post(client, **report_form(world, key, description="一行\n二行\t三\r\n"))
    assert response.status_code == 201
    assert Issue.objects.get().description == "一行\n二行\t三"


def test_a_control_character_in_the_idempotency_header_is_refused(
    client: Client, world: World, key: str
) -> None:
    response = post(client, headers={"Idempotency-Key": "k\x01"}, **report_form(world, key))
    assert response.status_code == 400
    assert "Idempotency-Key" in errors_of(response, "json")[0][1]
    assert not Issue.objects.exists()


def test_a_control_character_in_a_query_parameter_is_refused(client: Client) -> None:
    for name in ("service_code", "status", "start_date", "service_request_id"):
        response = client.get(url("requests", "json"), {name: "open\x01"})
        assert response.status_code == 400
        [(code, description)] = errors_of(response, "json")
        assert code == 400 and name in description


def test_a_nul_in_a_multipart_post_is_refused(client: Client, world: World, key: str) -> None:
    form = report_form(world, key, description="a\x00b")
    response = client.post(url("requests", "xml"), form)  # the test client posts multipart
    assert response.status_code == 400
    assert "description" in errors_of(response, "xml")[0][1]
    assert not Issue.objects.exists()
