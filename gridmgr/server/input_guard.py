"""Refuse, before any view runs, a request that no view could take, in the format of its path.

What is refused: a forbidden character (gridmgr.validators: NUL, other C0 controls, DEL) in
the path, a query parameter or an Open311 form field, a NUL in a page's form field (the pages'
forms show the others as field errors); a body over DATA_UPLOAD_MAX_MEMORY_SIZE (form
fields, or the whole of any other body: DRF reads JSON without Django's limit); too many
fields or files. Open311 paths answer with GeoReport v2 errors, /api/ with the API's bilingual
JSON, pages with bilingual plain text. Form bodies are read here, before CSRF reads them,
except under /api/, where DRF's parsers read their own (its CharField refuses NUL itself).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase

from gridmgr.errors import bilingual
from gridmgr.validators import FORBIDDEN, NUL, first_refusal, forbidden_character, refusal

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
Refusal = tuple[int, str, str]


def respond(request: HttpRequest, status: int, zh: str, en: str) -> HttpResponse:
    """A refusal in the format of the request's path."""
    path = request.path_info
    if path.startswith("/open311/"):
        from gridmgr.open311.formats import errors  # the Open311 package loads the models

        return errors("json" if path.endswith(".json") else "xml", status, f"{zh} / {en}")
    if path.startswith("/api/"):
        return JsonResponse(bilingual(zh, en), status=status)
    return HttpResponse(f"{zh} / {en}", status=status, content_type="text/plain; charset=utf-8")


def too_big() -> Refusal:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return (
        413,
        f"请求体过大：最多 {limit:,} 字节（照片等文件除外）",
        f"the request body is too large: at most {limit:,} bytes (files such as photos aside)",
    )


def too_many() -> Refusal:
    fields, files = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, settings.DATA_UPLOAD_MAX_NUMBER_FILES
    return (
        400,
        f"参数或文件过多：最多 {fields} 个参数、{files} 个文件",
        f"too many parameters or files: at most {fields} parameters and {files} files",
    )


def fields(query: QueryDict) -> Iterator[tuple[str, str]]:
    """(name, text) of every parameter name and value."""
    for name, values in query.lists():
        yield name, name
        for value in values:
            yield name, value


def content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def refusal_of(request: HttpRequest) -> Refusal | None:
    """Why the request is refused (status, Chinese, English), or None."""
    char = forbidden_character(request.path_info)
    if char is not None:
        return 400, *refusal("path", char)
    try:
        found = first_refusal(fields(request.GET))
        if request.content_type not in FORM_TYPES:
            if content_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return too_big()
        elif found is None and not request.path_info.startswith("/api/"):
            page = not request.path_info.startswith("/open311/")
            found = first_refusal(fields(request.POST), NUL if page else FORBIDDEN)
    except RequestDataTooBig:
        return too_big()
    except (TooManyFieldsSent, TooManyFilesSent):
        return too_many()
    except MultiPartParserError as exc:
        return 400, f"表单无法解析：{exc}", f"the form cannot be parsed: {exc}"
    return (400, *found) if found is not None else None


class RequestGuardMiddleware:
    """Answer a refused request at once; map the same errors raised later (by DRF's parsers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        found = refusal_of(request)
        if found is not None:
            return respond(request, *found)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, RequestDataTooBig):
            return respond(request, *too_big())
        if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
            return respond(request, *too_many())
        return None
