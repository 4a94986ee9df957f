"""Error responses of the API: every error carries `detail`, `zh` and `en`.

Domain errors become 400/403/404/409 with their own two messages. DRF's errors keep their
status and headers; their message is given in both languages: field errors (400) keep DRF's
shape, one list of messages per field in the request's language, under a bilingual summary
naming the fields; DRF's fixed messages (not authenticated, not found, …) are rendered in
each language; the project's own messages are written "中文 / English" and split.
"""

from __future__ import annotations

from typing import Any

from django.db.models import ProtectedError
from django.http import Http404
from django.utils import translation
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from geodata.errors import GeoDataError
from gridmgr.errors import bilingual, http_status
from gridmgr.i18n import SEPARATOR
from gridmgr.territory.zone_edits import ZoneConflictError

# A message of the HTTP status, when DRF's own cannot be had in both languages.
GENERIC = {
    400: ("请求有误", "bad request"),
    401: ("需要登录或有效的令牌", "authentication needed: log in or send a valid token"),
    403: ("无权执行此操作", "not allowed for this user"),
    404: ("未找到", "not found"),
    405: ("不支持该方法", "method not allowed"),
    406: ("无法提供所要求的格式", "the requested format cannot be served"),
    415: ("不支持该请求体格式", "unsupported media type of the body"),
}
# DRF's fixed messages, rendered in each language when the error carries one of them.
FIXED = (
    exceptions.NotAuthenticated.default_detail,
    exceptions.AuthenticationFailed.default_detail,
    exceptions.PermissionDenied.default_detail,
    exceptions.NotFound.default_detail,
    exceptions.NotAcceptable.default_detail,
)


def error_response(exc: GeoDataError, code: int | None = None) -> Response:
    """The response for a domain error."""
    if code is None:
        code = http_status(exc)
    extra = {}
    if isinstance(exc, ZoneConflictError) and exc.current_version is not None:
        extra["current_version"] = exc.current_version
    set_rollback()
    return Response(bilingual(exc.zh, exc.en, **extra), status=code)


def in_both(message: Any) -> tuple[str, str]:
    """A translatable message rendered in Chinese and in English."""
    with translation.override("zh-hans"):
        zh = str(message)
    with translation.override("en"):
        en = str(message)
    return zh, en


def field_errors(detail: Any) -> dict[str, Any]:
    """DRF's field errors as a dict (a bare list is the errors of no one field)."""
    return dict(detail) if isinstance(detail, dict) else {"non_field_errors": detail}


def messages_of(exc: exceptions.APIException, code: int) -> tuple[str, str]:
    """The Chinese and English message of one of DRF's errors."""
    text = str(exc.detail)
    if isinstance(exc, exceptions.MethodNotAllowed | exceptions.UnsupportedMediaType):
        zh, en = GENERIC[code]
        return zh, f"{en}: {text}"
    zh_part, separator, en_part = text.partition(SEPARATOR)
    if separator:
        return zh_part, en_part
    if isinstance(exc, exceptions.ParseError):
        return "请求无法解析", f"the request cannot be parsed: {text}"
    for message in FIXED:
        if text == str(message):
            return in_both(message)
    return GENERIC.get(code, GENERIC[400])


def drf_error_body(exc: exceptions.APIException, code: int) -> dict[str, Any]:
    """The body of one of DRF's errors, with `detail`, `zh` and `en`."""
    if isinstance(exc, exceptions.ValidationError):
        fields = field_errors(exc.detail)
        names = "、".join(fields)
        return bilingual(f"请求有误：{names}", f"invalid request: {', '.join(fields)}", **fields)
    return bilingual(*messages_of(exc, code))


def handle(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, extended with gridmgr's errors and both languages."""
    if isinstance(exc, GeoDataError):
        return error_response(exc)
    if isinstance(exc, ProtectedError):
        set_rollback()
        return Response(
            bilingual("该记录仍被其他记录引用，不能删除", "this record is still in use"),
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()  # Django's message names the model, in English only
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = drf_error_body(exc, response.status_code)
    return response
