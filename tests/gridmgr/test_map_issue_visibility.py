"""The map's issue layer shows each role exactly the issues it may see."""

from __future__ import annotations

import pytest
from django.test import Client

from gridmgr.access import visible_issues
from gridmgr.casework.loop import receive
from gridmgr.models import Category
from tests.loop import People, spot
from tests.world import World, full_cells

pytestmark = pytest.mark.django_db


def test_grid_worker_sees_only_own_zones_issues_on_the_map(world: World, people: People) -> None:
    category = Category.objects.get(code="0101")
    for k in range(3):
        receive(*spot(world, k), category, description=f"mine #{k}")
    elsewhere = world.inside(full_cells(world.subs["S1"], world.grid)[0])
    receive(*elsewhere, category, description="not mine")
    client = Client()
    client.force_login(people.worker)
    response = client.get("/map/issues.geojson?status=all")
    assert response.status_code == 200
    shown = {f["id"] for f in response.json()["features"]}
    assert shown == set(visible_issues(people.worker).values_list("pk", flat=True))
    assert len(shown) == 3
