"""Owners and ownerships through the API: read by all, written by the centre, checked."""

from __future__ import annotations

import pytest

from gridmgr.models import Owner, Ownership
from tests.gridmgr.api_client import Clients, cell, make_clients, url
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def api(world: World) -> Clients:
    return make_clients(world)


def test_the_centre_adds_changes_and_removes_an_unused_owner(api: Clients) -> None:
    created = api.centre.post(url("owner-list"), {"name": "王五", "phone": "123"}, "json")
    assert created.status_code == 201
    pk = created.json()["id"]
    changed = api.centre.patch(url("owner-detail", pk), {"organisation": "东四街道"}, "json")
    assert changed.status_code == 200 and changed.json()["organisation"] == "东四街道"
    assert api.centre.delete(url("owner-detail", pk)).status_code == 204
    assert not Owner.objects.filter(pk=pk).exists()


def test_an_owner_still_in_charge_is_not_deleted(world: World, api: Clients) -> None:
    response = api.centre.delete(url("owner-detail", world.owners["网格员S1"].pk))
    assert response.status_code == 409
    assert "still in use" in response.json()["en"]


def test_an_owner_with_a_bad_email_or_unknown_field_is_refused(api: Clients) -> None:
    assert (
        api.centre.post(url("owner-list"), {"name": "x", "email": "no"}, "json").status_code == 400
    )
    response = api.centre.post(url("owner-list"), {"name": "x", "wechat": "x"}, "json")
    assert response.status_code == 400 and "wechat" in response.json()


def test_an_ownership_names_either_a_zone_or_a_region(world: World, api: Clients) -> None:
    owner = world.owners["网格员S1"].pk
    both = {"owner": owner, "zone": cell(world, "S1").pk, "region": "110101", "role": "grid_leader"}
    assert api.centre.post(url("ownership-list"), both, "json").status_code == 400
    neither = {"owner": owner, "role": "grid_leader"}
    assert api.centre.post(url("ownership-list"), neither, "json").status_code == 400
    region = {"owner": owner, "region": world.subs["S1"].code, "role": "territorial"}
    created = api.centre.post(url("ownership-list"), region, "json")
    assert created.status_code == 201 and created.json()["region"] == world.subs["S1"].code


def test_an_ownership_cannot_end_before_it_starts(world: World, api: Clients) -> None:
    duty = {
        "owner": world.owners["网格员S1"].pk,
        "zone": cell(world, "S1").pk,
        "role": "grid_leader",
        "valid_from": "2026-05-01",
        "valid_to": "2026-04-01",
    }
    response = api.centre.post(url("ownership-list"), duty, "json")
    assert response.status_code == 400 and "valid_to" in response.json()


def test_ownerships_answer_who_owned_a_place_on_a_day(world: World, api: Clients) -> None:
    zone = cell(world, "S1")
    Ownership.objects.filter(zone=zone).update(valid_to="2025-12-31")
    newcomer = Owner.objects.create(name="新网格员")
    Ownership.objects.create(owner=newcomer, zone=zone, role="grid_worker", valid_from="2026-01-01")

    def owners_on(day: str) -> list[str]:
        page = api.viewer.get(url("ownership-list"), {"zone": zone.pk, "on": day}).json()
        return [row["owner_name"] for row in page["results"]]

    assert owners_on("2025-06-01") == ["网格员S1"]
    assert owners_on("2026-06-01") == ["新网格员"]
