"""POST requests opens a routed case with a tracking number, once per idempotency key."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.test import Client

from geodata.coords import from_wgs84
from gridmgr.casework import loop as cases
from gridmgr.models import Issue, Transition
from gridmgr.open311.keys import active_keys, revoke
from tests.gridmgr.open311_client import (
    FORMATS,
    SUBMITTED,
    a_point,
    errors_of,
    new_key,
    parse_json,
    parse_xml,
    post,
    report_form,
    tags,
    texts,
)
from tests.world import TIANANMEN, World, full_cells

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def key(world: World) -> str:
    return new_key()


def test_post_opens_a_case_routed_to_its_cell_with_a_tracking_number(
    client: Client, world: World, key: str
) -> None:
    form = report_form(world, key, description="消防通道被占", address_string="朝阳门南小街 1 号")
    response = post(client, **form)
    assert response.status_code == 201
    [submitted] = parse_json(response)
    assert list(submitted) == SUBMITTED
    issue = Issue.objects.get()
    assert submitted["service_request_id"] == issue.tracking_number
    assert "交警支队" in submitted["service_notice"]
    assert submitted["account_id"] is None
    cell = full_cells(world.subs["S3"], world.grid)[0]
    assert (issue.zone, issue.owner) == (cell, world.owners["网格员S3"])
    assert issue.department == world.owners["交警"]
    assert (issue.category.code, issue.status, issue.source) == ("0201", "reported", "open311")
    assert (issue.description, issue.address) == ("消防通道被占", "朝阳门南小街 1 号")
    [step] = Transition.objects.filter(issue=issue)
    assert (step.action, step.to_status, step.actor_label) == (
        "report",
        "reported",
        "Open311: 市民通 App",
    )


def test_post_xml_answers_with_one_request_element_in_spec_order(
    client: Client, world: World, key: str
) -> None:
    response = post(client, "xml", **report_form(world, key, account_id="u-42"))
    assert response.status_code == 201
    root = parse_xml(response)
    assert root.tag == "service_requests" and tags(root) == ["request"]
    assert tags(root[0]) == SUBMITTED
    fields = texts(root[0])
    assert fields["service_request_id"] == Issue.objects.get().tracking_number
    assert fields["account_id"] == "u-42"


def test_reporter_name_and_contact_are_kept(client: Client, world: World, key: str) -> None:
    form = report_form(
        world, key, first_name="三", last_name="张", phone="13800000000", email="z@example.cn"
    )
    post(client, **form)
    issue = Issue.objects.get()
    assert (issue.reporter_name, issue.reporter_contact) == ("张三", "13800000000; z@example.cn")


def test_unknown_fields_and_attributes_are_ignored(client: Client, world: World, key: str) -> None:
    form = report_form(
        world, key, jurisdiction_id="example.gov.cn", colour="red", **{"attribute[PLATE]": "京A1"}
    )
    assert post(client, **form).status_code == 201
    assert Issue.objects.count() == 1


def test_gcj02_coordinates_are_converted_before_routing(
    client: Client, world: World, key: str
) -> None:
    lon, lat = a_point(world, 3)
    gx, gy = from_wgs84(lon, lat, "gcj02")
    form = report_form(world, key, long=float(gx), lat=float(gy), coord_sys="gcj02")
    assert post(client, **form).status_code == 201
    issue = Issue.objects.get()
    assert issue.zone == full_cells(world.subs["S3"], world.grid)[3]
    assert issue.location.x == pytest.approx(lon, abs=1e-7)


@pytest.mark.parametrize("how", ["header", "param"])
def test_a_retry_with_the_same_idempotency_key_returns_the_first_case(
    client: Client, world: World, key: str, how: str
) -> None:
    headers = {"Idempotency-Key": "a1b2"} if how == "header" else {}
    extra = {"idempotency_key": "a1b2"} if how == "param" else {}
    first = post(client, headers=headers, **report_form(world, key, **extra))
    again = post(client, headers=headers, **report_form(world, key, **extra))
    assert (first.status_code, again.status_code) == (201, 200)
    assert parse_json(first) == parse_json(again)
    assert Issue.objects.count() == 1
    assert Transition.objects.count() == 1


def test_two_clients_may_use_the_same_idempotency_key(client: Client, world: World) -> None:
    one, two = new_key("App 一"), new_key("App 二")
    headers = {"Idempotency-Key": "same"}
    a = parse_json(post(client, headers=headers, **report_form(world, one)))
    b = parse_json(post(client, headers=headers, **report_form(world, two)))
    assert a[0]["service_request_id"] != b[0]["service_request_id"]
    assert Issue.objects.count() == 2


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "api_key, reason",
    [(None, "api_key is missing"), ("not-a-key", "invalid api_key")],
)
def test_missing_or_unknown_key_is_refused_with_403(
    client: Client, world: World, fmt: str, api_key: str | None, reason: str
) -> None:
    form = report_form(world, api_key or "")
    response = post(client, fmt, **form)
    assert response.status_code == 403
    [(code, description)] = errors_of(response, fmt)
    assert code == 403 and reason in description
    assert not Issue.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_revoked_key_is_refused_with_403_even_for_a_retry(
    client: Client, world: World, key: str, fmt: str
) -> None:
    headers = {"Idempotency-Key": "k1"}
    assert post(client, fmt, headers=headers, **report_form(world, key)).status_code == 201
    revoke(active_keys("市民通 App"))
    response = post(client, fmt, headers=headers, **report_form(world, key))
    assert response.status_code == 403
    assert "revoked" in errors_of(response, fmt)[0][1]


BAD_FORMS = [
    # (changes to a valid form, status, words of the English message)
    ({"service_code": None}, 400, "service_code is missing"),
    ({"service_code": "9999"}, 404, "unknown service_code: 9999"),
    ({"service_code": "01"}, 404, "unknown service_code: 01"),
    ({"lat": "north"}, 400, "lat is not a number"),
    ({"long": "nan"}, 400, "long is out of range"),
    ({"lat": "91"}, 400, "lat is out of range"),
    ({"long": "-181"}, 400, "long is out of range"),
    ({"lat": None}, 400, "lat is missing"),
    ({"lat": None, "long": None}, 400, "location missing"),
    ({"lat": None, "long": None, "address_string": "朝阳门"}, 400, "send lat and long"),
    ({"lat": TIANANMEN[1], "long": TIANANMEN[0]}, 400, "outside the district"),
    ({"coord_sys": "utm"}, 400, "unknown coord_sys"),
    ({"description": "长" * 4001}, 400, "description is too long"),
    ({"email": "not-an-address"}, 400, "email is not a valid address"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url is not an http(s) URL"),
    ({"idempotency_key": "k" * 65}, 400, "idempotency key is too long"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("changes, status, words", BAD_FORMS)
def test_bad_input_is_refused_in_both_languages_and_nothing_is_written(
    client: Client,
    world: World,
    key: str,
    fmt: str,
    changes: dict[str, object],
    status: int,
    words: str,
) -> None:
    form = report_form(world, key)
    form.update(changes)
    response = post(client, fmt, **{k: v for k, v in form.items() if v is not None})
    assert response.status_code == status
    [(code, description)] = errors_of(response, fmt)
    assert code == status
    assert words in description
    zh, _, en = description.partition(" / ")
    assert zh and en and not zh.isascii()
    assert not Issue.objects.exists()
    assert not Transition.objects.exists()


def test_a_body_that_is_not_a_form_is_refused(client: Client, world: World, key: str) -> None:
    response = client.post(
        "/open311/v2/requests.json", {"api_key": key}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "x-www-form-urlencoded" in errors_of(response, "json")[0][1]


def test_a_retry_that_loses_the_race_to_its_twin_answers_with_the_twins_case(
    client: Client, world: World, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = {"Idempotency-Key": "race"}
    first = parse_json(post(client, headers=headers, **report_form(world, key)))

    def twin_committed_first(*args: object, **kwargs: object) -> None:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(cases, "insert_issue", twin_committed_first)
    again = post(client, headers=headers, **report_form(world, key))
    assert again.status_code == 200
    assert parse_json(again) == first
    assert Issue.objects.count() == 1


def test_posting_needs_no_csrf_token(world: World, key: str) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert post(strict, **report_form(world, key)).status_code == 201
