"""The editor's page and JSON endpoints: wiring, formats, permissions and the 409 message."""

from __future__ import annotations

import json
from typing import Any

import pytest
import shapely
from django.conf import settings
from django.test import Client
from shapely.geometry import mapping

from gridmgr.models import Ownership, Plan, Zone
from tests.gridmgr.editor_cases import (
    Editors,
    across,
    client_of,
    draft_cells,
    neighbour,
)
from tests.world import World, shape

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def features(client: Client, plan: Plan, world: World, *around: Zone) -> dict[int, dict]:
    minx, miny, maxx, maxy = shapely.union_all([shape(z.geom) for z in around]).bounds
    url = f"/editor/plans/{plan.pk}/layers/{world.grid.pk}.geojson?bbox={minx},{miny},{maxx},{maxy}"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return {f["id"]: f for f in response.json()["features"]}


def test_the_page_needs_a_login_and_shows_the_plan(
    world: World, editors: Editors, draft: Plan
) -> None:
    url = f"/editor/?plan={draft.pk}&layer={world.grid.pk}"
    assert Client().get(url).status_code == 302
    page = client_of(editors.centre).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert draft.name in html and "leaflet-geoman" in html and 'id="editor-config"' in html
    assert "基于当前方案新建草稿" in html and "new draft from the active plan" not in html.lower()


def test_the_scripts_load_the_catalogue_and_l10n_before_the_editor(
    world: World, editors: Editors, draft: Plan
) -> None:
    """editor.js calls gettext and gmL10n as it starts: /jsi18n/ and l10n.js come first."""
    url = f"/editor/?plan={draft.pk}&layer={world.grid.pk}"
    client = client_of(editors.centre)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language the user chose
    html = client.get(url).content.decode()
    order = ["leaflet-geoman.min.js", "/jsi18n/?v=en", "l10n.js", "editor-geoman.js", "editor.js"]
    places = [html.index(name) for name in order]
    assert places == sorted(places)
    assert "New draft from the active plan" in html


def test_without_a_plan_the_page_lists_the_drafts(editors: Editors, draft: Plan) -> None:
    html = client_of(editors.centre).get("/editor/").content.decode()
    assert f"?plan={draft.pk}" in html


def test_the_new_draft_button_copies_the_active_plan(world: World, editors: Editors) -> None:
    response = post(
        client_of(editors.centre), "/editor/drafts", {"name": "按钮草稿", "layers": [world.grid.pk]}
    )
    assert response.status_code == 201
    plan = Plan.objects.get(name="按钮草稿")
    assert response.json()["url"] == f"/editor/?plan={plan.pk}&layer={world.grid.pk}"
    assert plan.zones.count() == Zone.objects.active().filter(layer=world.grid).count()
    refused = post(client_of(editors.lead_s3), "/editor/drafts", {"name": "x", "layers": [1]})
    assert refused.status_code == 403


def test_zones_come_at_full_precision_with_an_editable_flag_per_user(
    world: World, editors: Editors, draft: Plan
) -> None:
    s3 = draft_cells(world, draft, "S3")[0]
    s2 = min(draft_cells(world, draft, "S2"), key=lambda z: shape(z.geom).distance(shape(s3.geom)))
    got = features(client_of(editors.centre), draft, world, s3, s2)
    assert got[s3.pk]["properties"]["editable"] and got[s2.pk]["properties"]["editable"]
    stored = shape(s3.geom)
    assert shapely.geometry.shape(got[s3.pk]["geometry"]).equals_exact(stored, 0)
    props = got[s3.pk]["properties"]
    assert props["version"] == 1 and props["owners"][0]["name"] == "网格员S3"
    lead = features(client_of(editors.lead_s3), draft, world, s3, s2)
    assert lead[s3.pk]["properties"]["editable"] is True
    assert lead[s2.pk]["properties"]["editable"] is False
    worker = features(client_of(editors.worker_s3), draft, world, s3, s2)
    assert not any(f["properties"]["editable"] for f in worker.values())


def test_a_drawn_zone_gets_a_fresh_code(world: World, editors: Editors, draft: Plan) -> None:
    url = f"/editor/plans/{draft.pk}/layers/{world.grid.pk}/zones"
    response = post(client_of(editors.centre), url, {"geometry": mapping(world.gap)})
    assert response.status_code == 201, response.json()
    got = response.json()
    assert got["code"].startswith(world.gap_code[:12]) and got["code"] != world.gap_code
    assert got["version"] == 1 and Zone.objects.get(pk=got["id"]).plan == draft


