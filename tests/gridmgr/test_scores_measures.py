"""The scoreboard's measures per sector, package area, grid worker and department."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gridmgr.models import Issue, Layer, Owner, Receipt, Zone
from gridmgr.models.issues import Rule
from gridmgr.routing.point import LayerRoute
from gridmgr.routing.receipts import set_id
from gridmgr.scores.board import ScoreError, ScoreRow, ranked, scoreboard
from tests.gridmgr.score_cases import MARCH, build_cases
from tests.world import World, full_cells, square_zone

MEASURES = (
    "registered",
    "closed",
    "closure_rate",
    "on_time_rate",
    "rework_rate",
    "overdue",
    "median_hours",
)

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def measures(row: ScoreRow) -> tuple:
    return tuple(getattr(row, m) for m in MEASURES)


def by_name(rows: list[ScoreRow]) -> dict[str, tuple]:
    return {r.name: measures(r) for r in rows}


@pytest.fixture
def cases(world: World) -> dict[str, Issue]:
    return build_cases(world)


def test_sector_measures(world: World, cases: dict[str, Issue]) -> None:
    rows = scoreboard("sector", *MARCH)
    assert [(r.code, r.name, r.owner) for r in rows] == [
        ("S1", "景山街道", "板块长S1"),
        ("S2", "东四街道", "板块长S2"),
    ]
    assert measures(rows[0]) == (4, 2, 0.5, 0.5, pytest.approx(2 / 3), 2, 7.0)
    # The gap's case k belongs to sector S2, whose polygon has no gap.
    assert measures(rows[1]) == (3, 2, pytest.approx(2 / 3), 1.0, 0.0, 0, 13.0)


def test_grid_worker_measures_count_a_fallback_case_for_the_territorial_owner(
    world: World, cases: dict[str, Issue]
) -> None:
    assert by_name(scoreboard("grid_worker", *MARCH)) == {
        "网格员S1": (4, 2, 0.5, 0.5, pytest.approx(2 / 3), 2, 7.0),
        "网格员S2": (2, 1, 0.5, 1.0, 0.0, 0, 24.0),
        "东四街道办事处": (1, 1, 1.0, 1.0, 0.0, 0, 2.0),
    }


def test_department_measures(world: World, cases: dict[str, Issue]) -> None:
    rows = scoreboard("department", *MARCH)
    assert by_name(rows) == {
        "城管执法局": (5, 3, 0.6, pytest.approx(2 / 3), 0.5, 2, 4.0),
        "交警支队": (2, 1, 0.5, 1.0, 0.0, 0, 24.0),
    }
    assert {r.owner_id for r in rows} == {world.owners["城管"].pk, world.owners["交警"].pk}


def test_rates_count_their_numerators(world: World, cases: dict[str, Issue]) -> None:
    (s1, _) = scoreboard("sector", *MARCH)
    assert (s1.on_time, s1.handled, s1.reworked) == (1, 3, 2)


def add_receipt(issue: Issue, layer: Layer, zone: Zone | None, owner: Owner, rule: Rule) -> None:
    """Give an issue a receipt in one more layer: a new receipt set, as a re-route would."""
    layers = [
        LayerRoute(r.layer_id, r.zone_id, r.plan_id, r.owner_id, r.rule, r.distance_m)
        for r in issue.routings.all()
    ]
    layers.append(LayerRoute(layer.pk, zone and zone.pk, zone and zone.plan_id, owner.pk, rule))
    issue.receipt_set = set_id(layers)
    Receipt.objects.bulk_create(
        [
            Receipt(
                set_id=issue.receipt_set,
                layer_id=r.layer_id,
                zone_id=r.zone_id,
                plan_id=r.plan_id,
                owner_id=r.owner_id,
                rule=r.rule,
                distance_m=r.distance_m,
            )
            for r in layers
        ],
        ignore_conflicts=True,
    )
    issue.save(update_fields=["receipt_set"])


def test_package_area_rows_are_zones_then_fallback_owners_then_unassigned(
    world: World, cases: dict[str, Issue]
) -> None:
    layer = Layer.objects.create(name="驻点包片区", rank=1, owner_role="stationed_cadre")
    cell = full_cells(world.subs["S1"], world.grid)[0]
    zone = square_zone(world.plan, layer, "P1", world.inside(cell), 500.0)
    cadre = Owner.objects.create(name="驻点干部甲")
    add_receipt(cases["a"], layer, zone, cadre, Rule.COVERS)
    add_receipt(cases["b"], layer, zone, cadre, Rule.COVERS)
    add_receipt(cases["c"], layer, None, world.owners["属地S1"], Rule.FALLBACK)
    rows = scoreboard("package_area", *MARCH)
    assert [(r.code, r.name, r.owner) for r in rows] == [
        ("P1", "区域P1", "驻点干部甲"),
        ("", "景山街道办事处（属地兜底 / fallback）", "景山街道办事处"),
        ("", "未指定 / unassigned", ""),
    ]
    assert [measures(r) for r in rows] == [
        (2, 2, 1.0, 0.5, 0.5, 1, 7.0),
        (1, 0, 0.0, None, 1.0, 1, None),
        (4, 2, 0.5, 1.0, 0.0, 0, 13.0),  # d, e, f and k have no receipt for the new layer
    ]


def test_every_unit_type_adds_up_to_the_cases_registered_in_the_period(
    world: World, cases: dict[str, Issue]
) -> None:
    for unit in ("sector", "grid_worker", "department"):
        assert sum(r.registered for r in scoreboard(unit, *MARCH)) == 7, unit


def test_a_unit_type_without_its_layer_has_no_rows(world: World, cases: dict[str, Issue]) -> None:
    assert scoreboard("package_area", *MARCH) == []


def test_an_open_case_due_after_the_period_is_not_overdue_in_it(
    world: World, cases: dict[str, Issue]
) -> None:
    Issue.objects.filter(pk=cases["c"].pk).update(due_at=dt.datetime(2026, 4, 2, tzinfo=dt.UTC))
    (s1, _) = scoreboard("sector", *MARCH)
    assert s1.overdue == 1  # b, closed late, is still overdue


def test_a_running_period_reckons_overdue_cases_now(world: World) -> None:
    today, now = timezone.localdate(), timezone.now()
    hour = dt.timedelta(hours=1)
    cases = build_cases(world)
    open_late, open_in_time, closed_late = cases["a"], cases["b"], cases["d"]
    for issue, status, due, closed in (
        (open_late, "handling", now - hour, None),
        (open_in_time, "handling", now + hour, None),
        (closed_late, "closed", now - 2 * hour, now - hour),
    ):
        Issue.objects.filter(pk=issue.pk).update(
            status=status, registered_at=now - 3 * hour, due_at=due, closed_at=closed
        )
    rows = scoreboard("sector", today - dt.timedelta(days=1), today + dt.timedelta(days=7))
    assert [(r.code, r.registered, r.overdue) for r in rows] == [("S1", 3, 2)]


def test_an_empty_period_or_unknown_unit_is_refused(world: World) -> None:
    with pytest.raises(ScoreError, match="before the start"):
        scoreboard("sector", dt.date(2026, 3, 2), dt.date(2026, 3, 1))
    with pytest.raises(ScoreError, match="unknown unit type"):
        scoreboard("street", *MARCH)


def test_ranked_puts_the_highest_values_first_and_leaves_out_units_without_a_value(
    world: World, cases: dict[str, Issue]
) -> None:
    rows = scoreboard("grid_worker", *MARCH)
    assert [r.name for r in ranked(rows, "median_hours", 2)] == ["网格员S2", "网格员S1"]
    Issue.objects.filter(pk=cases["k"].pk).update(dispatched_at=None)
    rows = scoreboard("grid_worker", *MARCH)
    assert [r.name for r in ranked(rows, "median_hours", 10)] == ["网格员S2", "网格员S1"]
