"""Reporting issues through the API: routing, coordinate systems, idempotency, bad input."""

from __future__ import annotations

import pytest

from geodata.coords import from_wgs84
from gridmgr.models import Issue
from tests.gridmgr.api_client import Clients, cell, make_clients, report, url
from tests.world import TIANANMEN, World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def api(world: World) -> Clients:
    return make_clients(world)


def test_a_report_is_routed_and_answered_with_its_receipt(world: World, api: Clients) -> None:
    target = cell(world, "S3")
    response = report(api.worker_s3, world.inside(target), "0201", description="占道停车")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"] == url("issue-detail", body["id"])
    assert body["type"] == "Feature" and body["geometry"]["type"] == "Point"
    props = body["properties"]
    assert props["status"] == "reported" and props["category"] == "0201"
    assert props["zone_code"] == target.code
    assert props["owner_name"] == "网格员S3" and props["department_name"] == "交警支队"
    assert props["source"] == "grid_worker" and props["tracking_number"]
    receipts = {r["layer_name"]: r for r in props["routings"]}
    assert receipts["单元网格"]["zone_code"] == target.code
    assert receipts["单元网格"]["plan_name"] == world.plan.name
    assert receipts["单元网格"]["rule"] == "covers" and receipts["单元网格"]["routed_at"]
    assert receipts["板块"]["zone_code"] == "S3"
    assert [t["action"] for t in props["transitions"]] == ["report"]
    assert props["transitions"][0]["actor"] == "wangge3"


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_phone_map_coordinates_are_converted_before_routing(
    world: World, api: Clients, system: str
) -> None:
    target = cell(world, "S3", 7)
    lon, lat = world.inside(target)
    x, y = from_wgs84([lon], [lat], system)
    point = (float(x[0]), float(y[0]))
    response = report(api.centre, point, "0201", coord_sys=system)
    assert response.status_code == 201, response.json()
    assert response.json()["properties"]["zone_code"] == target.code
    got = response.json()["geometry"]["coordinates"]
    assert got == pytest.approx([lon, lat], abs=1e-5)


def test_the_same_idempotency_key_returns_the_first_issue(world: World, api: Clients) -> None:
    point = world.inside(cell(world, "S1"))
    headers = {"HTTP_IDEMPOTENCY_KEY": "phone-42-0001"}
    body = {"lon": point[0], "lat": point[1], "category": "0201"}
    first = api.centre.post(url("issue-list"), body, format="json", **headers)
    again = api.centre.post(url("issue-list"), body, format="json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Issue.objects.count() == 1


def test_different_idempotency_keys_make_different_issues(world: World, api: Clients) -> None:
    point = world.inside(cell(world, "S1"))
    for key in ("a-1", "a-2"):
        body = {"lon": point[0], "lat": point[1], "category": "0201"}
        response = api.centre.post(url("issue-list"), body, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 201
    assert Issue.objects.count() == 2


def test_an_overlong_idempotency_key_is_refused(world: World, api: Clients) -> None:
    point = world.inside(cell(world, "S1"))
    body = {"lon": point[0], "lat": point[1], "category": "0201"}
    response = api.centre.post(
        url("issue-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="k" * 101
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()


def test_a_category_can_be_named_in_chinese_or_english(world: World, api: Clients) -> None:
    point = world.inside(cell(world, "S2"))
    for name in ("暴露垃圾", "exposed rubbish"):
        response = report(api.centre, point, name)
        assert response.status_code == 201
        assert response.json()["properties"]["department_name"] == "城管执法局"


def test_a_point_outside_the_district_is_refused_in_both_languages(
    world: World, api: Clients
) -> None:
    response = report(api.centre, TIANANMEN, "0201")
    assert response.status_code == 400
    body = response.json()
    assert "不在本区范围内" in body["zh"] and "outside the district" in body["en"]
    assert body["detail"] == f"{body['zh']} / {body['en']}"
    assert Issue.objects.count() == 0


def test_an_unknown_category_is_refused(world: World, api: Clients) -> None:
    response = report(api.centre, world.inside(cell(world, "S1")), "9999")
    assert response.status_code == 400
    assert "unknown category: 9999" in response.json()["category"][0]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"lat": 39.93, "category": "0201"}, "lon"),
        ({"lon": "east", "lat": 39.93, "category": "0201"}, "lon"),
        ({"lon": 116.4, "lat": [39.93], "category": "0201"}, "lat"),
        ({"lon": 116.4, "lat": 95.0, "category": "0201"}, "lat"),
        ({"lon": "NaN", "lat": 39.93, "category": "0201"}, "lon"),
        ({"lon": 116.4, "lat": 39.93}, "category"),
        ({"lon": 116.4, "lat": 39.93, "category": "0201", "coord_sys": "utm"}, "coord_sys"),
        ({"lon": 116.4, "lat": 39.93, "category": "0201", "priority": "high"}, "priority"),
        ({"lon": 116.4, "lat": 39.93, "category": "0201", "description": "a\x00b"}, "description"),
    ],
)
def test_bad_reports_are_refused_field_by_field(
    world: World, api: Clients, body: dict, field: str
) -> None:
    response = api.centre.post(url("issue-list"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Issue.objects.count() == 0


@pytest.mark.parametrize("raw", ['{"lon": 116.4,', "[1, 2]", '"text"', "42", "null"])
def test_a_body_that_is_not_a_json_object_is_refused(world: World, api: Clients, raw: str) -> None:
    response = api.centre.post(url("issue-list"), raw, content_type="application/json")
    assert response.status_code == 400


def test_malformed_json_gets_a_bilingual_message(world: World, api: Clients) -> None:
    response = api.centre.post(url("issue-list"), "{", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("请求无法解析 / ")


def test_form_encoded_bodies_are_not_accepted(world: World, api: Clients) -> None:
    response = api.centre.post(url("issue-list"), {"lon": "116.4"})
    assert response.status_code == 415
