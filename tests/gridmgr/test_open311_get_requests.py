"""GET requests, one request and tokens: spec fields in order, spec filters, spec errors."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from gridmgr.casework.loop import apply
from gridmgr.models import Issue, Photo
from gridmgr.open311.georeport import MAX_REQUESTS
from tests.gridmgr.open311_client import (
    FORMATS,
    REQUEST,
    TOKEN,
    case,
    centre_user,
    errors_of,
    parse_json,
    parse_xml,
    tags,
    texts,
    url,
)
from tests.world import World

W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def ids(client: Client, **query: str) -> list[str]:
    response = client.get(url("requests", "json"), query)
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in parse_json(response)]


def test_a_new_request_in_json_has_every_spec_field_in_order(client: Client, world: World) -> None:
    issue = case(world, address="朝阳门南小街")
    [item] = parse_json(client.get(url("requests", "json")))
    assert list(item) == REQUEST
    assert item["service_request_id"] == issue.tracking_number
    assert (item["status"], item["status_notes"]) == ("open", "已上报 / reported")
    assert (item["service_name"], item["service_code"]) == ("违章停车", "0201")
    assert item["description"] == "路边乱停"
    assert item["agency_responsible"] == "交警支队"
    assert "2 working hours" in item["service_notice"]
    assert W3C.match(item["requested_datetime"]) and W3C.match(item["updated_datetime"])
    assert item["expected_datetime"] is None  # the clock starts at dispatch
    assert item["address"] == "朝阳门南小街"
    assert (item["address_id"], item["zipcode"], item["media_url"]) == (None, None, None)
    assert (item["lat"], item["long"]) == pytest.approx((issue.location.y, issue.location.x))


def test_a_request_in_xml_has_every_spec_element_in_order(client: Client, world: World) -> None:
    issue = case(world)
    root = parse_xml(client.get(url("requests", "xml")))
    assert root.tag == "service_requests" and tags(root) == ["request"]
    assert tags(root[0]) == REQUEST
    fields = texts(root[0])
    assert fields["service_request_id"] == issue.tracking_number
    assert fields["status"] == "open"
    assert fields["expected_datetime"] is None and fields["zipcode"] is None
    assert float(fields["lat"] or 0) == pytest.approx(issue.location.y)
    assert float(fields["long"] or 0) == pytest.approx(issue.location.x)


def test_a_dispatched_case_is_expected_by_its_due_time(client: Client, world: World) -> None:
    issue, centre = case(world), centre_user("中心值班员")
    apply(issue, "register", centre)
    apply(issue, "dispatch", centre)
    issue.refresh_from_db()
    [item] = parse_json(client.get(url("request", "json", request_id=issue.tracking_number or "")))
    assert item["status"] == "open"
    assert item["status_notes"] == "已派遣 / dispatched"
    # W3C datetimes are given to the second (GeoReport v2 examples carry no fraction).
    assert item["expected_datetime"] == timezone.localtime(issue.due_at).isoformat(
        timespec="seconds"
    )


def test_a_rejected_case_is_closed_with_its_reason(client: Client, world: World) -> None:
    issue = case(world)
    apply(issue, "reject", centre_user("中心值班员"), comment="不属于城市管理范围")
    [item] = parse_json(client.get(url("request", "json", request_id=issue.tracking_number or "")))
    assert item["status"] == "closed"
    assert item["status_notes"].startswith("不予立案 / rejected：不属于城市管理范围")


def test_media_url_is_the_public_copy_of_the_report_photo(
    client: Client, world: World, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    issue = case(world)
    Photo.objects.create(
        issue=issue,
        original=ContentFile(b"raw", name="a.jpg"),
        public=ContentFile(b"clean", name="a.jpg"),
        content_type="image/jpeg",
        size=5,
        sha256="0" * 64,
    )
    [item] = parse_json(client.get(url("requests", "json")))
    assert item["media_url"].startswith("http://testserver/media/photos/public/")


def test_status_filter_takes_open_closed_or_both(client: Client, world: World) -> None:
    open_case = case(world, n=0)
    closed = case(world, n=1, status="closed", closed_at=timezone.now())
    assert ids(client, status="open") == [open_case.tracking_number]
    assert ids(client, status="closed") == [closed.tracking_number]
    assert set(ids(client, status="open,closed")) == {
        open_case.tracking_number,
        closed.tracking_number,
    }


def test_service_code_filter_takes_a_comma_list(client: Client, world: World) -> None:
    parking = case(world, "parking")
    rubbish = case(world, "rubbish")
    assert ids(client, service_code="0101") == [rubbish.tracking_number]
    assert set(ids(client, service_code="0101,0201")) == {
        parking.tracking_number,
        rubbish.tracking_number,
    }
    assert ids(client, service_code="9999") == []


def test_by_default_only_the_last_90_days_are_listed_newest_first(
    client: Client, world: World
) -> None:
    now = timezone.now()
    old = case(world, n=0, reported_at=now - dt.timedelta(days=91))
    recent = case(world, n=1, reported_at=now - dt.timedelta(days=2))
    newest = case(world, n=2, reported_at=now - dt.timedelta(hours=1))
    assert ids(client) == [newest.tracking_number, recent.tracking_number]
    assert old.tracking_number not in ids(client)


def test_start_and_end_dates_select_by_requested_datetime(client: Client, world: World) -> None:
    day = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    march = case(world, n=0, reported_at=day)
    april = case(world, n=1, reported_at=day + dt.timedelta(days=40))
    query = {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-03-02T00:00:00+08:00"}
    assert ids(client, **query) == [march.tracking_number]
    # One end alone: the 90 days after the start, or before the end (both ends included).
    assert ids(client, start_date="2026-03-01T12:00:01Z") == [april.tracking_number]
    assert ids(client, end_date="2026-03-01T12:00:00Z") == [march.tracking_number]
    assert ids(client, end_date="2026-03-01T20:00:00+08:00") == [march.tracking_number]


def test_service_request_id_overrides_every_other_filter(client: Client, world: World) -> None:
    old = case(world, n=0, reported_at=timezone.now() - dt.timedelta(days=400))
    other = case(world, n=1)
    case(world, n=2)
    wanted = f"{old.tracking_number},{other.tracking_number}"
    found = ids(client, service_request_id=wanted, status="closed", service_code="0101")
    assert set(found) == {old.tracking_number, other.tracking_number}


def test_at_most_1000_requests_are_returned(client: Client, world: World) -> None:
    parking, now = world.categories["parking"], timezone.now()
    Issue.objects.bulk_create(
        Issue(
            location=Point(116.43, 39.93, srid=4326),
            category=parking,
            tracking_number=f"T{i:05d}",
            reported_at=now - dt.timedelta(minutes=i),
        )
        for i in range(MAX_REQUESTS + 5)
    )
    found = ids(client)
    assert len(found) == MAX_REQUESTS == 1000
    assert found[0] == "T00000"


def test_issues_without_a_tracking_number_are_not_requests(client: Client, world: World) -> None:
    Issue.objects.create(
        location=Point(116.43, 39.93, srid=4326), category=world.categories["parking"]
    )
    assert ids(client) == []


BAD_QUERIES = [
    ({"start_date": "yesterday"}, "start_date is not a W3C datetime"),
    ({"end_date": "2026-03-01T00:00:00"}, "end_date has no time zone"),
    ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 days"),
    ({"start_date": "2026-03-02T00:00:00Z", "end_date": "2026-03-01T00:00:00Z"}, "earlier"),
    ({"status": "pending"}, "status must be open or closed"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query, words", BAD_QUERIES)
def test_bad_filters_are_400_in_both_languages(
    client: Client, world: World, fmt: str, query: dict[str, str], words: str
) -> None:
    response = client.get(url("requests", fmt), query)
    assert response.status_code == 400
    [(code, description)] = errors_of(response, fmt)
    assert code == 400 and words in description and " / " in description


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_by_id_is_a_list_of_one(client: Client, world: World, fmt: str) -> None:
    issue = case(world)
    response = client.get(url("request", fmt, request_id=issue.tracking_number or ""))
    assert response.status_code == 200
    if fmt == "json":
        [item] = parse_json(response)
        assert list(item) == REQUEST and item["service_request_id"] == issue.tracking_number
    else:
        root = parse_xml(response)
        assert tags(root) == ["request"] and tags(root[0]) == REQUEST


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name, kwargs", [("request", "request_id"), ("token", "token")])
def test_unknown_request_or_token_is_404(
    client: Client, world: World, fmt: str, name: str, kwargs: str
) -> None:
    response = client.get(url(name, fmt, **{kwargs: "261126FFFFFF"}))
    assert response.status_code == 404
    [(code, description)] = errors_of(response, fmt)
    assert code == 404 and "261126FFFFFF" in description


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_token_gives_its_service_request_id(client: Client, world: World, fmt: str) -> None:
    number = case(world).tracking_number or ""
    response = client.get(url("token", fmt, token=number))
    assert response.status_code == 200
    if fmt == "json":
        assert parse_json(response) == [{"service_request_id": number, "token": number}]
    else:
        root = parse_xml(response)
        assert tags(root) == ["request"] and tags(root[0]) == TOKEN
        assert texts(root[0]) == {"service_request_id": number, "token": number}
