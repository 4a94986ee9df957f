"""A draft from the active plan copies the layer's active zones and their current owners."""

from __future__ import annotations

import datetime as dt

import pytest

from gridmgr.editor.drafts import draft_from_active
from gridmgr.errors import PlanError
from gridmgr.models import Ownership, Plan, Zone
from gridmgr.territory.zone_edits import ZoneAccessError
from tests.gridmgr.editor_cases import Editors, grid_draft
from tests.world import World, own

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def test_the_draft_holds_a_copy_of_every_active_zone_of_the_layer(
    world: World, editors: Editors
) -> None:
    plan = grid_draft(world, editors)
    assert plan.status == Plan.Status.DRAFT
    active = Zone.objects.active().filter(layer=world.grid)
    copies = Zone.objects.filter(plan=plan)
    assert copies.count() == active.count() > 100
    assert not copies.filter(active=True).exists()
    original = active.get(code=world.overlap.code)
    copy = copies.get(code=world.overlap.code)
    assert copy.pk != original.pk
    assert copy.geom.equals_exact(original.geom, 0)
    assert (copy.name, copy.area_m2, copy.region_id, copy.version) == (
        original.name,
        original.area_m2,
        original.region_id,
        1,
    )


def test_the_draft_copies_the_current_ownerships_and_leaves_ended_ones(
    world: World, editors: Editors
) -> None:
    zone = Zone.objects.active().get(code=world.overlap.code)
    own(world.owners["网格员S1"], "grid_leader", zone=zone, until=dt.date(2021, 1, 1))
    plan = grid_draft(world, editors)
    copy = Zone.objects.get(plan=plan, code=zone.code)
    held = list(Ownership.objects.filter(zone=copy).values_list("owner__name", "role"))
    assert held == [("重叠区网格员", "grid_worker")]
    total_current = Ownership.objects.current().filter(zone__active=True, zone__layer=world.grid)
    assert Ownership.objects.filter(zone__plan=plan).count() == total_current.count()


def test_copied_children_point_at_their_copied_parents_or_the_active_ones(
    world: World, editors: Editors
) -> None:
    both = draft_from_active("两层草稿", [world.sector, world.grid], editors.centre)
    child = Zone.objects.filter(plan=both, layer=world.grid).exclude(parent=None).first()
    assert child is not None and child.parent is not None and child.parent.plan_id == both.pk
    only_grid = grid_draft(world, editors)
    child = Zone.objects.filter(plan=only_grid, layer=world.grid).exclude(parent=None).first()
    assert child is not None and child.parent is not None and child.parent.active


def test_the_active_plan_is_left_untouched(world: World, editors: Editors) -> None:
    before = list(Zone.objects.active().values_list("id", "version").order_by("id"))
    grid_draft(world, editors)
    assert list(Zone.objects.active().values_list("id", "version").order_by("id")) == before


def test_only_the_centre_starts_a_draft(world: World, editors: Editors) -> None:
    with pytest.raises(ZoneAccessError):
        draft_from_active("板块草稿", [world.grid], editors.lead_s3)
    assert not Plan.objects.filter(name="板块草稿").exists()


def test_a_plan_name_is_used_once(world: World, editors: Editors) -> None:
    grid_draft(world, editors, "同名")
    with pytest.raises(PlanError, match="already exists"):
        grid_draft(world, editors, "同名")
