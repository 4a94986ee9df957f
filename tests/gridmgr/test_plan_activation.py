"""Activating a plan switches zones atomically and re-routes open issues; preview tells who moves."""

from __future__ import annotations

import pytest

from gridmgr.casework.report import report_issue
from gridmgr.errors import PlanError
from gridmgr.models import Issue, Owner, Ownership, Plan, PlanActivation, Routing, Zone
from gridmgr.territory.grids import generate_grid
from gridmgr.territory.plans import activate_plan, preview_plan
from tests.world import World, full_cells, make_owner

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def new_grid_plan(world: World, name: str = "2027 网格方案", cell_m: float = 300.0) -> Plan:
    """A draft plan with a coarser unit grid over the district, all of it owned by one worker."""
    plan = Plan.objects.create(name=name)
    generate_grid(world.district, plan, world.grid, cell_size_m=cell_m)
    worker = make_owner(f"新网格员{name}")
    Ownership.objects.bulk_create(
        Ownership(owner=worker, zone=z, role="grid_worker") for z in plan.zones.all()
    )
    return plan


def report_three(world: World) -> tuple[Issue, Issue, Issue]:
    """Two open issues in 朝阳门 cells and one closed issue."""
    cells = full_cells(world.subs["S3"], world.grid)
    parking = world.categories["parking"]
    issues = [report_issue(*world.inside(c), parking) for c in cells[:3]]
    issues[2].status = Issue.Status.CLOSED
    issues[2].save()
    return issues[0], issues[1], issues[2]


def grid_receipt(issue: Issue, world: World) -> Routing:
    return Routing.objects.get(issue=issue, layer=world.grid)


def test_preview_counts_the_open_issues_that_would_move_and_to_whom(world: World) -> None:
    report_three(world)
    plan = new_grid_plan(world)
    preview = preview_plan(plan)
    assert preview.open_issues == 2
    assert preview.moved == 2
    assert preview.layers == ["单元网格"]
    (move,) = preview.moves
    assert (move.layer, move.from_owner, move.to_owner, move.count) == (
        "单元网格",
        "网格员S3",
        "新网格员2027 网格方案",
        2,
    )


def test_preview_changes_nothing(world: World) -> None:
    first, _, _ = report_three(world)
    plan = new_grid_plan(world)
    before = list(Routing.objects.values_list("id", "zone_id", "owner_id").order_by("id"))
    preview_plan(plan)
    assert list(Routing.objects.values_list("id", "zone_id", "owner_id").order_by("id")) == before
    assert not plan.zones.filter(active=True).exists()
    first.refresh_from_db()
    assert first.owner == world.owners["网格员S3"]


def test_preview_of_a_plan_that_moves_nobody_reports_zero(world: World) -> None:
    report_three(world)
    same = Plan.objects.create(name="同样的板块")
    for zone in Zone.objects.filter(plan=world.plan, layer=world.sector):
        copy = Zone.objects.create(
            plan=same,
            layer=world.sector,
            code=zone.code,
            name=zone.name,
            geom=zone.geom,
            area_m2=zone.area_m2,
        )
        Ownership.objects.create(owner=zone.ownerships.get().owner, zone=copy, role="sector_lead")
    preview = preview_plan(same)
    assert (preview.open_issues, preview.moved, preview.moves) == (2, 0, [])


def test_activation_reroutes_open_issues_and_rewrites_their_receipts(world: World) -> None:
    first, second, _ = report_three(world)
    plan = new_grid_plan(world)
    assert activate_plan(plan).moved == 2
    for issue in (first, second):
        issue.refresh_from_db()
        receipt = grid_receipt(issue, world)
        assert receipt.plan == plan
        assert receipt.zone.plan == plan
        assert receipt.zone.geom.covers(issue.location)
        assert receipt.owner.name == "新网格员2027 网格方案"
        assert issue.zone == receipt.zone
        assert issue.owner == receipt.owner
        assert issue.routed_at == receipt.routed_at
    # The sector layer did not change: its receipts still name the old plan.
    assert Routing.objects.get(issue=first, layer=world.sector).plan == world.plan


def test_activation_leaves_closed_issues_untouched(world: World) -> None:
    _, _, closed = report_three(world)
    before = grid_receipt(closed, world)
    activate_plan(new_grid_plan(world))
    after = grid_receipt(closed, world)
    closed.refresh_from_db()
    assert (after.pk, after.zone_id, after.plan_id) == (before.pk, before.zone_id, world.plan.pk)
    assert closed.zone_id == before.zone_id


def test_activation_switches_the_layers_zones_and_keeps_the_history(world: World) -> None:
    plan = new_grid_plan(world)
    activate_plan(plan)
    assert not Zone.objects.filter(plan=world.plan, layer=world.grid, active=True).exists()
    assert Zone.objects.filter(plan=world.plan, layer=world.sector, active=True).count() == 3
    assert plan.zones.filter(active=False).count() == 0
    old = PlanActivation.objects.get(plan=world.plan, layer=world.grid)
    new = PlanActivation.objects.get(plan=plan, layer=world.grid)
    assert old.ended_at == new.started_at
    plan.refresh_from_db()
    world.plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE
    assert world.plan.status == Plan.Status.ACTIVE  # still the sector layer's plan


def test_a_plan_replaced_in_every_layer_is_retired(world: World) -> None:
    grid_only = Plan.objects.create(name="单层方案")
    generate_grid(world.subs["S1"], grid_only, world.grid, cell_size_m=300)
    activate_plan(grid_only)
    activate_plan(world.plan)
    grid_only.refresh_from_db()
    assert grid_only.status == Plan.Status.RETIRED


def test_two_activations_in_one_transaction_both_reroute(world: World) -> None:
    first, _, _ = report_three(world)
    plan = new_grid_plan(world)
    assert activate_plan(plan).moved == 2
    assert activate_plan(world.plan).moved == 2
    assert grid_receipt(first, world).plan == world.plan
    assert grid_receipt(first, world).owner == world.owners["网格员S3"]


def test_reactivating_the_active_plan_changes_nothing(world: World) -> None:
    activate_plan(world.plan)
    assert PlanActivation.objects.filter(plan=world.plan).count() == 2


def test_a_plan_without_zones_cannot_be_activated(world: World) -> None:
    empty = Plan.objects.create(name="空方案")
    with pytest.raises(PlanError, match="has no zones"):
        activate_plan(empty)
    assert Owner.objects.filter(name__startswith="新网格员").count() == 0
