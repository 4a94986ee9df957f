"""What the Open311 tests share: a client's calls, and the specification's fields in order."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from gridmgr.casework.loop import receive
from gridmgr.models import Account, AccountRole, Issue
from gridmgr.open311.keys import issue_key
from tests.world import World, full_cells

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
else:
    from django.http import HttpResponse as Response

# Field order of the GeoReport v2 specification's examples.
DISCOVERY = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT = ["specification", "url", "changeset", "type", "formats"]
SERVICE = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
DEFINITION = ["service_code", "attributes"]
SUBMITTED = ["service_request_id", "service_notice", "account_id"]
TOKEN = ["service_request_id", "token"]
REQUEST = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
FORMATS = ["json", "xml"]


def url(name: str, fmt: str, **kwargs: str) -> str:
    return reverse(f"open311:{name}", kwargs={"fmt": fmt, **kwargs})


def parse_xml(response: Response) -> ET.Element:
    """The XML document of a response, after checking its content type and declaration."""
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def parse_json(response: Response) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def tags(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def texts(element: ET.Element) -> dict[str, str | None]:
    """The text of each child of an element (None for an empty one)."""
    return {child.tag: child.text for child in element}


def errors_of(response: Response, fmt: str) -> list[tuple[int, str]]:
    """The (code, description) pairs of an error response, checking its shape per format."""
    if fmt == "json":
        body = parse_json(response)
        assert all(list(e) == ["code", "description"] for e in body)
        return [(e["code"], e["description"]) for e in body]
    root = parse_xml(response)
    assert root.tag == "errors" and set(tags(root)) == {"error"}
    assert all(tags(e) == ["code", "description"] for e in root)
    return [(int(e.findtext("code") or 0), e.findtext("description") or "") for e in root]


def new_key(name: str = "市民通 App") -> str:
    return issue_key(name)[1]


def a_point(world: World, n: int = 0) -> tuple[float, float]:
    """A point inside the n-th whole cell of 朝阳门."""
    return world.inside(full_cells(world.subs["S3"], world.grid)[n])


def post(
    client: Client, fmt: str = "json", headers: dict[str, str] | None = None, **form: Any
) -> Response:
    """POST a form to requests.{fmt}, as an Open311 client does."""
    return client.post(url("requests", fmt), form, headers=headers or {})


def report_form(world: World, key: str, **extra: Any) -> dict[str, Any]:
    """A complete, valid request form for illegal parking in 朝阳门."""
    lon, lat = a_point(world)
    return {"api_key": key, "service_code": "0201", "lat": lat, "long": lon, **extra}


def case(world: World, category: str = "parking", n: int = 0, **fields: Any) -> Issue:
    """A case received in 朝阳门, then given `fields` (e.g. reported_at, status) directly."""
    issue, _ = receive(*a_point(world, n), world.categories[category], description="路边乱停")
    if fields:
        Issue.objects.filter(pk=issue.pk).update(**fields)
        issue.refresh_from_db()
    return issue


def centre_user(username: str) -> User:
    """A user of the district command centre, who may take every step of the loop."""
    user = User.objects.create_user(username)
    Account.objects.create(user=user, role=AccountRole.COMMAND_CENTRE)
    return user
