"""The API documentation pages and the site icon are served from this machine."""

from __future__ import annotations

import re

from django.test import Client


def test_the_redoc_page_loads_a_script_that_names_no_cdn(client: Client) -> None:
    page = client.get("/api/redoc/").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts == ["/api/redoc/redoc.standalone.js", "/static/gridmgr/topbar.js"]
    assert "https://" not in page
    bundle = client.get(scripts[0])
    assert bundle.status_code == 200 and bundle["Content-Type"].startswith("text/javascript")
    assert b"cdn.redoc.ly" not in bundle.content
    assert b"/static/gridmgr/favicon.svg" in bundle.content  # the logo, from here


def test_swagger_ui_has_no_online_validator_and_the_local_icon(client: Client) -> None:
    page = client.get("/api/docs/").content.decode()
    assert '"validatorUrl": null' in page
    assert 'href="/static/gridmgr/favicon.svg"' in page


def test_favicon_ico_is_an_icon_cached_for_a_day(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "max-age=86400" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # ICO header
