"""Every error of the API carries `detail` ("中文 / English"), `zh` and `en`: field errors
(with each field's messages under its name), not found, not signed in, method, media type."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from gridmgr.models import Issue
from tests.gridmgr.api_client import Clients, issue_in, make_clients, url
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def api(world: World) -> Clients:
    return make_clients(world)


def assert_bilingual(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert body["detail"] == f"{body['zh']} / {body['en']}"
    assert body["zh"] and body["en"] and body["zh"] != body["en"]
    return body


def test_an_empty_report_names_its_missing_fields_in_both_languages(api: Clients) -> None:
    body = assert_bilingual(api.centre.post(url("issue-list"), {}, format="json"), 400)
    assert body["zh"] == "请求有误：lon、lat、category"
    assert body["en"] == "invalid request: lon, lat, category"
    assert set(body) >= {"lon", "lat", "category"} and isinstance(body["lon"], list)
    assert not Issue.objects.exists()


def test_a_photo_without_a_file_and_a_step_without_an_action_are_bilingual(
    api: Clients, world: World
) -> None:
    issue = issue_in(world, "S3")
    photos = api.centre.post(url("issue-photos", issue.pk), {}, format="multipart")
    assert "photo" in assert_bilingual(photos, 400)
    step = api.centre.post(url("issue-transition", issue.pk), {}, format="json")
    assert "action" in assert_bilingual(step, 400)


def test_not_found_not_signed_in_and_wrong_method_are_bilingual(api: Clients) -> None:
    missing = assert_bilingual(api.centre.get(url("issue-detail", 999999)), 404)
    assert (missing["zh"], missing["en"]) == ("未找到。", "Not found.")
    region = assert_bilingual(api.centre.get(url("region-detail", "999999999999")), 404)
    assert region["en"] == "Not found."
    anonymous = assert_bilingual(APIClient().get(url("me")), 401)
    assert anonymous["en"] == "Authentication credentials were not provided."
    put = assert_bilingual(api.centre.put(url("layer-list"), {}, format="json"), 405)
    assert "PUT" in put["en"]


def test_an_unsupported_body_and_a_refused_role_are_bilingual(api: Clients) -> None:
    response = api.centre.post(url("issue-list"), "x", content_type="text/plain")
    assert "text/plain" in assert_bilingual(response, 415)["en"]
    refused = assert_bilingual(api.viewer.post(url("plan-list"), {"name": "x"}, format="json"), 403)
    assert refused["en"] == "only the command centre may change this"
