"""Who holds a zone on a day: one rule (OwnershipQuerySet), its SQL twin and both routers."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import connection

from gridmgr.models import Ownership, Zone
from gridmgr.models.owners import Owner, current_sql, holder_sql, unended_sql
from gridmgr.routing.bulk import BulkRouter
from gridmgr.routing.point import route_point
from tests.world import SINCE, World, full_cells, make_owner, own

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)
DAYS = (SINCE - dt.timedelta(days=1), SINCE, YESTERDAY, TODAY, TODAY + dt.timedelta(days=30))


def hand_over(cell: Zone) -> tuple[Owner, Owner]:
    """The cell's grid worker holds it until yesterday, a successor from today on."""
    before = cell.ownerships.get().owner
    cell.ownerships.update(valid_to=YESTERDAY)
    after = make_owner("接任网格员")
    own(after, "grid_worker", zone=cell, since=TODAY)
    return before, after


def handover(world: World) -> tuple[Zone, Owner, Owner]:
    """A cell of 朝阳门 handed over from yesterday to today."""
    cell = full_cells(world.subs["S3"], world.grid)[0]
    return (cell, *hand_over(cell))


def owners(ownerships: object) -> set[str]:
    return {o.owner.name for o in ownerships}  # type: ignore[attr-defined]


def sql_ids(condition: str, zone: Zone, day: dt.date) -> set[int]:
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT o.id FROM gridmgr_ownership o WHERE o.zone_id = %(zone)s AND {condition}",
            {"zone": zone.pk, "day": day},
        )
        return {row[0] for row in cur.fetchall()}


def sql_holder(zone: Zone, day: dt.date) -> int | None:
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {holder_sql('o.zone_id = %(zone)s AND o.role = %(role)s')}",
            {"zone": zone.pk, "role": "grid_worker", "day": day},
        )
        return cur.fetchone()[0]


def test_only_the_owner_of_the_day_is_current_across_a_handover(world: World) -> None:
    cell, before, after = handover(world)
    held = Ownership.objects.filter(zone=cell)
    assert owners(held.current(YESTERDAY)) == {before.name}
    assert owners(held.current(TODAY)) == {after.name}
    assert owners(held.current()) == {after.name}
    assert not held.current(SINCE - dt.timedelta(days=1)).exists()


def test_unended_ownerships_include_those_yet_to_begin(world: World) -> None:
    cell, before, after = handover(world)
    held = Ownership.objects.filter(zone=cell)
    assert owners(held.unended(YESTERDAY)) == {before.name, after.name}
    assert owners(held.unended(TODAY)) == {after.name}


def test_the_sql_rules_select_what_the_query_set_selects(world: World) -> None:
    cell, _, _ = handover(world)
    own(make_owner("临时网格员"), "grid_worker", zone=cell, since=SINCE, until=SINCE)
    held = Ownership.objects.filter(zone=cell)
    for day in DAYS:
        assert sql_ids(current_sql("o"), cell, day) == set(
            held.current(day).values_list("id", flat=True)
        ), day
        assert sql_ids(unended_sql("o"), cell, day) == set(
            held.unended(day).values_list("id", flat=True)
        ), day


def test_the_earliest_made_current_ownership_holds_the_zone_in_sql_as_in_the_query_set(
    world: World,
) -> None:
    cell, before, after = handover(world)
    own(make_owner("第二网格员"), "grid_worker", zone=cell, since=SINCE)
    for day in DAYS:
        holder = Ownership.objects.current(day).filter(zone=cell, role="grid_worker").holder()
        assert sql_holder(cell, day) == (holder.pk if holder else None), day
    # The second worker is current on both days, yet made after both: it never holds the cell.
    assert Ownership.objects.current(YESTERDAY).filter(zone=cell).holder() == before
    assert Ownership.objects.current(TODAY).filter(zone=cell).holder() == after


def test_both_routers_give_a_point_to_the_owner_of_the_day(world: World) -> None:
    cell, before, after = handover(world)
    lon, lat = world.inside(cell)

    def grid_owner(day: dt.date) -> int | None:
        route = route_point(lon, lat, day)
        return next(r.owner_id for r in route.layers if r.layer_id == world.grid.pk)

    assert grid_owner(YESTERDAY) == before.pk
    assert grid_owner(TODAY) == after.pk
    routes = BulkRouter().route(np.array([lon]), np.array([lat]))
    grid = next(r for r in routes.layers if r.layer_id == world.grid.pk)
    assert int(grid.owner[0]) == after.pk


def test_the_nearest_zone_goes_to_its_owner_of_the_day(world: World, settings) -> None:
    settings.GRIDMGR_NEAREST_ZONE_M = 50.0
    lon, lat = world.gap_west(20.0)
    (west,) = world.cells_covering(*world.move(lon, lat, -25.0, 0.0))
    before, after = hand_over(west)
    for day, owner in ((YESTERDAY, before), (TODAY, after)):
        grid = next(r for r in route_point(lon, lat, day).layers if r.layer_id == world.grid.pk)
        assert (grid.zone_id, grid.owner_id) == (west.pk, owner.pk), day
