"""A request id on every request, its response, its log lines and its server-error page.

A user's complaint ("the page said error 5f3c…") then finds the log line with the traceback.
The id comes from the front server's X-Request-ID header when it is a sane one (so the front
server's log and ours agree), else it is made here.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

import sentry_sdk
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string

from gridmgr.errors import bilingual
from gridmgr.server.logs import request_id

HEADER = "X-Request-ID"
# Letters, digits and - _ . : only, at most 64: the id goes into logs and headers verbatim.
SANE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
access_log = logging.getLogger("gridmgr.access")


def incoming_or_new_id(request: HttpRequest) -> str:
    """The X-Request-ID the front server sent if it is sane, else a new random one."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")  # not request.headers: it copies them all
    return given if SANE_ID.fullmatch(given) else uuid.uuid4().hex


CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def loggable_path(request: HttpRequest) -> str:
    """The path with control characters escaped: a %0A in a URL must not forge a log line."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", request.path)


def user_label(request: HttpRequest) -> str:
    """The user's id for the log (never the name: it is personal data), or "anonymous"."""
    try:
        user = getattr(request, "user", None)
        return str(user.pk) if user is not None and user.is_authenticated else "anonymous"
    except Exception:  # the session store may be what failed: the access line must still go out
        return "unknown"


class RequestIdMiddleware:
    """Tag the request with an id, put it on the response, log one access line per request.

    First in settings.MIDDLEWARE, so that every response, a redirect to HTTPS, a refused NUL
    or a server error included, carries the id. The access line has no query string: it may
    hold an Open311 api_key or a citizen's search.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        rid = incoming_or_new_id(request)
        token = request_id.set(rid)
        if settings.SENTRY_DSN:
            sentry_sdk.set_tag("request_id", rid)  # the Sentry event names the log line
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = rid
            ms = (time.perf_counter() - started) * 1000
            fields = {
                "method": request.method,
                "path": loggable_path(request),
                "status": response.status_code,
                "duration_ms": round(ms, 1),
                "user": user_label(request),
            }
            access_log.info(
                "%(method)s %(path)s %(status)s %(duration_ms)s ms user=%(user)s",
                fields,
                extra=fields,
            )
            return response
        finally:
            request_id.reset(token)


SERVER_ERROR_ZH = "服务器内部错误，已记录。请联系管理员并提供请求编号 {rid}"
SERVER_ERROR_EN = "server error, logged: tell the administrator the request id {rid}"


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the request id in the response's own format (Open311, API, page)."""
    rid = request_id.get()
    zh, en = SERVER_ERROR_ZH.format(rid=rid), SERVER_ERROR_EN.format(rid=rid)
    path = request.path_info
    if path.startswith("/open311/"):
        from gridmgr.open311.formats import errors

        return errors("xml" if path.endswith(".xml") else "json", 500, f"{zh} / {en}")
    if path.startswith("/api/"):
        return JsonResponse(bilingual(zh, en, request_id=rid), status=500)
    return HttpResponse(render_to_string("500.html", {"zh": zh, "en": en}), status=500)
