"""What the coverage page tests share: a fresh cache, logged-in clients, export job helpers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from pytest_django.fixtures import Settings

from tests.waiting import until

PAGE = "/coverage/"
EXPORT = "/coverage/export/"
SNAPSHOT = "/coverage/snapshot/"


@pytest.fixture
def fresh_cache(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """No report cached by an earlier test (the cache table outlives a transactional test)."""
    with django_db_blocker.unblock():  # the cache is a database table, whatever the test's marks
        cache.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture
def export_dir(settings: Settings, tmp_path: Path) -> Path:
    """Export jobs write to a temporary folder and, unless a test says otherwise, run at once."""
    settings.GRIDMGR_COVERAGE_EXPORT_DIR = tmp_path / "exports"
    settings.GRIDMGR_COVERAGE_EXPORT_SYNC = True
    return tmp_path / "exports"


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start(client: Client, region: str, fmt: str, layer: str = "") -> dict[str, Any]:
    """Start an export job, which must be accepted."""
    response = client.post(EXPORT, {"region": region, "layer": layer, "format": fmt})
    assert response.status_code == 202, response.content[:300]
    job: dict[str, Any] = json.loads(response.content)
    assert job["status_url"] == f"/coverage/export/{job['id']}/"
    return job


def wait_for(client: Client, status_url: str, timeout_s: float = 90.0) -> dict[str, Any]:
    """Poll a job's status until it is done or failed."""

    def finished() -> dict[str, Any] | None:
        response = client.get(status_url)
        assert response.status_code == 200, response.content[:300]
        status: dict[str, Any] = json.loads(response.content)
        return status if status["state"] in ("done", "failed") else None

    return until(finished, f"the export at {status_url} to finish", timeout_s, every_s=0.1)


def download(client: Client, status: dict[str, Any]) -> tuple[bytes, str, str]:
    """The file of a finished job: its bytes, content type and Content-Disposition."""
    response = client.get(status["download_url"])
    assert response.status_code == 200, response.content[:300]
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return body, response["Content-Type"], response["Content-Disposition"]
