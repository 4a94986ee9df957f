"""Preview a draft before activation: the blind spots and overlaps its zones would leave.

The draft's zones of one layer are read and analysed over the district as the coverage report
analyses the active ones (gridmgr.coverage: the same zone read, analysis and figures): a zone
nobody owns today counts as blind. Each
piece says whether the active plan already has it there (`new` is False) or the draft makes it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import shapely
from django.conf import settings
from shapely.geometry import mapping

from geodata import coverage as cov
from gridmgr.coverage.analysis import Coverage, analysed, today
from gridmgr.coverage.zones import read as zones_read
from gridmgr.models import Layer, Plan, Region, Zone

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
class DraftCoverage(Coverage[Patch]):
    """How the draft's zones of one layer would cover the district, and how it covers now."""

    plan: str
    now: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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


def preview_draft(plan: Plan, layer: Layer, sliver_m2: float | None = None) -> DraftCoverage:
    """The blind spots and overlaps the plan's zones of `layer` would leave in the district."""
    sliver = float(settings.GRIDMGR_SLIVER_M2 if sliver_m2 is None else sliver_m2)
    region = Region.objects.require_district()
    outline = shapely.from_wkb(bytes(region.boundary.wkb))
    day = today()
    of_layer = Zone.objects.filter(layer=layer)
    zones = zones_read(of_layer.filter(plan=plan), day)
    draft = analysed(outline, zones, sliver)
    now = analysed(outline, zones_read(of_layer.filter(active=True), day), sliver)
    code = zones.code_of()
    return DraftCoverage.measured(
        draft,
        zones,
        (_patches(draft.blind, now.blind, code), _patches(draft.overlaps, now.overlaps, code)),
        plan=plan.name,
        layer=layer.name,
        region=region.name,
        now={
            "blind_m2": now.blind_m2,
            "overlap_m2": now.overlap_m2,
            "coverage_pct": now.coverage_pct,
            "blind_count": float(len(now.blind)),
            "overlap_count": float(len(now.overlaps)),
        },
    )
