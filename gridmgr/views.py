"""Pages of gridmgr."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gridmgr.services import overview


def home(request: HttpRequest) -> HttpResponse:
    """The district at a glance: regions, layers, plans and issue counts."""
    return render(request, "home.html", overview.district_summary())
