"""The editor's search box: grid code, zone name, owner name or "lon,lat", among the zones the
editor shows for its plan (a zone drawn in the draft only is found too), each with a box to go to."""

from __future__ import annotations

import pytest
from django.test import Client

from gridmgr.access import account_of
from gridmgr.editor import drafts as editor
from gridmgr.models import Plan
from tests.gridmgr.editor_cases import Editors, client_of, draft_cells
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def search(editors: Editors, plan: Plan, q: str) -> list[dict]:
    response = client_of(editors.lead_s3).get(f"/editor/plans/{plan.pk}/search", {"q": q})
    assert response.status_code == 200
    results: list[dict] = response.json()["results"]
    return results


def test_a_grid_code_finds_the_drafts_zone_with_its_box(
    world: World, editors: Editors, draft: Plan
) -> None:
    cell = draft_cells(world, draft, "S3")[4]
    (found,) = [r for r in search(editors, draft, cell.code) if r["kind"] == "zone"]
    assert (found["id"], found["layer_id"]) == (cell.pk, world.grid.pk)
    assert found["bbox"] == [round(v, 6) for v in cell.geom.extent]


def test_a_zone_drawn_in_the_draft_and_an_owner_are_found(
    world: World, editors: Editors, draft: Plan
) -> None:
    drawn = editor.draw_zone(account_of(editors.centre), draft, world.grid, world.gap)
    assert [r["id"] for r in search(editors, draft, drawn.code)] == [drawn.pk]
    owned = search(editors, draft, "网格员S3")
    assert owned and all(r["match"] == "owner" for r in owned)
    assert {r["id"] for r in owned} <= set(draft.zones.values_list("id", flat=True))


@pytest.mark.parametrize("separator", [",", "，", " "])
def test_lon_lat_gives_the_point_then_the_zones_covering_it(
    world: World, editors: Editors, draft: Plan, separator: str
) -> None:
    cell = draft_cells(world, draft, "S1")[2]
    lon, lat = world.inside(cell)
    results = search(editors, draft, f"{lon:.6f}{separator}{lat:.6f}")
    assert results[0]["kind"] == "point"
    assert cell.pk in [r["id"] for r in results[1:]]


def test_nothing_and_nonsense_find_nothing(world: World, editors: Editors, draft: Plan) -> None:
    assert Client().get(f"/editor/plans/{draft.pk}/search", {"q": "S3"}).status_code == 302
    assert search(editors, draft, "") == []
    assert search(editors, draft, "没有这个网格") == []
    assert search(editors, draft, "999,999") == []
