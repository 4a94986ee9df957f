"""Many zones get one owner in one step; a stale zone or one outside the sector refuses it all."""

from __future__ import annotations

import datetime as dt

import pytest

from gridmgr.editor.owners import NewPerson, assign_owner
from gridmgr.errors import PlanError
from gridmgr.models import Owner, Ownership, Plan, Zone
from gridmgr.territory.zone_edits import ZoneAccessError, ZoneConflictError
from tests.gridmgr.editor_cases import Editors, acting, draft_cells
from tests.world import World

DAY = dt.date(2027, 1, 1)

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def versions(zones: list[Zone]) -> dict[int, int]:
    return {z.pk: z.version for z in zones}


def holders(zone: Zone, on: dt.date) -> list[str]:
    return sorted(
        Ownership.objects.current(on).filter(zone=zone).values_list("owner__name", flat=True)
    )


def test_one_request_gives_every_selected_zone_the_owner(
    world: World, editors: Editors, draft: Plan
) -> None:
    zones = draft_cells(world, draft, "S3")[:6]
    worker = world.owners["网格员S2"]
    person, saved = assign_owner(
        acting(editors.centre), versions(zones), worker, "grid_worker", DAY
    )
    assert person == worker and len(saved) == 6
    assert all(z.version == 2 for z in saved)
    for zone in zones:
        assert holders(zone, DAY) == ["网格员S2"]
        # Who owned it before the change stays answerable.
        assert holders(zone, DAY - dt.timedelta(days=1)) == ["网格员S3"]


def test_a_new_person_is_created_with_name_and_phone(
    world: World, editors: Editors, draft: Plan
) -> None:
    zones = draft_cells(world, draft, "S3")[:2]
    person, _ = assign_owner(
        acting(editors.centre),
        versions(zones),
        NewPerson("李新", "13800000000"),
        "grid_leader",
        DAY,
    )
    assert (person.name, person.phone, person.kind) == ("李新", "13800000000", Owner.Kind.PERSON)
    assert holders(zones[0], DAY) == ["李新", "网格员S3"]  # another role: both hold the zone


def test_one_stale_zone_refuses_the_whole_request(
    world: World, editors: Editors, draft: Plan
) -> None:
    zones = draft_cells(world, draft, "S3")[:3]
    seen = versions(zones)
    seen[zones[1].pk] += 1
    with pytest.raises(ZoneConflictError) as refused:
        assign_owner(acting(editors.centre), seen, NewPerson("王五"), "grid_worker", DAY)
    assert zones[1].code in refused.value.en
    assert not Owner.objects.filter(name="王五").exists()
    assert all(holders(z, DAY) == ["网格员S3"] for z in zones)


def test_a_second_assignment_on_the_same_versions_is_refused(
    world: World, editors: Editors, draft: Plan
) -> None:
    zones = draft_cells(world, draft, "S3")[:2]
    seen = versions(zones)
    assign_owner(acting(editors.centre), seen, world.owners["网格员S1"], "grid_worker", DAY)
    with pytest.raises(ZoneConflictError):
        assign_owner(acting(editors.lead_s3), seen, world.owners["网格员S2"], "grid_worker", DAY)
    assert holders(zones[0], DAY) == ["网格员S1"]


def test_a_sector_lead_assigns_inside_its_sector_only(
    world: World, editors: Editors, draft: Plan
) -> None:
    lead = acting(editors.lead_s3)
    mine = draft_cells(world, draft, "S3")[:2]
    assign_owner(lead, versions(mine), NewPerson("赵六"), "grid_worker", DAY)
    theirs = draft_cells(world, draft, "S1")[:1]
    with pytest.raises(ZoneAccessError, match="sector"):
        assign_owner(lead, versions(mine[:0] + theirs), NewPerson("钱七"), "grid_worker", DAY)
    assert not Owner.objects.filter(name="钱七").exists()


def test_owners_are_assigned_in_drafts_only(world: World, editors: Editors) -> None:
    active = list(Zone.objects.active().filter(layer=world.grid).order_by("code")[:1])
    with pytest.raises(PlanError):
        assign_owner(
            acting(editors.centre), versions(active), NewPerson("孙八"), "grid_worker", DAY
        )
