"""Error responses of the API: domain errors become 400/403/404/409 with both languages."""

from __future__ import annotations

from typing import Any

from django.db.models import ProtectedError
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from geodata.errors import GeoDataError
from gridmgr.errors import NotFoundError, PlanError
from gridmgr.services.zone_edits import ZoneAccessError, ZoneConflictError

# First match wins; every other GeoDataError (bad coordinates, unknown category…) is a 400.
STATUS_OF = (
    (ZoneAccessError, status.HTTP_403_FORBIDDEN),
    (ZoneConflictError, status.HTTP_409_CONFLICT),
    (PlanError, status.HTTP_409_CONFLICT),
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (GeoDataError, status.HTTP_400_BAD_REQUEST),
)


def bilingual(zh: str, en: str, **extra: Any) -> dict[str, Any]:
    """An error body: `detail` in both languages, and each language on its own."""
    return {"detail": f"{zh} / {en}", "zh": zh, "en": en, **extra}


def error_response(exc: GeoDataError, code: int | None = None) -> Response:
    """The response for a domain error."""
    if code is None:
        code = next(c for kind, c in STATUS_OF if isinstance(exc, kind))
    extra = {}
    if isinstance(exc, ZoneConflictError) and exc.current_version is not None:
        extra["current_version"] = exc.current_version
    set_rollback()
    return Response(bilingual(exc.zh, exc.en, **extra), status=code)


def handle(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, extended with gridmgr's errors."""
    if isinstance(exc, GeoDataError):
        return error_response(exc)
    if isinstance(exc, ProtectedError):
        set_rollback()
        return Response(
            bilingual("该记录仍被其他记录引用，不能删除", "this record is still in use"),
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, ParseError):
        exc.detail = f"请求无法解析 / {exc.detail}"
    return exception_handler(exc, context)
