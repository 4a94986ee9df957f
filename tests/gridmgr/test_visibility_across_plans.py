"""After a redraw that keeps a grid's code, its owner still sees its earlier cases; others don't.

Also the API's zone filter: a zone id stands for its unit under every plan version.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from gridmgr.access import visible_issues
from gridmgr.casework.report import report_issue
from gridmgr.models import Account, AccountRole, Issue, Zone
from tests.gridmgr.editor_cases import Editors, client_of
from tests.gridmgr.redraw_cases import redraw
from tests.world import World, full_cells

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def closed_before(world: World, editors: Editors) -> tuple[Issue, Zone]:
    """A case closed in a 朝阳门 cell, then the unit grid redrawn keeping every code."""
    cell = full_cells(world.subs["S3"], world.grid)[3]
    issue = report_issue(*world.inside(cell), world.categories["rubbish"])
    # Its territorial owner is no longer the cell's worker (reassigned to the sector lead).
    Issue.objects.filter(pk=issue.pk).update(
        status=Issue.Status.CLOSED, owner=world.owners["板块长S3"]
    )
    plan = redraw(world, editors.centre, world.grid)
    return issue, Zone.objects.get(plan=plan, layer=world.grid, code=cell.code)


def account(name: str, role: str, owner: str | None, world: World) -> User:
    user = User.objects.create_user(name, password=f"{name}-secret-1")
    Account.objects.create(user=user, role=role, owner=world.owners[owner] if owner else None)
    return user


def test_the_grid_worker_of_a_kept_code_still_sees_its_earlier_case(
    world: World, editors: Editors, closed_before: tuple[Issue, Zone]
) -> None:
    issue, _ = closed_before
    assert visible_issues(editors.worker_s3).filter(pk=issue.pk).exists()


@pytest.mark.parametrize(
    ("role", "owner", "sees"),
    [
        (AccountRole.GRID_WORKER, "网格员S1", False),
        (AccountRole.STATIONED_CADRE, "网格员S2", False),
        (AccountRole.DEPARTMENT, "交警", False),
        (AccountRole.COMMAND_CENTRE, None, True),
        (AccountRole.SECTOR_LEAD, "板块长S1", True),
    ],
)
def test_other_roles_see_it_as_before(
    world: World, closed_before: tuple[Issue, Zone], role: str, owner: str | None, sees: bool
) -> None:
    issue, _ = closed_before
    user = account("other", role, owner, world)
    assert visible_issues(user).filter(pk=issue.pk).exists() is sees
    assert not visible_issues(AnonymousUser()).exists()


def test_api_zone_filter_finds_the_unit_under_every_plan(
    world: World, editors: Editors, closed_before: tuple[Issue, Zone]
) -> None:
    issue, now = closed_before
    old = Zone.objects.get(plan=world.plan, layer=world.grid, code=now.code)
    client = client_of(editors.centre)
    for zone in (now, old):
        response = client.get("/api/issues/", {"zone": zone.pk})
        assert response.status_code == 200
        assert [f["id"] for f in response.json()["features"]] == [issue.pk]
    worker = client_of(editors.worker_s3).get("/api/issues/", {"zone": now.pk}).json()
    assert [f["id"] for f in worker["features"]] == [issue.pk]
