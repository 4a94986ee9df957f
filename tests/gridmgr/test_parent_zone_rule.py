"""A zone's parent, one rule for generated and imported zones (territory.grids.link_parents) and
drawn ones (editor.drafts.parent_for): the parent-layer zone covering the zone's inner point,
the plan's own before an active one, then the smallest, then the lowest code."""

from __future__ import annotations

from gridmgr.editor.drafts import parent_for
from gridmgr.models import Plan, Zone
from gridmgr.territory.grids import link_parents
from tests.world import World, shape, square_zone


def parents(world: World, plan: Plan, child: Zone) -> tuple[Zone | None, Zone | None]:
    """The parent as link_parents sets it and as parent_for finds it."""
    link_parents(plan, world.grid)
    child.refresh_from_db()
    return child.parent, parent_for(plan, world.grid, shape(child.geom))


def centre_of_s1(world: World) -> tuple[float, float]:
    sector = Zone.objects.get(active=True, layer=world.sector, code="S1")
    point = shape(sector.geom).point_on_surface()
    return point.x, point.y


def test_with_no_parent_zone_in_the_plan_the_active_one_is_the_parent(world: World) -> None:
    draft = Plan.objects.create(name="草稿")
    child = square_zone(draft, world.grid, "C1", centre_of_s1(world), 50.0)
    active = Zone.objects.get(active=True, layer=world.sector, code="S1")
    assert parents(world, draft, child) == (active, active)


def test_the_plans_own_parent_zone_beats_a_smaller_active_one(world: World) -> None:
    draft = Plan.objects.create(name="草稿")
    mine = square_zone(draft, world.sector, "S9", centre_of_s1(world), 5000.0)
    child = square_zone(draft, world.grid, "C1", centre_of_s1(world), 50.0)
    assert parents(world, draft, child) == (mine, mine)


def test_among_the_plans_zones_the_smallest_then_the_lowest_code_wins(world: World) -> None:
    draft = Plan.objects.create(name="草稿")
    at = centre_of_s1(world)
    square_zone(draft, world.sector, "S8", at, 800.0)
    square_zone(draft, world.sector, "S6", at, 300.0)
    lowest = square_zone(draft, world.sector, "S5", at, 300.0)
    child = square_zone(draft, world.grid, "C1", at, 50.0)
    assert parents(world, draft, child) == (lowest, lowest)
