"""A sector lead cannot hang a zone under another sector's zone, by any write that places it.

The parent a zone hangs under passes the same scope check as its outline: on PATCH and POST of
the API, for active and draft parents; the editor's owner assignment refuses such a zone too.
The command centre may still place zones anywhere.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gridmgr.models import Account, AccountRole, Plan, Zone
from tests.gridmgr.api_client import Clients, cell, draft_with_zones, make_clients, square, url
from tests.world import World

NOT_YOURS = "不在您负责的板块内"

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def api(world: World) -> Clients:
    return make_clients(world)


@pytest.fixture
def draft(world: World) -> tuple[Plan, Zone, Zone]:
    """A draft with a unit grid D1 inside S1 (sector lead 板块长S1) and D2 inside S2."""
    return draft_with_zones(world)


def sector_zone(world: World, code: str) -> Zone:
    return Zone.objects.get(plan=world.plan, layer=world.sector, code=code)


def patch(client: Any, zone: Zone, **props: Any) -> Any:
    body = {"type": "Feature", "properties": {"version": zone.version, **props}}
    return client.patch(url("zone-detail", zone.pk), body, format="json")


def test_a_sector_lead_cannot_hang_its_zone_under_another_sectors_zone(
    world: World, api: Clients, draft: Any
) -> None:
    _, d1, _ = draft
    response = patch(api.lead_s1, d1, parent=sector_zone(world, "S2").pk)
    assert response.status_code == 403, response.json()
    body = response.json()
    assert NOT_YOURS in body["zh"] and "outside your sector" in body["en"]
    d1.refresh_from_db()
    assert (d1.parent_id, d1.version) == (None, 1)


def test_a_sector_lead_may_hang_its_zone_under_its_own_sector(
    world: World, api: Clients, draft: Any
) -> None:
    _, d1, _ = draft
    response = patch(api.lead_s1, d1, parent=sector_zone(world, "S1").pk)
    assert response.status_code == 200, response.json()
    assert response.json()["properties"]["parent"] == sector_zone(world, "S1").pk


def test_the_centre_may_hang_a_zone_under_any_sector(
    world: World, api: Clients, draft: Any
) -> None:
    _, d1, _ = draft
    response = patch(api.centre, d1, parent=sector_zone(world, "S2").pk)
    assert response.status_code == 200, response.json()


def test_a_new_zone_under_another_sector_is_refused(world: World, api: Clients, draft: Any) -> None:
    plan, _, _ = draft
    geometry = square(*world.inside(cell(world, "S1", 7)))
    props = {"plan": plan.pk, "layer": world.grid.pk, "code": "L9", "name": "L9"}
    body = {"type": "Feature", "geometry": geometry, "properties": props}
    body["properties"]["parent"] = sector_zone(world, "S3").pk
    refused = api.lead_s1.post(url("zone-list"), body, format="json")
    assert refused.status_code == 403 and NOT_YOURS in refused.json()["zh"]
    assert not Zone.objects.filter(plan=plan, code="L9").exists()
    body["properties"]["parent"] = sector_zone(world, "S1").pk
    assert api.lead_s1.post(url("zone-list"), body, format="json").status_code == 201


def test_a_draft_parent_outside_the_sector_is_refused(
    world: World, api: Clients, draft: Any
) -> None:
    plan, d1, _ = draft
    s2 = sector_zone(world, "S2")
    copy = Zone.objects.create(
        plan=plan, layer=world.sector, code="S2", name="东四草稿", geom=s2.geom, area_m2=s2.area_m2
    )
    response = patch(api.lead_s1, d1, parent=copy.pk)
    assert response.status_code == 403 and NOT_YOURS in response.json()["zh"]


def test_a_zone_hung_under_another_sector_takes_no_owner_from_the_lead(
    world: World, draft: Any
) -> None:
    _, d1, _ = draft
    Zone.objects.filter(pk=d1.pk).update(parent=sector_zone(world, "S2"))
    user = User.objects.create_user("bankuai1-editor")
    Account.objects.create(user=user, role=AccountRole.SECTOR_LEAD, owner=world.owners["板块长S1"])
    lead = Client()
    lead.force_login(user)
    body = {"zones": [[d1.pk, 1]], "new": {"name": "甲"}, "role": "grid_worker"}
    response = lead.post("/editor/owners", json.dumps(body), content_type="application/json")
    assert response.status_code == 403, response.json()
    assert not d1.ownerships.exists()


def test_a_sector_lead_cannot_place_a_zone_in_a_layer_above_its_sector(
    world: World, api: Clients, draft: Any
) -> None:
    from gridmgr.models import Layer

    Layer.objects.filter(pk=world.grid.pk).update(rank=2)
    Layer.objects.filter(pk=world.sector.pk).update(rank=1)
    street = Layer.objects.create(name="街道片区", name_en="street area", rank=0)
    plan, _, _ = draft
    geometry = square(*world.inside(cell(world, "S1", 7)))
    props = {"plan": plan.pk, "layer": street.pk, "code": "T1", "name": "T1"}
    body = {"type": "Feature", "geometry": geometry, "properties": props}
    refused = api.lead_s1.post(url("zone-list"), body, format="json")
    assert refused.status_code == 403 and "above its sector" in refused.json()["en"]
    assert "图层在板块之上" in refused.json()["zh"]
    assert api.centre.post(url("zone-list"), body, format="json").status_code == 201
