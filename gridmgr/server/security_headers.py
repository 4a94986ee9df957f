"""Security headers a browser can act on: Cross-Origin-Opener-Policy over HTTPS only.

Browsers ignore Cross-Origin-Opener-Policy on an untrustworthy origin (plain HTTP other than
localhost, as many district intranets serve) and log a console error on every page saying so.
Over plain HTTP the header protects nothing, so it is left out there; over HTTPS
(README: Serving in production) Django's SecurityMiddleware sends it as usual.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

COOP = "Cross-Origin-Opener-Policy"


class CoopOverHttpsOnlyMiddleware:
    """Remove Cross-Origin-Opener-Policy from answers to plain-HTTP requests."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not request.is_secure():
            del response[COOP]
        return response
