"""Pages of gridmgr: where a user starts, and the district at a glance."""

from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control

from gridmgr import overview as summary
from gridmgr.pages import landing, may_open, page_view


def start(request: HttpRequest) -> HttpResponse:
    """Send each user to its work (the login form for a visitor); login lands here too."""
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect(landing(request))


@page_view("overview")
def overview(request: HttpRequest) -> HttpResponse:
    """The district at a glance: regions, layers, plans and issue counts."""
    context = {**summary.district_summary(), "may_admin": may_open(request, "admin")}
    return render(request, "home.html", context)


FAVICON = Path(__file__).resolve().parent / "static" / "gridmgr" / "favicon.ico"


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    """/favicon.ico, which browsers fetch for every page that names no icon (admin, API, files)."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
