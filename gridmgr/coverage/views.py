"""The coverage page, its snapshot button and its export jobs; every view needs a login."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from gridmgr.coverage import cache, jobs, page
from gridmgr.errors import GridError, NotFoundError
from gridmgr.i18n import local_message
from gridmgr.pages import page_view
from gridmgr.viewport import basemaps


def _user_id(request: HttpRequest) -> int:
    """The id of the logged-in user (every view here requires a login)."""
    user_id = request.user.pk
    assert user_id is not None
    return int(user_id)


def _refused(error: GridError, status: int) -> JsonResponse:
    return JsonResponse({"error": error.zh, "error_en": error.en}, status=status)


def _job_refused(error: jobs.ExportError) -> JsonResponse:
    if isinstance(error, jobs.NotYourJobError):
        return _refused(error, 403)
    return _refused(error, 404 if isinstance(error, jobs.JobNotFoundError) else 409)


@page_view("coverage")
@require_GET
def coverage_page(request: HttpRequest) -> HttpResponse:
    """Coverage of a region (?region=CODE&layer=NAME): figures, tables, map, exports."""
    context = {
        "regions": page.region_choices(),
        "layers": page.layer_names(),
        "formats": jobs.FORMATS,
        "may_snapshot": page.may_snapshot(request.user),
        "may_fix": page.may_fix(request.user),
        "basemap": basemaps.basemap(),
    }
    try:
        selection = page.select(request.GET.get("region"), request.GET.get("layer"))
    except NotFoundError as error:
        return render(request, "coverage/page.html", {**context, "error": error}, status=404)
    reports = cache.reports(selection.region, selection.layers)
    context.update(page.page_context(selection, reports))
    return render(request, "coverage/page.html", context)


@login_required
@require_POST
def store_snapshot(request: HttpRequest) -> HttpResponse:
    """Store the coverage of the selection as snapshots (command centre only)."""
    if not page.may_snapshot(request.user):
        return HttpResponse(
            gettext("只有指挥中心可以保存快照"),
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    try:
        selection = page.select(request.POST.get("region"), request.POST.get("layer"))
    except NotFoundError as error:
        text = local_message(error)
        return HttpResponse(text, status=404, content_type="text/plain; charset=utf-8")
    stored = cache.store_snapshots(selection.region, selection.layers)
    n = len(stored)
    messages.success(request, ngettext("已保存 %(n)d 个快照", "已保存 %(n)d 个快照", n) % {"n": n})
    return redirect(f"{reverse('coverage:page')}?{urlencode(selection.query())}")


def _job_json(status: dict[str, Any], code: int = 200) -> JsonResponse:
    data = jobs.public(status)
    data["status_url"] = reverse("coverage:export_status", args=[status["id"]])
    if status["state"] == "done":
        data["download_url"] = reverse("coverage:export_download", args=[status["id"]])
    return JsonResponse(data, status=code)


@login_required
@require_POST
def start_export(request: HttpRequest) -> JsonResponse:
    """Start an export job (region, layer, format) and answer with its id and status URL."""
    try:
        selection = page.select(request.POST.get("region"), request.POST.get("layer"))
        fmt, crs = request.POST.get("format", ""), request.POST.get("crs") or "wgs84"
        status = jobs.start_export(_user_id(request), selection, fmt, crs)
    except NotFoundError as error:
        return _refused(error, 404)
    except jobs.ExportError as error:
        return _refused(error, 400)
    return _job_json(status, 202)


@login_required
@require_GET
def export_status(request: HttpRequest, job_id: UUID) -> JsonResponse:
    """The state and progress of one of the user's export jobs."""
    try:
        return _job_json(jobs.job_status(str(job_id), _user_id(request)))
    except jobs.ExportError as error:
        return _job_refused(error)


@login_required
@require_GET
def export_download(request: HttpRequest, job_id: UUID) -> HttpResponseBase:
    """The file of a finished export job, for the user who started it only."""
    try:
        path, fmt = jobs.output(jobs.job_status(str(job_id), _user_id(request)))
    except jobs.ExportError as error:
        return _job_refused(error)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type=fmt.content_type
    )
