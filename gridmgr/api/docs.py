"""ReDoc's script as served for /api/redoc/: the sidecar's bundle with nothing loaded from a CDN.

ReDoc 2 draws the Redocly logo from https://cdn.redoc.ly in its side menu and has no option to
leave it out; on an intranet that is a request to the internet (and a console error without
one). The bundle is served here with that address replaced by the app's own icon.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@cache
def local_bundle() -> bytes:
    """The ReDoc bundle with its CDN logo replaced by the local icon (read once a process)."""
    path = finders.find(BUNDLE)
    assert isinstance(path, str), BUNDLE  # drf-spectacular-sidecar is a pinned dependency
    text = Path(path).read_text(encoding="utf-8")
    return text.replace(CDN_LOGO, static("gridmgr/favicon.svg")).encode()


@cache_control(max_age=86400, public=True)
def redoc_bundle(request: HttpRequest) -> HttpResponse:
    """GET the ReDoc script for /api/redoc/."""
    return HttpResponse(local_bundle(), content_type="text/javascript; charset=utf-8")
