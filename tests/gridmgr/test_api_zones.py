"""Zone edits through the API: draft plans only, sector leads in their sector, no lost update."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from gridmgr.models import Plan, Zone
from tests.gridmgr.api_client import (
    Clients,
    cell,
    draft_with_zones,
    login,
    make_clients,
    square,
    url,
)
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def api(world: World) -> Clients:
    return make_clients(world)


@pytest.fixture
def draft(world: World) -> tuple[Plan, Zone, Zone]:
    return draft_with_zones(world)


def feature(plan: Plan, world: World, code: str, geometry: dict, **props: Any) -> dict:
    properties = {"plan": plan.pk, "layer": world.grid.pk, "code": code, "name": code, **props}
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def centre_of(zone: Zone) -> tuple[float, float]:
    c = zone.geom.point_on_surface
    return c.x, c.y


def test_the_centre_adds_a_zone_to_a_draft_plan(world: World, api: Clients, draft: Any) -> None:
    plan, d1, _ = draft
    body = feature(plan, world, "N1", square(*world.inside(cell(world, "S3", 2))))
    response = api.centre.post(url("zone-list"), body, format="json")
    assert response.status_code == 201, response.json()
    got = response.json()
    assert got["type"] == "Feature" and got["geometry"]["type"] == "MultiPolygon"
    props = got["properties"]
    assert props["version"] == 1 and props["active"] is False
    assert props["region"] == world.subs["S3"].code
    assert 4000 < props["area_m2"] < 8000  # 0.0008° × 0.0008° near 40° N
    assert Zone.objects.get(pk=got["id"]).plan == plan


def test_a_version_sent_with_a_new_zone_is_ignored(world: World, api: Clients, draft: Any) -> None:
    plan, _, _ = draft
    body = feature(plan, world, "N4", square(*world.inside(cell(world, "S3", 2))), version=9)
    response = api.centre.post(url("zone-list"), body, format="json")
    assert response.status_code == 201
    assert response.json()["properties"]["version"] == 1


def test_flat_fields_are_accepted_as_well_as_a_feature(
    world: World, api: Clients, draft: Any
) -> None:
    plan, _, _ = draft
    geom = square(*world.inside(cell(world, "S3", 2)))
    body = {"plan": plan.pk, "layer": world.grid.pk, "code": "N2", "name": "N2", "geom": geom}
    assert api.centre.post(url("zone-list"), body, format="json").status_code == 201


def test_zones_of_an_active_plan_cannot_be_edited(world: World, api: Clients) -> None:
    body = feature(world.plan, world, "N3", square(*world.inside(cell(world, "S3", 2))))
    response = api.centre.post(url("zone-list"), body, format="json")
    assert response.status_code == 409
    assert "不是草稿" in response.json()["zh"] and "not a draft" in response.json()["en"]
    patch = {"name": "新名", "version": world.overlap.version}
    assert api.centre.patch(url("zone-detail", world.overlap.pk), patch, "json").status_code == 409
    assert api.centre.delete(url("zone-detail", world.overlap.pk)).status_code == 409


def test_an_update_based_on_the_current_version_goes_through(api: Clients, draft: Any) -> None:
    _, d1, _ = draft
    response = api.centre.patch(url("zone-detail", d1.pk), {"name": "新名", "version": 1}, "json")
    assert response.status_code == 200, response.json()
    assert response.json()["properties"]["version"] == 2
    d1.refresh_from_db()
    assert (d1.name, d1.version) == ("新名", 2)


def test_a_stale_version_is_refused_with_409_and_nothing_is_overwritten(
    api: Clients, draft: Any
) -> None:
    _, d1, _ = draft
    first = api.centre.patch(url("zone-detail", d1.pk), {"name": "甲", "version": 1}, "json")
    assert first.status_code == 200
    late = api.centre.patch(url("zone-detail", d1.pk), {"name": "乙", "version": 1}, "json")
    assert late.status_code == 409
    body = late.json()
    assert body["current_version"] == 2
    assert "已被他人修改" in body["zh"] and "changed by someone else" in body["en"]
    d1.refresh_from_db()
    assert (d1.name, d1.version) == ("甲", 2)


def test_an_update_without_a_version_is_refused(api: Clients, draft: Any) -> None:
    _, d1, _ = draft
    response = api.centre.patch(url("zone-detail", d1.pk), {"name": "甲"}, "json")
    assert response.status_code == 400 and "version" in response.json()


def test_a_full_update_moves_the_zone_and_measures_it_again(
    world: World, api: Clients, draft: Any
) -> None:
    plan, d1, _ = draft
    body = feature(plan, world, "D1", square(*world.inside(cell(world, "S1", 6)), 0.0002))
    body["properties"]["version"] = 1
    response = api.centre.put(url("zone-detail", d1.pk), body, format="json")
    assert response.status_code == 200, response.json()
    d1.refresh_from_db()
    assert 1000 < d1.area_m2 < 2000 and d1.version == 2


def test_a_sector_lead_edits_draft_zones_inside_its_own_sector(
    world: World, api: Clients, draft: Any
) -> None:
    plan, d1, d2 = draft
    ok = api.lead_s1.patch(url("zone-detail", d1.pk), {"name": "景山一", "version": 1}, "json")
    assert ok.status_code == 200
    refused = api.lead_s1.patch(url("zone-detail", d2.pk), {"name": "东四", "version": 1}, "json")
    assert refused.status_code == 403
    assert "板块负责人只能编辑本板块内的区域" in refused.json()["zh"]
    inside = feature(plan, world, "L1", square(*world.inside(cell(world, "S1", 7))))
    assert api.lead_s1.post(url("zone-list"), inside, format="json").status_code == 201
    outside = feature(plan, world, "L2", square(*world.inside(cell(world, "S3", 7))))
    assert api.lead_s1.post(url("zone-list"), outside, format="json").status_code == 403
    assert api.lead_s1.delete(url("zone-detail", d2.pk)).status_code == 403


def test_a_sector_lead_cannot_move_a_zone_out_of_its_sector(
    world: World, api: Clients, draft: Any
) -> None:
    _, d1, _ = draft
    away = {"geom": square(*world.inside(cell(world, "S2", 7))), "version": 1}
    response = api.lead_s1.patch(url("zone-detail", d1.pk), away, format="json")
    assert response.status_code == 403
    d1.refresh_from_db()
    assert d1.version == 1


@pytest.mark.parametrize("role", ["worker_s3", "city", "inspector", "viewer"])
def test_other_roles_do_not_edit_zones(api: Clients, draft: Any, role: str) -> None:
    _, d1, _ = draft
    client = getattr(api, role)
    response = client.patch(url("zone-detail", d1.pk), {"name": "x", "version": 1}, "json")
    assert response.status_code == 403
    assert client.get(url("zone-detail", d1.pk)).status_code == 200


def test_a_code_used_twice_in_a_plan_and_layer_is_refused(
    world: World, api: Clients, draft: Any
) -> None:
    plan, _, _ = draft
    body = feature(plan, world, "D1", square(*world.inside(cell(world, "S3", 2))))
    response = api.centre.post(url("zone-list"), body, format="json")
    assert response.status_code == 400
    assert "already used" in response.json()["en"]


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [116.41, 39.93]},
        {
            "type": "Polygon",
            "coordinates": [
                [
                    [116.41, 39.93],
                    [116.42, 39.94],
                    [116.42, 39.93],
                    [116.41, 39.94],
                    [116.41, 39.93],
                ]
            ],
        },
        {"type": "Polygon", "coordinates": [[[200, 39.93], [201, 39.93], [201, 40], [200, 39.93]]]},
        {"type": "Polygon", "coordinates": [[["a", "b"]]]},
        {"type": "Polygon"},
        {"type": "Polygon", "coordinates": []},
        "POLYGON((116.41 39.93, 116.42 39.93, 116.42 39.94, 116.41 39.93))",
        None,
    ],
    ids=["point", "bow-tie", "out-of-range", "text-coords", "no-coords", "empty", "wkt", "null"],
)
def test_a_bad_geometry_is_refused(world: World, api: Clients, draft: Any, geometry: Any) -> None:
    plan, _, _ = draft
    body = feature(plan, world, "B1", geometry)
    response = api.centre.post(url("zone-list"), body, format="json")
    assert response.status_code == 400, response.content
    assert "geom" in response.json()


def test_unknown_members_and_properties_are_refused(world: World, api: Clients, draft: Any) -> None:
    plan, _, _ = draft
    body = feature(plan, world, "U1", square(*world.inside(cell(world, "S3", 2))), colour="red")
    response = api.centre.post(url("zone-list"), body, format="json")
    assert response.status_code == 400 and "colour" in response.json()
    body = feature(plan, world, "U1", square(*world.inside(cell(world, "S3", 2))))
    body["style"] = {}
    assert api.centre.post(url("zone-list"), body, format="json").status_code == 400
    body = {"type": "Feature", "geometry": None, "properties": "nope"}
    assert api.centre.post(url("zone-list"), body, format="json").status_code == 400


def test_a_draft_zone_is_deleted_unless_the_version_is_stale(api: Clients, draft: Any) -> None:
    _, d1, d2 = draft
    stale = api.centre.delete(url("zone-detail", d1.pk) + "?version=7")
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    assert api.centre.delete(url("zone-detail", d1.pk) + "?version=1").status_code == 204
    assert api.centre.delete(url("zone-detail", d2.pk)).status_code == 204
    assert not Zone.objects.filter(pk__in=[d1.pk, d2.pk]).exists()


def test_a_superuser_without_an_account_acts_as_the_centre(api: Clients, draft: Any) -> None:
    _, d1, _ = draft
    admin = login("admin")
    User.objects.filter(username="admin").update(is_superuser=True)
    response = admin.patch(url("zone-detail", d1.pk), {"name": "管理员改", "version": 1}, "json")
    assert response.status_code == 200
