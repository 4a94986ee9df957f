"""The intake path's shortcuts: services cached, two statements a case, a tracking number redrawn."""

from __future__ import annotations

import pytest
from django.test import Client

from gridmgr.casework import loop as cases
from gridmgr.casework.idempotency import Sender
from gridmgr.models import Category, Issue, Owner
from gridmgr.open311 import georeport
from tests.gridmgr.open311_client import new_key, parse_json, post, report_form, url
from tests.world import World, full_cells

SENDER = Sender("open311", "1")


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    georeport.forget_services()


def test_a_service_is_looked_up_once_then_served_from_the_cache(world: World) -> None:
    first = georeport.offered_service("0201")
    assert georeport.offered_service("0201") is first
    assert georeport.offered_service("违章停车") == first
    assert georeport.offered_service("Illegal Parking") == first


def test_the_cache_answers_without_a_query(world: World, django_assert_num_queries: object) -> None:
    georeport.offered_service("0201")
    with django_assert_num_queries(0):  # type: ignore[operator]
        georeport.offered_service("0201")


def test_saving_a_category_or_an_owner_empties_the_cache(world: World) -> None:
    parking = georeport.offered_service("0201")
    Category.objects.create(code="020101", kind="event", name="占用消防通道", parent=parking)
    with pytest.raises(georeport.NotFound):
        georeport.offered_service("0201")
    Category.objects.filter(code="020101").delete()
    georeport.forget_services()
    department = georeport.offered_service("0201").department
    assert department is not None
    owner = Owner.objects.get(pk=department.pk)
    owner.name = "交通支队新名"
    owner.save()
    assert "交通支队新名" in georeport.service_notice(georeport.offered_service("0201"))


def test_an_unknown_service_is_not_cached(client: Client, world: World) -> None:
    assert client.get(url("service", "json", code="9999")).status_code == 404
    assert "9999" not in georeport._services


def test_a_tracking_number_drawn_twice_is_drawn_again(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()
    taken = parse_json(post(client, **report_form(world, key)))[0]["service_request_id"]
    draws = iter([taken, "261127FRESH1"])
    monkeypatch.setattr(cases, "new_tracking_number", lambda: next(draws))
    response = post(client, headers={"Idempotency-Key": "k1"}, **report_form(world, key))
    assert response.status_code == 201
    assert parse_json(response)[0]["service_request_id"] == "261127FRESH1"
    assert Issue.objects.count() == 2
    assert Issue.objects.get(tracking_number="261127FRESH1").routings.count() >= 1


def test_a_case_is_received_in_two_statements_and_its_twins_are_found_when_asked(
    world: World,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    spot = world.inside(full_cells(world.subs["S1"], world.grid)[0])
    first = cases.receive(*spot, world.categories["rubbish"]).issue
    with CaptureQueriesContext(connection) as sent:
        received = cases.receive(*spot, world.categories["rubbish"], idempotency=SENDER.key("k2"))
    statements = [q["sql"] for q in sent.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 2, statements  # route; the case with receipts and its record
    assert received.duplicates == [first]
    again = cases.receive(*spot, world.categories["parking"], idempotency=SENDER.key("k2"))
    assert (again.issue.pk, again.created) == (received.issue.pk, False)
    assert received.issue.transitions.get().action == "report"
