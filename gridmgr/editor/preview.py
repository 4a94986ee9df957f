"""Preview a draft before activation: the blind spots and overlaps its zones would leave.

The draft's zones of one layer are analysed over the district with geodata.coverage, as the
coverage service analyses the active ones: a zone nobody owns today counts as blind. Each
piece says whether the active plan already has it there (`new` is False) or the draft makes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import shapely
from django.conf import settings
from django.db import connection
from django.utils import timezone
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geodata import coverage as cov
from gridmgr.errors import NotFoundError
from gridmgr.models import Layer, Plan, Region

_ZONES_SQL = """
SELECT z.id, z.code, ST_AsBinary(z.geom),
  EXISTS (SELECT 1 FROM gridmgr_ownership o
          WHERE o.zone_id = z.id AND o.valid_from <= %(day)s
            AND (o.valid_to IS NULL OR o.valid_to >= %(day)s))
FROM gridmgr_zone z
WHERE z.layer_id = %(layer)s AND {which}
ORDER BY z.code
"""
_OF_PLAN = "z.plan_id = %(plan)s"
_ACTIVE = "z.active"
# A piece is the active plan's own when at least this share of it is blind (or overlapping) now.
_SAME_SHARE = 0.5


@dataclass
class Patch:
    """A blind spot or an overlap of the draft: its area, zones, outline and novelty."""

    area_m2: float
    zones: list[str]
    geometry: dict[str, Any]
    new: bool


@dataclass
class DraftCoverage:
    """How the draft's zones of one layer would cover the district, and how it covers now."""

    plan: str
    layer: str
    region: str
    total_m2: float
    covered_m2: float
    blind_m2: float
    overlap_m2: float
    coverage_pct: float
    zone_count: int
    unowned: list[str]
    blind: list[Patch]
    overlaps: list[Patch]
    slivers: int
    now: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rows(layer: Layer, which: str, plan: Plan | None, day: dt.date) -> list[tuple]:
    params = {"layer": layer.pk, "plan": plan.pk if plan else None, "day": day}
    with connection.cursor() as cur:
        cur.execute(_ZONES_SQL.format(which=which), params)
        return cur.fetchall()


def _analyse(outline: BaseGeometry, rows: list[tuple], sliver: float) -> cov.CoverageResult:
    owned = [r for r in rows if r[3]]
    geoms = list(shapely.from_wkb([bytes(r[2]) for r in owned])) if owned else []
    return cov.analyse(outline, geoms, [r[0] for r in owned], sliver_m2=sliver)


def _patches(pieces: list[cov.Piece], before: list[cov.Piece], code: dict[int, str]) -> list[Patch]:
    old = shapely.union_all([p.geom for p in before]) if before else None
    out = []
    for piece in pieces:
        shared = 0.0 if old is None else shapely.intersection(piece.geom, old).area
        share = shared / piece.geom.area if piece.geom.area > 0 else 0.0
        out.append(
            Patch(
                area_m2=round(piece.area_m2, 2),
                zones=[code[i] for i in piece.zone_ids],
                geometry=mapping(piece.geom),
                new=bool(share < _SAME_SHARE),
            )
        )
    return out


def district() -> Region:
    """The district the coverage is measured over."""
    found = Region.objects.filter(level=Region.Level.DISTRICT).order_by("code").first()
    if found is None:
        raise NotFoundError("尚未导入区界", "no district has been imported yet")
    return found


def preview_draft(plan: Plan, layer: Layer, sliver_m2: float | None = None) -> DraftCoverage:
    """The blind spots and overlaps the plan's zones of `layer` would leave in the district."""
    sliver = float(settings.GRIDMGR_SLIVER_M2 if sliver_m2 is None else sliver_m2)
    region = district()
    outline = shapely.from_wkb(bytes(region.boundary.wkb))
    day = timezone.localdate()
    rows = _rows(layer, _OF_PLAN, plan, day)
    draft = _analyse(outline, rows, sliver)
    now = _analyse(outline, _rows(layer, _ACTIVE, None, day), sliver)
    code = {r[0]: r[1] for r in rows}
    return DraftCoverage(
        plan=plan.name,
        layer=layer.name,
        region=region.name,
        total_m2=draft.total_m2,
        covered_m2=draft.covered_m2,
        blind_m2=draft.blind_m2,
        overlap_m2=draft.overlap_m2,
        coverage_pct=draft.coverage_pct,
        zone_count=len(rows),
        unowned=[r[1] for r in rows if not r[3]],
        blind=_patches(draft.blind, now.blind, code),
        overlaps=_patches(draft.overlaps, now.overlaps, code),
        slivers=draft.blind_slivers + draft.overlap_slivers,
        now={
            "blind_m2": now.blind_m2,
            "overlap_m2": now.overlap_m2,
            "coverage_pct": now.coverage_pct,
            "blind_count": float(len(now.blind)),
            "overlap_count": float(len(now.overlaps)),
        },
    )
