"""The OpenAPI 3 description of the GeoReport v2 resources served, in their JSON format.

Written by hand from the specification (http://wiki.open311.org/GeoReport_v2) and the
extensions of this server (coord_sys, Idempotency-Key): GeoReport has no schema of its own,
and the views render plain dicts (gridmgr.open311.georeport). Served at
/open311/v2/openapi.json; tests/gridmgr/test_open311_schemathesis.py checks every answer of
the server against it.
"""

from __future__ import annotations

from typing import Any

BASE = "/open311/v2"
JSON = "application/json"
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": "string", "nullable": True}
W3C = {"type": "string", "description": "W3C datetime, e.g. 2026-03-01T08:30:00+08:00"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


SCHEMAS: dict[str, Any] = {
    "Errors": {
        "type": "array",
        "minItems": 1,
        "items": obj(
            ["code", "description"],
            code={"type": "integer", "description": "the HTTP status"},
            description={"type": "string", "description": "中文 / English"},
        ),
    },
    "Discovery": obj(
        ["changeset", "contact", "key_service", "endpoints"],
        changeset=TEXT,
        contact=TEXT,
        key_service=TEXT,
        endpoints={
            "type": "array",
            "items": obj(
                ["specification", "url", "changeset", "type", "formats"],
                specification=TEXT,
                url=TEXT,
                changeset=TEXT,
                type={"type": "string", "enum": ["production", "test"]},
                formats={"type": "array", "items": TEXT},
            ),
        },
    ),
    "Service": obj(
        ["service_code", "service_name", "description", "metadata", "type"],
        service_code=TEXT,
        service_name=TEXT,
        description=TEXT,
        metadata={"type": "boolean"},
        type={"type": "string", "enum": ["realtime", "batch", "blackbox"]},
        keywords=NULLABLE_TEXT,
        group=NULLABLE_TEXT,
    ),
    "ServiceDefinition": obj(
        ["service_code", "attributes"],
        service_code=TEXT,
        attributes={"type": "array", "maxItems": 0, "items": {"type": "object"}},
    ),
    "ServiceRequest": obj(
        ["service_request_id", "status", "service_code", "requested_datetime", "lat", "long"],
        service_request_id=TEXT,
        status={"type": "string", "enum": ["open", "closed"]},
        status_notes=NULLABLE_TEXT,
        service_name=NULLABLE_TEXT,
        service_code=TEXT,
        description=NULLABLE_TEXT,
        agency_responsible=NULLABLE_TEXT,
        service_notice=NULLABLE_TEXT,
        requested_datetime=W3C,
        updated_datetime={**W3C, "nullable": True},
        expected_datetime={**W3C, "nullable": True},
        address=NULLABLE_TEXT,
        address_id=NULLABLE_TEXT,
        zipcode=NULLABLE_TEXT,
        lat={"type": "number", "minimum": -90, "maximum": 90},
        long={"type": "number", "minimum": -180, "maximum": 180},
        media_url=NULLABLE_TEXT,
    ),
    "Submitted": obj(
        ["service_request_id"],
        service_request_id=TEXT,
        service_notice=NULLABLE_TEXT,
        account_id=NULLABLE_TEXT,
    ),
    "Token": obj(["service_request_id", "token"], service_request_id=TEXT, token=TEXT),
}

ERRORS = {JSON: {"schema": ref("Errors")}}
# An unknown resource under v2/ is answered in XML, the specification's default format.
NOT_FOUND = {**ERRORS, "text/xml": {"schema": {"type": "string"}}}


def answers(ok: dict[str, Any], *errors: int) -> dict[str, Any]:
    """The responses of an operation: its successes and its errors, 400 always among them."""
    reasons = {
        400: "参数有误 / invalid parameters",
        403: "api_key 缺失、无效或已吊销 / api_key missing, invalid or revoked",
        404: "未知的服务、请求或令牌 / unknown service, request or token",
        413: "请求体过大 / the body is too large",
    }
    found = dict(ok)
    for code in sorted({400, *errors}):
        content = NOT_FOUND if code == 404 else ERRORS
        found[str(code)] = {"description": reasons[code], "content": content}
    return found


def success(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def path_parameter(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def query(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": TEXT, "description": description}


POST_FIELDS: dict[str, Any] = {
    "api_key": TEXT,
    "service_code": TEXT,
    "lat": {"type": "number", "minimum": -90, "maximum": 90},
    "long": {"type": "number", "minimum": -180, "maximum": 180},
    "coord_sys": {"type": "string", "enum": ["wgs84", "cgcs2000", "gcj02", "bd09"]},
    "address_string": {"type": "string", "maxLength": 200},
    "address_id": TEXT,
    "email": {"type": "string", "format": "email"},
    "device_id": TEXT,
    "account_id": TEXT,
    "first_name": {"type": "string", "maxLength": 100},
    "last_name": {"type": "string", "maxLength": 100},
    "phone": TEXT,
    "description": {"type": "string", "maxLength": 4000},
    "media_url": {"type": "string", "format": "uri"},
    "idempotency_key": {"type": "string", "maxLength": 64},
}
GET_REQUESTS = [
    query("service_request_id", "comma list of ids; overrides the other filters"),
    query("service_code", "comma list of service codes"),
    query("start_date", "W3C datetime, years 1900–2999"),
    query("end_date", "W3C datetime, at most 90 days after start_date"),
    {
        "name": "status",
        "in": "query",
        "schema": {"type": "string", "enum": ["open", "closed", "open,closed"]},
    },
]
POST_REQUEST = {
    "summary": "Report a problem: opens a case routed to its zones, owners and department",
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "schema": {"type": "string", "maxLength": 64},
            "description": "a retry with the same key answers the same request (200)",
        }
    ],
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": obj(["api_key", "service_code", "lat", "long"], **POST_FIELDS)
            }
        },
    },
    "responses": answers(
        {
            "201": success({"type": "array", "items": ref("Submitted")}, "created"),
            "200": success({"type": "array", "items": ref("Submitted")}, "a repeated key"),
        },
        403,
        404,
        413,
    ),
}
REQUESTS = {"type": "array", "items": ref("ServiceRequest")}


def document() -> dict[str, Any]:
    """The OpenAPI 3.0 document."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "gridmgr Open311 GeoReport v2",
            "version": "v2",
            "description": "市民上报接口 / citizen reports (GeoReport v2, JSON format)",
        },
        "paths": {
            f"{BASE}/discovery.json": {
                "get": {"responses": answers({"200": success(ref("Discovery"))})}
            },
            f"{BASE}/services.json": {
                "get": {
                    "responses": answers(
                        {"200": success({"type": "array", "items": ref("Service")})}
                    )
                }
            },
            f"{BASE}/services/{{service_code}}.json": {
                "get": {
                    "parameters": [path_parameter("service_code")],
                    "responses": answers({"200": success(ref("ServiceDefinition"))}, 404),
                }
            },
            f"{BASE}/requests.json": {
                "get": {
                    "parameters": GET_REQUESTS,
                    "responses": answers({"200": success(REQUESTS)}),
                },
                "post": POST_REQUEST,
            },
            f"{BASE}/requests/{{service_request_id}}.json": {
                "get": {
                    "parameters": [path_parameter("service_request_id")],
                    "responses": answers({"200": success(REQUESTS)}, 404),
                }
            },
            f"{BASE}/tokens/{{token}}.json": {
                "get": {
                    "parameters": [path_parameter("token")],
                    "responses": answers(
                        {"200": success({"type": "array", "items": ref("Token")})}, 404
                    ),
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
