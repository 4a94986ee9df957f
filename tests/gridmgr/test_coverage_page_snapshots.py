"""The snapshot button: the command centre only; the change since the snapshot shows after it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from gridmgr.models import CoverageSnapshot
from tests.gridmgr.coverage_page_client import PAGE, SNAPSHOT, fresh_cache, logged_in
from tests.loop import People
from tests.world import World, full_cells

pytestmark = [pytest.mark.world_per_module, pytest.mark.usefixtures(fresh_cache.__name__)]


def card(html: str, layer: str) -> str:
    """The summary card of a layer."""
    return html.split(f'data-layer="{layer}"')[1].split('class="card"')[0].split("</section>")[0]


def test_only_the_command_centre_sees_the_snapshot_button(world: World, people: People) -> None:
    assert 'id="save-snapshot"' in logged_in(people.centre).get(PAGE).content.decode()
    for user in (people.worker, people.inspector, people.lead, people.handler):
        assert 'id="save-snapshot"' not in logged_in(user).get(PAGE).content.decode()


@pytest.mark.parametrize("role", ["worker", "inspector", "lead", "handler"])
def test_other_roles_cannot_store_a_snapshot(world: World, people: People, role: str) -> None:
    client = logged_in(getattr(people, role))
    response = client.post(SNAPSHOT, {"region": world.district.code})
    assert response.status_code == 403
    assert "指挥中心" in response.content.decode()
    assert not CoverageSnapshot.objects.exists()


def test_the_centre_stores_a_snapshot_of_each_layer_shown(world: World, people: People) -> None:
    client = logged_in(people.centre)
    response = client.post(SNAPSHOT, {"region": world.district.code, "layer": ""})
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?region={world.district.code}"
    snaps = CoverageSnapshot.objects.order_by("layer__rank")
    assert [(s.region, s.layer) for s in snaps] == [
        (world.district, world.sector),
        (world.district, world.grid),
    ]
    html = client.get(response["Location"]).content.decode()
    assert "已保存 2 个快照" in html
    grid = card(html, world.grid.name)
    assert "较上次快照" in grid and "尚无快照" not in grid
    assert '<span class="delta same" title="较上次快照">＝ +0.000</span>' in grid


def test_a_superuser_acts_as_the_centre(world: World) -> None:
    client = logged_in(User.objects.create_superuser("admin2", password="x-secret-9"))
    layer = world.grid.name
    response = client.post(SNAPSHOT, {"region": world.subs["S2"].code, "layer": layer})
    assert response.status_code == 302
    assert CoverageSnapshot.objects.get().region == world.subs["S2"]


def test_the_change_since_the_snapshot_shows_with_arrows(world: World, people: People) -> None:
    client = logged_in(people.centre)
    client.post(SNAPSHOT, {"region": world.district.code, "layer": world.grid.name})
    retired = full_cells(world.subs["S3"], world.grid)[0]
    retired.delete()
    html = client.get(PAGE, {"layer": world.grid.name}).content.decode()
    grid = card(html, world.grid.name)
    taken = timezone.localtime(CoverageSnapshot.objects.get().taken_at)
    assert f"较上次快照 {taken:%Y-%m-%d %H:%M}" in grid
    blind = re.search(r'<span class="delta bad">↑ \+([\d,.]+)</span>', grid)  # blind m²
    assert blind and float(blind.group(1).replace(",", "")) == pytest.approx(
        retired.area_m2, rel=1e-3
    )
    assert '<span class="delta bad">↑ +1</span>' in grid  # one more blind spot
    assert 'class="delta bad" title="较上次快照">↓ -' in grid  # coverage
    assert '<span class="delta same">＝ +0.0</span>' in grid  # overlap m² unchanged
