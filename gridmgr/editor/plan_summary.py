"""What activating a plan changes, in one summary shown before and returned after activation.

The editor's confirmation dialog shows `summarise(plan)`; activation computes the very same
summary inside its transaction, just before the switch (plans.activate_plan(plan, summarise)),
so the figures the user accepted and the figures reported back are one computation: zones
added, removed and redrawn per layer, blind area before → after, and the open cases that change
owner, from whom to whom (plans.preview_plan).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection

from gridmgr.editor.preview import preview_draft
from gridmgr.models import Layer, Plan
from gridmgr.territory.plans import Handover, activate_plan, preview_plan

# Zones of the plan against the active zones of the same layer, matched by code.
_CHANGES_SQL = """
WITH mine AS (SELECT code, geom FROM gridmgr_zone WHERE plan_id = %(plan)s AND layer_id = %(layer)s),
now AS (SELECT code, geom FROM gridmgr_zone WHERE active AND layer_id = %(layer)s)
SELECT
  (SELECT count(*) FROM mine WHERE code NOT IN (SELECT code FROM now)),
  (SELECT count(*) FROM now WHERE code NOT IN (SELECT code FROM mine)),
  (SELECT count(*) FROM mine JOIN now USING (code)
   WHERE NOT ST_OrderingEquals(mine.geom, now.geom))
"""


@dataclass
class LayerChange:
    """One layer of the plan: its zones against the active ones, and its blind area."""

    layer: str
    layer_en: str
    zones: int
    added: int
    removed: int
    redrawn: int
    blind_before_m2: float
    blind_after_m2: float
    overlap_before_m2: float
    overlap_after_m2: float


@dataclass
class PlanSummary:
    """Everything activation changes: per layer, and the open cases that change owner."""

    plan: str
    layers: list[LayerChange]
    open_issues: int
    moved: int
    moves: list[Handover] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _layer_change(plan: Plan, layer: Layer) -> LayerChange:
    # Raw SQL: three counts in one statement; ST_OrderingEquals has no ORM lookup.
    with connection.cursor() as cur:
        cur.execute(_CHANGES_SQL, {"plan": plan.pk, "layer": layer.pk})
        added, removed, redrawn = cur.fetchone()
    coverage = preview_draft(plan, layer)
    return LayerChange(
        layer=layer.name,
        layer_en=layer.name_en,
        zones=coverage.zone_count,
        added=int(added),
        removed=int(removed),
        redrawn=int(redrawn),
        blind_before_m2=round(coverage.now["blind_m2"], 1),
        blind_after_m2=round(coverage.blind_m2, 1),
        overlap_before_m2=round(coverage.now["overlap_m2"], 1),
        overlap_after_m2=round(coverage.overlap_m2, 1),
    )


def summarise(plan: Plan) -> PlanSummary:
    """What activating the plan would change now (nothing is written)."""
    layers = Layer.objects.filter(zones__plan=plan).distinct().order_by("rank", "name")
    moves = preview_plan(plan)
    return PlanSummary(
        plan=plan.name,
        layers=[_layer_change(plan, layer) for layer in layers],
        open_issues=moves.open_issues,
        moved=moves.moved,
        moves=moves.moves,
    )


def activate(plan: Plan) -> PlanSummary:
    """Activate the plan; returns the summary of what it changed, computed as summarise does."""
    return activate_plan(plan, summarise)
