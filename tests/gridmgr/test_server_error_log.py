"""A server error logs its traceback as a JSON line with the request id the user was shown."""

from __future__ import annotations

import json
import logging.config
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from gridmgr.server.logs import logging_config
from gridmgr.urls import handler500
from gridmgr.urls import urlpatterns as app_urls

ID = "X-Request-ID"


def explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom: the grid is on fire")


# This module is the URL configuration of its tests (pytest.mark.urls): the app's URLs plus
# three that fail, one per response format of a server error.
urlpatterns = [
    path("api/explode/", explode),
    path("open311/v2/explode.xml", explode),
    path("explode/", explode),
    *app_urls,
]
__all__ = ["handler500"]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.fixture
def json_logs() -> Iterator[None]:
    """Log as GRIDMGR_LOG_FORMAT=json does, for this test only."""
    logging.config.dictConfig(logging_config("json", "INFO"))
    yield
    logging.config.dictConfig(settings.LOGGING)


@pytest.fixture
def anyone() -> Client:
    return Client(raise_request_exception=False)


def json_lines(err: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def test_an_unhandled_exception_logs_a_json_line_with_traceback_and_the_request_id(
    anyone: Client, json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    response = anyone.get("/api/explode/")
    assert response.status_code == 500
    rid = response[ID]
    records = json_lines(capsys.readouterr().err)
    error = next(r for r in records if r["level"] == "ERROR")
    assert error["request_id"] == rid
    assert error["logger"] == "django.request"
    assert "Traceback (most recent call last)" in error["exc_info"]
    assert "RuntimeError: boom: the grid is on fire" in error["exc_info"]
    access = next(r for r in records if r["logger"] == "gridmgr.access")
    assert access["request_id"] == rid
    assert (access["method"], access["path"], access["status"]) == ("GET", "/api/explode/", 500)
    assert access["user"] == "anonymous" and access["duration_ms"] >= 0


def test_the_api_answers_a_server_error_in_json_with_the_request_id_in_both_languages(
    anyone: Client,
) -> None:
    response = anyone.get("/api/explode/")
    body = response.json()
    assert body["request_id"] == response[ID]
    assert response[ID] in body["zh"] and "服务器内部错误" in body["zh"]
    assert response[ID] in body["en"] and "server error" in body["en"]
    assert "boom" not in response.content.decode()  # no internals to the client


def test_open311_answers_a_server_error_in_its_error_shape_with_the_request_id(
    anyone: Client,
) -> None:
    response = anyone.get("/open311/v2/explode.xml")
    assert response.status_code == 500
    text = response.content.decode()
    assert "<code>500</code>" in text and response[ID] in text


def test_a_page_server_error_shows_the_request_id_in_both_languages(anyone: Client) -> None:
    response = anyone.get("/explode/")
    text = response.content.decode()
    assert response.status_code == 500
    assert response[ID] in text and "服务器错误" in text and "Server error" in text
    assert "boom" not in text
