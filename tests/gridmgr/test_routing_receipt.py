"""Every assignment leaves a receipt per layer: layer, zone, plan, owner, rule, distance, time."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from gridmgr.casework.report import report_issue
from gridmgr.models import Issue, Routing
from gridmgr.models.issues import Rule
from gridmgr.routing.issue_import import IssueBatch, insert_batch, route_batch
from tests.world import World, full_cells

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def receipts(issue: Issue) -> dict[str, Routing]:
    return {r.layer.name_en: r for r in issue.routings.select_related("layer", "zone", "plan")}


def distances(issue: Issue) -> list[float | None]:
    return [r.distance_m for r in issue.routings.order_by("layer__rank")]


def test_receipt_names_layer_zone_plan_owner_rule_and_time(world: World) -> None:
    before = timezone.now()
    cell = full_cells(world.subs["S3"], world.grid)[0]
    issue = report_issue(*world.inside(cell), world.categories["parking"])
    got = receipts(issue)
    assert list(got) == ["sector", "unit grid"]  # top layer first
    grid = got["unit grid"]
    assert (grid.zone, grid.plan, grid.owner) == (cell, world.plan, world.owners["网格员S3"])
    assert (grid.rule, grid.distance_m) == (Rule.COVERS, None)
    assert before <= grid.routed_at <= timezone.now()
    assert grid.routed_at == issue.routed_at == got["sector"].routed_at
    assert got["sector"].zone.code == "S3"


def test_receipt_of_a_nearest_assignment_carries_the_distance(world: World, settings) -> None:
    settings.GRIDMGR_NEAREST_ZONE_M = 50.0
    issue = report_issue(*world.gap_west(30.0), world.categories["parking"])
    grid = receipts(issue)["unit grid"]
    assert grid.rule == Rule.NEAREST
    assert grid.distance_m == pytest.approx(30.0, abs=0.5)
    assert grid.plan == world.plan
    assert receipts(issue)["sector"].distance_m is None


def test_receipt_of_a_fallback_has_no_zone_nor_plan_but_the_territorial_owner(
    world: World,
) -> None:
    issue = report_issue(*world.gap_centre(), world.categories["parking"])
    grid = receipts(issue)["unit grid"]
    assert (grid.zone, grid.plan, grid.rule) == (None, None, Rule.FALLBACK)
    assert grid.owner == world.owners["属地S2"]


def test_bulk_receipts_equal_single_receipts(world: World, settings) -> None:
    settings.GRIDMGR_NEAREST_ZONE_M = 50.0
    cell = full_cells(world.subs["S1"], world.grid)[0]
    points = [
        world.inside(cell),
        world.gap_west(30.0),
        world.gap_centre(),
        world.move(*world.inside(world.overlap), 30, 30),
    ]
    parking = world.categories["parking"]
    singles = [report_issue(lon, lat, parking) for lon, lat in points]
    batch = IssueBatch(
        np.array([p[0] for p in points]),
        np.array([p[1] for p in points]),
        np.full(len(points), parking.pk),
        np.full(len(points), parking.department_id),
    )
    bulk_ids = insert_batch(batch, route_batch(batch)).tolist()
    fields = ("layer_id", "zone_id", "plan_id", "owner_id", "rule")
    for one, many in zip(
        singles, Issue.objects.filter(pk__in=bulk_ids).order_by("id"), strict=True
    ):
        a = list(one.routings.order_by("layer__rank").values_list(*fields))
        b = list(many.routings.order_by("layer__rank").values_list(*fields))
        assert a == b
        for x, y in zip(distances(one), distances(many), strict=True):
            assert x == y or x == pytest.approx(y, abs=0.05)
        assert abs(many.routings.first().routed_at - timezone.now()) < dt.timedelta(minutes=1)
    grid = Routing.objects.filter(issue_id__in=bulk_ids, layer=world.grid).order_by("issue_id")
    assert [r.rule for r in grid] == [Rule.COVERS, Rule.NEAREST, Rule.FALLBACK, Rule.OVERLAP]
