"""Pages of gridmgr."""

from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from gridmgr.services import overview


def home(request: HttpRequest) -> HttpResponse:
    """The district at a glance: regions, layers, plans and issue counts."""
    return render(request, "home.html", overview.district_summary())


FAVICON = Path(__file__).resolve().parent / "static" / "gridmgr" / "favicon.ico"


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    """/favicon.ico, which browsers fetch for every page that names no icon (admin, API, files)."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
