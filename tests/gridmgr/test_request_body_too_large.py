"""A body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) is a 413 in the format of its path:
a GeoReport error on Open311, the API's bilingual JSON, plain text on a page; nothing is written.
Too many parameters is a 400 in the same formats."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.test.client import encode_multipart

from gridmgr.models import Issue
from tests.gridmgr.api_client import login, url
from tests.gridmgr.open311_client import FORMATS, errors_of, new_key, report_form
from tests.gridmgr.open311_client import url as open311_url
from tests.world import World

THREE_MB = "无" * 1_000_000  # 3 bytes each in UTF-8
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=BoUnDaRy"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_3_mb_open311_post_is_a_georeport_413(client: Client, world: World, fmt: str) -> None:
    form = report_form(world, new_key(), description=THREE_MB)
    for body, content_type in (
        (urlencode(form), FORM),
        (encode_multipart("BoUnDaRy", form), MULTIPART),
    ):
        response = client.post(open311_url("requests", fmt), body, content_type=content_type)
        assert response.status_code == 413
        [(code, description)] = errors_of(response, fmt)
        assert code == 413
        assert "请求体过大" in description and "the request body is too large" in description
    assert not Issue.objects.exists()


def test_a_3_mb_api_body_is_a_bilingual_413(world: World) -> None:
    centre = login("zhongxin", "command_centre", world.owners["district"])
    body = {"lon": 116.4, "lat": 39.9, "category": "0201", "description": THREE_MB}
    response = centre.post(url("issue-list"), json.dumps(body), content_type="application/json")
    assert response.status_code == 413
    error = response.json()
    assert error["detail"] == f"{error['zh']} / {error['en']}"
    assert "the request body is too large" in error["en"]
    assert not Issue.objects.exists()


def test_a_3_mb_multipart_field_on_the_api_is_a_bilingual_413(client: Client) -> None:
    body = encode_multipart("BoUnDaRy", {"username": THREE_MB, "password": "x"})
    response = client.post(url("token"), body, content_type=MULTIPART)
    assert response.status_code == 413
    assert "请求体过大" in response.json()["zh"]


def test_a_3_mb_report_form_is_a_413_page_in_both_languages(client: Client, world: World) -> None:
    data = {"key": "k", "lon": "116.4", "lat": "39.9", "category": "1", "description": THREE_MB}
    response = client.post("/report/", encode_multipart("BoUnDaRy", data), content_type=MULTIPART)
    assert response.status_code == 413
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "请求体过大" in response.text and "the request body is too large" in response.text
    assert not Issue.objects.exists()


def test_too_many_parameters_are_a_400_in_each_format(client: Client, world: World) -> None:
    query = "&".join(f"p{i}=1" for i in range(1001))
    response = client.get(f"{open311_url('requests', 'json')}?{query}")
    assert response.status_code == 400
    assert "too many parameters" in errors_of(response, "json")[0][1]
    response = client.get(f"/api/me/?{query}")
    assert response.status_code == 400 and "too many parameters" in response.json()["en"]
