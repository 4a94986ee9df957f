"""Who owned a spot on a past date stays answerable: zones by activation period, dated owners."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from gridmgr.models import Ownership, Plan, PlanActivation, Zone
from gridmgr.territory.plans import activate_plan
from tests.world import World, full_cells, make_owner, own, square_zone

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def on(day: str) -> dt.datetime:
    """Noon local time of an ISO date."""
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=12))


def history(world: World) -> tuple[Zone, Zone, Point]:
    """Plan 2025 (one big grid zone) from 2025-01-01 to 2026-02-01, then the world's plan."""
    cell = full_cells(world.subs["S3"], world.grid)[0]
    lon, lat = world.inside(cell)
    old_plan = Plan.objects.create(name="2025 方案", status=Plan.Status.RETIRED)
    old = square_zone(old_plan, world.grid, "OLD1", (lon, lat), 400.0)
    PlanActivation.objects.create(
        plan=old_plan, layer=world.grid, started_at=on("2025-01-01"), ended_at=on("2026-02-01")
    )
    PlanActivation.objects.filter(plan=world.plan, layer=world.grid).update(
        started_at=on("2026-02-01")
    )
    return old, cell, Point(lon, lat, srid=4326)


def test_zone_at_a_date_is_the_zone_of_the_plan_active_then(world: World) -> None:
    old, cell, spot = history(world)
    grid = Zone.objects.filter(layer=world.grid)
    assert list(grid.at(on("2026-03-01")).covering(spot)) == [cell]
    assert list(grid.at(on("2025-06-01")).covering(spot)) == [old]
    assert list(grid.at(on("2024-06-01")).covering(spot)) == []


def test_the_switch_instant_belongs_to_the_new_plan(world: World) -> None:
    _, cell, spot = history(world)
    assert list(Zone.objects.filter(layer=world.grid).at(on("2026-02-01")).covering(spot)) == [cell]


def test_a_layer_activated_later_had_no_zone_then(world: World) -> None:
    _, _, spot = history(world)
    # The sector layer's plan was activated today: nothing covered the spot on 2026-03-01.
    assert not Zone.objects.filter(layer=world.sector).at(on("2026-03-01")).covering(spot)
    assert Zone.objects.filter(layer=world.sector).at(timezone.now()).covering(spot).count() == 1


def test_a_plan_active_twice_is_found_in_both_periods_only(world: World) -> None:
    old, cell, spot = history(world)
    # 2025 again from 2026-06-01 to 2026-09-01, then the world's plan once more.
    PlanActivation.objects.filter(plan=world.plan, layer=world.grid).update(
        ended_at=on("2026-06-01")
    )
    PlanActivation.objects.create(
        plan=old.plan, layer=world.grid, started_at=on("2026-06-01"), ended_at=on("2026-09-01")
    )
    PlanActivation.objects.create(plan=world.plan, layer=world.grid, started_at=on("2026-09-01"))
    grid = Zone.objects.filter(layer=world.grid)
    assert list(grid.at(on("2026-03-01")).covering(spot)) == [cell]
    assert list(grid.at(on("2026-07-01")).covering(spot)) == [old]
    assert list(grid.at(on("2026-10-01")).covering(spot)) == [cell]


def test_activation_through_the_service_is_recorded_for_history(world: World) -> None:
    before = timezone.now()
    plan = Plan.objects.create(name="新方案")
    cell = full_cells(world.subs["S3"], world.grid)[0]
    lon, lat = world.inside(cell)
    new = square_zone(plan, world.grid, "NEW1", (lon, lat), 50.0)
    activate_plan(plan)
    spot = Point(lon, lat, srid=4326)
    grid = Zone.objects.filter(layer=world.grid)
    assert list(grid.at(before).covering(spot)) == [cell]
    assert list(grid.at(timezone.now()).covering(spot)) == [new]


def test_owner_on_a_date_is_the_ownership_valid_that_day(world: World) -> None:
    _, cell, _ = history(world)
    first = cell.ownerships.get().owner
    cell.ownerships.update(valid_to=dt.date(2026, 5, 31))
    successor = make_owner("接任网格员")
    own(successor, "grid_worker", zone=cell, since=dt.date(2026, 6, 1))
    owned = Ownership.objects.filter(zone=cell)
    assert [o.owner for o in owned.current(dt.date(2026, 3, 1))] == [first]
    assert [o.owner for o in owned.current(dt.date(2026, 5, 31))] == [first]
    assert [o.owner for o in owned.current(dt.date(2026, 6, 1))] == [successor]
    assert [o.owner for o in owned.current()] == [successor]
    assert not owned.current(dt.date(2019, 12, 31)).exists()


def test_who_owned_this_spot_on_a_date(world: World) -> None:
    old, cell, spot = history(world)
    then = make_owner("2025 网格员")
    own(then, "grid_worker", zone=old, since=dt.date(2025, 1, 1), until=dt.date(2026, 1, 31))
    zone = Zone.objects.filter(layer=world.grid).at(on("2025-06-01")).covering(spot).get()
    owners = Ownership.objects.filter(zone=zone).current(dt.date(2025, 6, 1))
    assert [o.owner for o in owners] == [then]
    zone = Zone.objects.filter(layer=world.grid).at(on("2026-03-01")).covering(spot).get()
    owners = Ownership.objects.filter(zone=zone).current(dt.date(2026, 3, 1))
    assert [o.owner.name for o in owners] == ["网格员S3"]
