"""Requests and responses of the editor's JSON endpoints: bodies, geometries, errors."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, RawPostDataException
from django.views.decorators.http import require_http_methods
from shapely.geometry.base import BaseGeometry

from geodata.errors import GeoDataError, InvalidGeometryError
from geodata.geojson import parse_geometry
from gridmgr.editor.drafts import EditorError
from gridmgr.errors import bilingual, http_status
from gridmgr.models import Zone
from gridmgr.territory.zone_edits import ZoneConflictError
from gridmgr.validators import first_refusal, strings, years_refusal

View = Callable[..., HttpResponse]
# Shown on every refused stale save, before the server's own words.
STALE = (
    "该区域已被他人修改，请刷新后重试 / this zone was changed by someone else: reload and try again"
)


def error_response(exc: GeoDataError) -> JsonResponse:
    """A domain error as JSON: 403, 404, 409 or 400, in both languages."""
    extra: dict[str, Any] = {}
    if isinstance(exc, ZoneConflictError):
        extra["stale"] = STALE
        if exc.current_version is not None:
            extra["current_version"] = exc.current_version
    return JsonResponse(bilingual(exc.zh, exc.en, **extra), status=http_status(exc))


def endpoint(*methods: str) -> Callable[[View], View]:
    """A login-required JSON endpoint whose domain errors become bilingual error responses."""

    def wrap(view: View) -> View:
        @functools.wraps(view)
        def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except GeoDataError as exc:
                return error_response(exc)

        return login_required(require_http_methods(list(methods))(run))

    return wrap


def body(request: HttpRequest) -> Mapping[str, Any]:
    """The request's JSON object."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RawPostDataException):
        # RawPostDataException: a form body, already read as one by the request guard.
        raise EditorError("请求体不是有效的 JSON", "the body is not valid JSON") from None
    if not isinstance(data, Mapping):
        raise EditorError("请求体须为 JSON 对象", "the body must be a JSON object")
    refused = first_refusal(strings(data))
    if refused is not None:
        raise EditorError(*refused)
    return data


def geometry(data: Mapping[str, Any], key: str = "geometry") -> BaseGeometry:
    """A GeoJSON geometry (lon/lat) of the body, or a Feature's (geodata.geojson)."""
    try:
        return parse_geometry(data.get(key))
    except InvalidGeometryError:
        raise EditorError("不是有效的 GeoJSON 几何", "not a valid GeoJSON geometry") from None


def integer(data: Mapping[str, Any], key: str) -> int:
    """A whole number of the body (a version, an id)."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise EditorError(f"缺少整数字段“{key}”", f"'{key}' must be a whole number")
    return value


def day(data: Mapping[str, Any], key: str, default: dt.date) -> dt.date:
    """A YYYY-MM-DD date of the body."""
    value = data.get(key) or None
    if value is None:
        return default
    try:
        found = dt.date.fromisoformat(str(value))
    except ValueError:
        raise EditorError(
            f"日期格式应为 YYYY-MM-DD：{value}", f"dates are YYYY-MM-DD: {value}"
        ) from None
    if why := years_refusal(found.year):
        raise EditorError(f"日期{why[0]}：{value}", f"dates {why[1]}: {value}")
    return found


def zone_json(zone: Zone) -> dict[str, Any]:
    """What the editor needs back about a saved zone."""
    return {
        "id": zone.pk,
        "code": zone.code,
        "name": zone.name,
        "version": zone.version,
        "area_m2": round(zone.area_m2, 1),
    }
