"""activate_plan previews who moves, and activates (re-routing open issues) only with --commit."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from gridmgr.casework.report import report_issue
from gridmgr.models import Issue, Ownership, Plan, PlanActivation, Routing
from gridmgr.territory.grids import generate_grid
from tests.world import World, full_cells, make_owner

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("activate_plan", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.fixture
def draft(world: World) -> Plan:
    """Two open issues in 朝阳门, and a draft 300 m grid of it owned by 新网格员."""
    for cell in full_cells(world.subs["S3"], world.grid)[:2]:
        report_issue(*world.inside(cell), world.categories["parking"])
    plan = Plan.objects.create(name="2027 方案")
    generate_grid(world.subs["S3"], plan, world.grid, cell_size_m=300)
    worker = make_owner("新网格员")
    Ownership.objects.bulk_create(
        Ownership(owner=worker, zone=z, role="grid_worker") for z in plan.zones.all()
    )
    return plan


def test_dry_run_previews_the_moves_and_changes_nothing(world: World, draft: Plan) -> None:
    out = run("2027 方案")
    assert "2 of 2 open cases will change hands" in out
    assert "单元网格: 网格员S3 → 新网格员: 2" in out
    assert "dry run" in out
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT
    assert not PlanActivation.objects.filter(plan=draft).exists()
    assert not Routing.objects.filter(plan=draft).exists()


def test_commit_activates_and_reroutes_the_open_issues(world: World, draft: Plan) -> None:
    out = run("2027 方案", "--commit")
    assert "2 of 2 open cases changed hands" in out
    draft.refresh_from_db()
    assert draft.status == Plan.Status.ACTIVE
    assert Routing.objects.filter(plan=draft, layer=world.grid).count() == 2
    assert {i.owner.name for i in Issue.objects.all()} == {"新网格员"}


def test_an_unknown_plan_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match="no plan named '2099'"):
        run("2099", "--commit")
