"""The side panel of a zone after a redraw: its unit's cases and history under every plan."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from gridmgr.casework.report import report_issue
from gridmgr.models import Issue, Zone
from tests.gridmgr.editor_cases import Editors, client_of
from tests.gridmgr.redraw_cases import redraw
from tests.world import World, full_cells


def panel(client: Client, zone: Zone) -> dict[str, Any]:
    response = client.get(f"/map/zones/{zone.pk}/panel")
    assert response.status_code == 200
    return json.loads(response.content)


def test_panel_of_a_kept_code_counts_the_cases_of_its_earlier_versions(
    world: World, editors: Editors
) -> None:
    cell = full_cells(world.subs["S3"], world.grid)[3]
    spot = world.inside(cell)
    closed = report_issue(*spot, world.categories["rubbish"])
    Issue.objects.filter(pk=closed.pk).update(status=Issue.Status.CLOSED)
    open_one = report_issue(*spot, world.categories["parking"])
    plan = redraw(world, editors.centre, world.grid)
    now = Zone.objects.get(plan=plan, layer=world.grid, code=cell.code)
    data = panel(client_of(editors.centre), now)
    assert (data["issues"]["open"], data["issues"]["total"]) == (1, 2)
    assert data["lineage"] == ""
    # Its cases are named by their number, as on the list (a patrol report: its day number).
    assert [i["tracking"] for i in data["issues"]["latest"]] == [open_one.reference]
    history = data["history"]
    plans = {e["plan"] for e in history if e["kind"] in ("activated", "retired")}
    assert plans == {world.plan.name, plan.name}
    owners = [e["owner"] for e in history if e["kind"] == "owner_from"]
    assert owners == ["网格员S3"]  # copied to the new plan, shown once
    # The earlier version's panel shows the same unit.
    assert panel(client_of(editors.centre), cell)["issues"]["total"] == 2


def test_panel_of_a_split_off_piece_says_where_it_came_from(world: World, editors: Editors) -> None:
    redraw(world, editors.centre, world.sector, split=("S1", 0.5))
    piece = Zone.objects.filter(layer=world.sector, active=True).order_by("-id")[0]
    client = client_of(editors.centre)
    assert panel(client, piece)["lineage"] == "新设，原属 S1"
    client.cookies["django_language"] = "en"
    assert panel(client, piece)["lineage"] == "new, formerly part of S1"
    s1 = Zone.objects.active().get(layer=world.sector, code="S1")
    assert panel(client, s1)["lineage"] == f"part now in {piece.code}"
