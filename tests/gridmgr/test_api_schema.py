"""The OpenAPI schema and its documentation pages are served, and load nothing from outside."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from tests.gridmgr.api_client import url

pytestmark = pytest.mark.django_db

# Any absolute http(s) URL in an attribute or a CSS url(): the pages must work offline.
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//""")
ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def test_the_schema_is_served_as_openapi_3(client: Client) -> None:
    response = client.get(url("schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/issues/", "/api/zones/{id}/", "/api/issues/{id}/transition/"} <= set(
        schema["paths"]
    )
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_schema_generates_without_warnings(tmp_path: object) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", f"{tmp_path}/s.yaml")


@pytest.mark.parametrize("name", ["docs", "redoc"])
def test_the_documentation_pages_use_no_external_assets(client: Client, name: str) -> None:
    page = client.get(url(name))
    assert page.status_code == 200
    html = page.content.decode()
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "http://" not in html and "https://" not in html
    assets = [a for a in ASSET.findall(html) if "/static/" in a]
    assert assets, "the page loads its scripts from the sidecar's static files"
    for asset in assets:
        path = asset.split("/static/", 1)[1]
        assert finders.find(path), f"{asset} is not among the static files"
