"""Cross-Origin-Opener-Policy is sent over HTTPS only: over plain HTTP browsers ignore it and
log a console error on every page (the crawl of test_pages_stay_local_browser.py sees it)."""

from __future__ import annotations

from django.test import Client


def test_plain_http_answers_carry_no_cross_origin_opener_policy(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Cross-Origin-Opener-Policy" not in response


def test_https_answers_keep_the_cross_origin_opener_policy(client: Client) -> None:
    response = client.get("/accounts/login/", secure=True)
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
