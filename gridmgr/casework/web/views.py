"""Case-work pages: list, map and sheet of the cases a user may see, their steps; citizen pages.

Views parse, authorise (login and gridmgr.access.visible_issues), call a service, render.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from gridmgr.access import visible_issues
from gridmgr.casework.idempotency import Sender
from gridmgr.casework.loop import STEPS, allowed_actions, duplicates_of
from gridmgr.casework.photos import PhotoError
from gridmgr.casework.timeline import timeline
from gridmgr.casework.web import queries
from gridmgr.casework.web.forms import (
    MAX_REPORT_PHOTOS,
    ActionForm,
    IssuePageFilter,
    ReportForm,
    TrackForm,
)
from gridmgr.casework.web.steps import Report, act, submit_report
from gridmgr.casework.web.throttle import TooManyReports, take_report
from gridmgr.errors import GridError
from gridmgr.i18n import local_label, local_message
from gridmgr.models import Issue
from gridmgr.models.cases import action_label
from gridmgr.models.issues import normalise_number, number_q
from gridmgr.pages import page_view
from gridmgr.routing.parties import responsible_parties
from gridmgr.viewport import basemaps
from gridmgr.viewport.palette import status_legend

PAGE_SIZE = 50
GEOJSON = "application/geo+json"
# The session remembers the tracking number of the report just made, for the thank-you page.
REPORTED = "casework_reported"


def _user(request: HttpRequest) -> AbstractBaseUser:
    assert isinstance(request.user, AbstractBaseUser)  # the views that need one require a login
    return request.user


def _query(request: HttpRequest, **changes: str) -> str:
    """The request's query string with some parameters changed ('' drops one)."""
    params = {k: v for k, v in request.GET.items() if k != "page"}
    params.update(changes)
    return urlencode({k: v for k, v in params.items() if v})


def _map_context() -> dict[str, object]:
    """The district outline, and the base map tiles if one is configured (none by default)."""
    return {"outline": queries.outline(), "basemap": basemaps.basemap()}


def _filtered(request: HttpRequest) -> IssuePageFilter:
    return IssuePageFilter(request.GET, queryset=visible_issues(request.user), request=request)


@page_view("issues")
@require_GET
def issue_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see, filtered, sorted and 50 to a page."""
    found = _filtered(request)
    rows = queries.list_rows(found.qs, timezone.now())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    sort = request.GET.get("sort", "-reported")
    flip = {key: (key if sort == f"-{key}" else f"-{key}") for key in ("reported", "due")}
    return render(
        request,
        "casework/list.html",
        {
            "filter": found,
            "page": page,
            "rows": [queries.row(issue) for issue in page],
            "query": _query(request),
            "sort": sort,
            "sort_query": {key: _query(request, sort=value) for key, value in flip.items()},
        },
    )


@page_view("issues")
@require_GET
def issue_map(request: HttpRequest) -> HttpResponse:
    """The filtered cases as clustered markers over the district outline."""
    return render(
        request,
        "casework/map.html",
        {
            "filter": _filtered(request),
            "query": _query(request),
            **_map_context(),
            "status_labels": {k: local_label(v) for k, v in Issue.Status.choices},
            "status_palette": status_legend(),
            "cap": settings.GRIDMGR_MAP_MAX_ISSUES,
        },
    )


@login_required
@require_GET
def issue_points(request: HttpRequest) -> HttpResponse:
    """The filtered cases as GeoJSON points (the same filters as the list)."""
    text = queries.points_geojson(_filtered(request).qs, timezone.now())
    return HttpResponse(text, content_type=GEOJSON)


@page_view("issues")
@require_GET
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about a case, and forms for exactly the steps the user may take now."""
    issues = visible_issues(request.user)
    related = issues.select_related("category__parent", "department", "merged_into")
    issue = get_object_or_404(related, pk=pk)
    names = allowed_actions(_user(request), issue)
    twins = [i.pk for i in duplicates_of(issue)] if issue.is_open else []
    found = issues.filter(pk__in=twins).select_related("category").in_bulk()
    return render(
        request,
        "casework/detail.html",
        {
            "issue": issue,
            "sheet": queries.sheet(issue, timezone.now()),
            "parties": responsible_parties(issue),
            "timeline": timeline(issue),
            "actions": [(name, STEPS[name]) for name in names if name != "merge"],
            "may_merge": "merge" in names,
            "duplicates": [found[pk] for pk in twins if pk in found],
            "form": ActionForm(),
            "zones": queries.receipt_zones(issue),
            **_map_context(),
        },
    )


