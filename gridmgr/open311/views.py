"""Open311 GeoReport v2 endpoints: parse, authorise, call a use case, render XML or JSON."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from geodata.errors import GeoDataError
from gridmgr.errors import NotFoundError, UnknownCategoryError
from gridmgr.open311 import georeport, keys, params
from gridmgr.open311.errors import InvalidRequest, Open311Error
from gridmgr.open311.formats import errors, render
from gridmgr.open311.openapi import document as openapi_document

View = Callable[..., HttpResponse]
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def status_of(exc: GeoDataError) -> int:
    """The HTTP status of a refusal: 404 for what does not exist, else its own, else 400."""
    if isinstance(exc, Open311Error):
        return exc.status
    return 404 if isinstance(exc, UnknownCategoryError | NotFoundError) else 400


def georeport_view(*methods: str) -> Callable[[View], View]:
    """Accept only `methods`, without CSRF (API clients), and answer refusals as errors."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            allowed = (*methods, "HEAD") if "GET" in methods else methods
            if request.method not in allowed:
                response = errors(
                    fmt, 405, f"不支持 {request.method} 方法 / method {request.method} not allowed"
                )
                response["Allow"] = ", ".join(allowed)
                return response
            try:
                return view(request, fmt, **kwargs)
            except GeoDataError as exc:
                return errors(fmt, status_of(exc), str(exc))

        return wrapper

    return decorate


@georeport_view("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    here = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    return render("discovery", georeport.discovery(here.rsplit("/", 1)[0]), fmt)


@georeport_view("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return render("services", georeport.service_list(), fmt)


@georeport_view("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    return render("service_definition", georeport.service_definition(code), fmt)


@georeport_view("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method != "POST":
        query = params.request_query(request.GET, timezone.now())
        found = georeport.find_requests(query, request.build_absolute_uri)
        return render("service_requests", found, fmt)
    if request.content_type not in FORM_TYPES:
        raise InvalidRequest(
            "请以 application/x-www-form-urlencoded 表单提交",
            "post the request as an application/x-www-form-urlencoded form",
        )
    key = keys.authenticate(request.POST.get("api_key") or request.GET.get("api_key"))
    new = params.new_request(request.POST, request.headers.get("Idempotency-Key"))
    submitted, created = georeport.submit(new, key)
    return render("service_requests", submitted, fmt, status=201 if created else 200)


@georeport_view("GET")
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    found = georeport.request_by_id(request_id, request.build_absolute_uri)
    return render("service_requests", found, fmt)


@georeport_view("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    return render("service_requests", georeport.token_lookup(token), fmt)


@require_GET
def openapi(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3 description of the JSON resources (gridmgr.open311.openapi)."""
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    """Anything else under v2/, including an unsupported format: 404 in XML, the required one."""
    return errors(
        "xml",
        404,
        "未知的资源或不支持的格式（请用 .xml 或 .json）"
        " / unknown resource or unsupported format (use .xml or .json)",
    )
