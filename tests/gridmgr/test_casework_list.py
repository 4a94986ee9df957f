"""The issue list: each role sees its own cases; filters, sorting and pages narrow them down."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from gridmgr.casework.loop import apply, receive
from gridmgr.models import Account, AccountRole, Issue
from tests.gridmgr.casework_cases import Cases, cases, client_of, grid_code, number
from tests.loop import People, at, spot
from tests.world import World


@pytest.fixture
def found(world: World) -> Cases:
    return cases(world)


def listed(client: Client, **params: str) -> list[int]:
    response = client.get("/issues/", params)
    assert response.status_code == 200
    return [row.issue.pk for row in response.context["rows"]]


def test_the_list_needs_a_login(client: Client) -> None:
    response = client.get("/issues/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_centre_sees_every_case_newest_first(people: People, found: Cases) -> None:
    everything = [found.blind.pk, found.s1_rubbish.pk, found.s3_parking.pk, found.s3_rubbish.pk]
    assert listed(client_of(people.centre)) == everything


def test_a_grid_worker_sees_only_the_cases_of_its_grids(people: People, found: Cases) -> None:
    assert set(listed(client_of(people.worker))) == {found.s3_rubbish.pk, found.s3_parking.pk}


def test_a_department_sees_only_the_cases_of_its_categories(people: People, found: Cases) -> None:
    mine = {found.s3_rubbish.pk, found.s1_rubbish.pk, found.blind.pk}
    assert set(listed(client_of(people.handler))) == mine


def test_a_user_without_an_account_sees_nothing(found: Cases) -> None:
    nobody = User.objects.create_user("nobody")
    assert listed(client_of(nobody)) == []


def test_filters_by_status_category_and_sub_district(
    world: World, people: People, found: Cases
) -> None:
    apply(found.s3_rubbish, "register", people.centre)
    centre = client_of(people.centre)
    assert listed(centre, status="registered") == [found.s3_rubbish.pk]
    assert found.s3_rubbish.pk not in listed(centre, status="reported")
    assert len(listed(centre, status="open")) == 4
    # A parent category takes in the categories under it.
    parent = world.categories["appearance"]
    assert found.s3_parking.pk not in listed(centre, category=str(parent.pk))
    assert len(listed(centre, category=str(parent.pk))) == 3
    s3 = str(world.subs["S3"].pk)
    assert set(listed(centre, subdistrict=s3)) == {found.s3_rubbish.pk, found.s3_parking.pk}


def test_filters_by_zone_code_of_any_layer_and_by_owner_name(
    world: World, people: People, found: Cases
) -> None:
    centre = client_of(people.centre)
    assert listed(centre, zone=grid_code(found.s3_rubbish)) == [found.s3_rubbish.pk]
    assert set(listed(centre, zone="S3")) == {found.s3_rubbish.pk, found.s3_parking.pk}
    assert listed(centre, owner="网格员S1") == [found.s1_rubbish.pk]
    # Owners higher up the receipt count too: the sector lead of 朝阳门.
    assert set(listed(centre, owner="板块长S3")) == {found.s3_rubbish.pk, found.s3_parking.pk}


def test_filters_overdue_cases_and_a_date_range(people: People, found: Cases) -> None:
    Issue.objects.filter(pk=found.s1_rubbish.pk).update(
        status="dispatched", due_at=timezone.now() - dt.timedelta(hours=1)
    )
    Issue.objects.filter(pk=found.blind.pk).update(
        status="closed", due_at=timezone.now() - dt.timedelta(hours=1)
    )
    centre = client_of(people.centre)
    assert listed(centre, overdue="on") == [found.s1_rubbish.pk]
    span = {"reported_after": "2026-03-03", "reported_before": "2026-03-04"}
    assert listed(centre, **span) == [found.s1_rubbish.pk, found.s3_parking.pk]


def test_overdue_due_dates_are_shown_in_red(people: People, found: Cases) -> None:
    Issue.objects.filter(pk=found.s1_rubbish.pk).update(
        status="dispatched", due_at=timezone.now() - dt.timedelta(hours=1)
    )
    response = client_of(people.centre).get("/issues/")
    overdue = [row for row in response.context["rows"] if row.overdue]
    assert [row.issue.pk for row in overdue] == [found.s1_rubbish.pk]
    assert 'class="time overdue"' in response.text


def test_rows_show_sub_district_unit_grid_owner_department_and_flags(
    people: People, found: Cases
) -> None:
    response = client_of(people.centre).get("/issues/")
    rows = {row.issue.pk: row for row in response.context["rows"]}
    s3 = rows[found.s3_rubbish.pk]
    assert s3.subdistrict is not None and s3.subdistrict.name == "朝阳门街道"
    assert s3.grid_code == grid_code(found.s3_rubbish)
    assert s3.issue.owner.name == "网格员S3"
    assert s3.issue.department.name == "城管执法局"
    assert rows[found.blind.pk].issue.in_blind_spot
    assert '<span class="badge flag" title="属地兜底">盲区</span>' in response.text
    assert number(found.s3_rubbish) in response.text


def test_sorting_by_due_date_puts_cases_without_one_last(people: People, found: Cases) -> None:
    soon, later = timezone.now() + dt.timedelta(hours=1), timezone.now() + dt.timedelta(days=1)
    Issue.objects.filter(pk=found.s3_parking.pk).update(due_at=later)
    Issue.objects.filter(pk=found.s1_rubbish.pk).update(due_at=soon)
    centre = client_of(people.centre)
    assert listed(centre, sort="due")[:2] == [found.s1_rubbish.pk, found.s3_parking.pk]
    assert listed(centre, sort="-due")[:2] == [found.s3_parking.pk, found.s1_rubbish.pk]
    assert listed(centre, sort="reported")[0] == found.s3_rubbish.pk


def test_the_list_shows_fifty_cases_a_page(world: World) -> None:
    for k in range(51):
        receive(*spot(world, k % 5), world.categories["parking"], now=at(2026, 3, 2, 9))
    viewer = User.objects.create_user("viewer")
    Account.objects.create(user=viewer, role=AccountRole.VIEWER)
    client = client_of(viewer)
    assert len(listed(client)) == 50
    assert len(listed(client, page="2")) == 1
    assert "下一页 →" in client.get("/issues/").text