def test_a_stale_cut_is_refused_with_the_bilingual_message(
    world: World, editors: Editors, draft: Plan
) -> None:
    zone = draft_cells(world, draft, "S3")[2]
    hole = mapping(shape(zone.geom).centroid.buffer(0.0002))
    client = client_of(editors.centre)
    ok = post(client, f"/editor/zones/{zone.pk}/cut", {"geometry": hole, "version": 1})
    assert ok.status_code == 200 and ok.json()["zone"]["version"] == 2
    stale = post(client, f"/editor/zones/{zone.pk}/cut", {"geometry": hole, "version": 1})
    assert stale.status_code == 409
    body = stale.json()
    assert (
        body["stale"]
        == "该区域已被他人修改，请刷新后重试 / this zone was changed by someone else: reload and try again"
    )
    assert body["current_version"] == 2 and "reload" in body["en"]


def test_split_and_merge_endpoints(world: World, editors: Editors, draft: Plan) -> None:
    client = client_of(editors.centre)
    cells = draft_cells(world, draft, "S3")
    zone = cells[8]
    split = post(
        client, f"/editor/zones/{zone.pk}/split", {"geometry": mapping(across(zone)), "version": 1}
    )
    assert split.status_code == 200, split.json()
    kept, new = split.json()["kept"], split.json()["new"]
    body = {
        "keep": kept["id"],
        "keep_version": kept["version"],
        "other": new["id"],
        "other_version": 1,
    }
    merged = post(client, "/editor/zones/merge", body)
    assert merged.status_code == 200, merged.json()
    assert merged.json()["zone"]["code"] == zone.code
    back = shape(Zone.objects.get(pk=zone.pk).geom)
    assert shapely.symmetric_difference(back, shape(zone.geom)).area < 1e-15


def test_a_sector_lead_is_refused_outside_its_sector(
    world: World, editors: Editors, draft: Plan
) -> None:
    lead = client_of(editors.lead_s3)
    theirs = draft_cells(world, draft, "S1")[3]
    other = neighbour(draft_cells(world, draft, "S1"), theirs)
    body = {"geometry": mapping(across(theirs)), "version": 1}
    assert post(lead, f"/editor/zones/{theirs.pk}/split", body).status_code == 403
    merge = {"keep": theirs.pk, "keep_version": 1, "other": other.pk, "other_version": 1}
    assert post(lead, "/editor/zones/merge", merge).status_code == 403
    owners = {"zones": [[theirs.pk, 1]], "new": {"name": "甲"}, "role": "grid_worker"}
    refused = post(lead, "/editor/owners", owners)
    assert refused.status_code == 403 and "sector" in refused.json()["en"]
    patch = {
        "type": "Feature",
        "geometry": mapping(shape(theirs.geom)),
        "properties": {"version": 1},
    }
    api = lead.patch(f"/api/zones/{theirs.pk}/", json.dumps(patch), content_type="application/json")
    assert api.status_code == 403


def test_the_owner_endpoint_assigns_many_zones_at_once(
    world: World, editors: Editors, draft: Plan
) -> None:
    zones = draft_cells(world, draft, "S3")[:4]
    body = {
        "zones": [[z.pk, z.version] for z in zones],
        "owner": world.owners["网格员S1"].pk,
        "role": "grid_worker",
        "valid_from": "2027-01-01",
    }
    response = post(client_of(editors.lead_s3), "/editor/owners", body)
    assert response.status_code == 200, response.json()
    assert [z["version"] for z in response.json()["zones"]] == [2, 2, 2, 2]
    assert Ownership.objects.filter(zone__in=zones, owner=world.owners["网格员S1"]).count() == 4
    again = post(client_of(editors.centre), "/editor/owners", body)
    assert again.status_code == 409 and "stale" in again.json()


def test_the_preview_lists_blind_spots_overlaps_and_moves(
    world: World, editors: Editors, draft: Plan
) -> None:
    url = f"/editor/plans/{draft.pk}/layers/{world.grid.pk}/preview"
    response = client_of(editors.centre).get(url)
    assert response.status_code == 200
    got = response.json()
    assert got["coverage"]["blind"] and got["coverage"]["overlaps"]
    assert got["coverage"]["blind"][0]["geometry"]["type"] == "MultiPolygon"
    assert got["moves"]["plan"] == draft.name
    assert client_of(editors.worker_s3).get(url).status_code == 403
