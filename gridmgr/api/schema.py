"""The OpenAPI schema's error responses, added to every operation that can give them.

Every error of the API has one shape (gridmgr.api.errors): `detail`, `zh`, `en`, and for a 400
the messages of each field under the field's name. Which statuses an operation can give
follows from what it takes, so they are added here rather than on each view:
400 to all (the request guard refuses bad characters and too many parameters anywhere);
401 and 403 where a login is needed; 404 with a path parameter; 413 and 415 with a body;
409 on a delete (a record still referred to).
Statuses a view documents itself (409, its own 400 or 403) are kept.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": "中文 / English; a 400 adds each invalid field's messages under its name",
    "properties": {
        "detail": {"type": "string", "description": "中文 / English"},
        "zh": {"type": "string"},
        "en": {"type": "string"},
    },
    "required": ["detail", "zh", "en"],
}
REASONS = {
    400: "请求参数或请求体有误 / invalid parameters or body",
    401: "未登录或令牌无效 / not logged in, or the token is invalid",
    403: "无权执行 / not allowed for this user",
    404: "不存在或不可见 / does not exist, or not visible to this user",
    409: "仍被其他记录引用 / still in use by other records",
    413: "请求体过大 / the body is too large",
    415: "不支持该请求体格式 / unsupported media type of the body",
}
METHODS = ("get", "put", "post", "delete", "patch")


def error_statuses(method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer with (see the module docstring)."""
    found = [400]
    if any(operation.get("security", [])):
        found += [401, 403]
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        found.append(404)
    if "requestBody" in operation:
        found += [413, 415]
    if method == "delete":
        found.append(409)  # a record others still refer to (ProtectedError)
    return found


def add_error_responses(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the Error component and each operation's errors."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code in error_statuses(method, operation):
                documented = responses.setdefault(str(code), {"description": REASONS[code]})
                documented.setdefault("content", error)
    return result