def _case(user: AbstractBaseUser, ref: str) -> Issue | None:
    """A case the user may see, by its number (Issue.reference) or id ('#12' or '12')."""
    text = normalise_number(ref)
    by_id = Q(pk=int(text)) if text.isdigit() and len(text) <= 18 else Q(pk__in=[])
    return visible_issues(user).filter(number_q(text) | by_id).first()


def _detail(pk: int) -> str:
    return reverse("casework:detail", args=[pk])


@login_required
@require_POST
def issue_act(request: HttpRequest, pk: int) -> HttpResponse:
    """Take one step on a case; a refusal comes back as a message and changes nothing."""
    user = _user(request)
    issue = get_object_or_404(visible_issues(user), pk=pk)
    form = ActionForm(request.POST, request.FILES)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = _detail(issue.pk)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    data = form.cleaned_data
    into = _case(user, data["into"]) if data["into"] else None
    if data["into"] and into is None:
        messages.error(request, gettext("找不到案件 %(ref)s") % {"ref": data["into"]})
        return redirect(back)
    try:
        act(
            issue,
            data["action"],
            user,
            comment=data["comment"],
            photos=data["photos"],
            owner=data["owner"],
            department=data["department"],
            into=into,
        )
    except GridError as error:  # a refused step (TransitionError) or a bad photo
        messages.error(request, local_message(error))
        return redirect(back)
    messages.success(request, gettext("已%(step)s") % {"step": action_label(data["action"])})
    return redirect(_detail(into.pk) if into is not None else back)


def report(request: HttpRequest) -> HttpResponse:
    """A citizen reports a problem: where, what, photos; one case per form, however often sent."""
    form = ReportForm(request.POST or None, request.FILES or None)
    sender = Sender.form(request.session)  # the form's key is this browser's only
    limited = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = ("lon", "lat", "category", "description", "name", "contact", "key")
        entry = Report(**{k: data[k] for k in fields})
        try:
            issue = submit_report(entry, data["photos"], sender, lambda: take_report(request))
        except TooManyReports as error:
            form.add_error(None, local_message(error))
            limited = True
        except PhotoError as error:
            form.add_error("photos", local_message(error))
        except GridError as error:  # outside the district, bad coordinates
            form.add_error(None, local_message(error))
        else:
            request.session[REPORTED] = issue.tracking_number
            return redirect("casework:thanks")
    status = 429 if limited else 400 if form.errors else 200
    context = {"form": form, **_map_context(), "max_photos": MAX_REPORT_PHOTOS}
    return render(request, "casework/report.html", context, status=status)


@require_GET
def report_thanks(request: HttpRequest) -> HttpResponse:
    """The tracking number of the report just made."""
    number = request.session.get(REPORTED)
    if not number:
        return redirect("casework:report")
    return render(request, "casework/thanks.html", {"number": number})


@require_GET
def track(request: HttpRequest) -> HttpResponse:
    """The public status of a case by its tracking number: steps and times, no names."""
    form = TrackForm(request.GET or None)
    case = queries.public_case(form.cleaned_data["number"]) if form.is_valid() else None
    status = 404 if form.is_valid() and case is None else 200
    return render(request, "casework/track.html", {"form": form, "case": case}, status=status)
