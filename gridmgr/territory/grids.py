"""Generate unit grids: lattice cells or street blocks, clipped to communities and coded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import shapely
from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Max, Q, QuerySet, Subquery

from geodata.grid import make_codes, square_cells, street_blocks
from geodata.measure import LocalProjection
from gridmgr.models import GridCode, Layer, Plan, Region, Zone
from gridmgr.territory.imports import ImportReport, outer_inner_point, save_zones


def code12(region: Region) -> str:
    """The 12-digit form of a region code (sub-district and district codes padded)."""
    return region.code.ljust(12, "0")


def grid_areas(region: Region) -> list[Region]:
    """The regions a grid is cut in: communities, else sub-districts, else the region itself."""
    below = Region.objects.filter(code__startswith=region.code).exclude(pk=region.pk)
    for level in (Region.Level.COMMUNITY, Region.Level.SUBDISTRICT):
        found = list(below.filter(level=level))
        if found:
            return found
    return [region]


def next_sequence(prefix: str) -> int:
    """The first sequence number never issued under a code prefix (codes are never reused)."""
    top = GridCode.objects.filter(prefix=prefix).aggregate(m=Max("sequence"))["m"]
    return (top or 0) + 1


def generate_grid(
    region: Region,
    plan: Plan,
    layer: Layer,
    *,
    cell_size_m: float | None = None,
    streets: Sequence[shapely.Geometry] | None = None,
    progress: object = None,
) -> ImportReport:
    """Cut the region into unit grids (square cells or street blocks) in a plan."""
    scheme = settings.GRIDMGR_GRID_CODE_SCHEME
    report = ImportReport()
    if not layer.is_unit_grid:
        layer.is_unit_grid = True
        layer.save(update_fields=["is_unit_grid"])
    areas = grid_areas(region)
    bar = progress(areas) if callable(progress) else areas
    # One projection for the whole region, so neighbouring communities share lattice lines.
    proj = LocalProjection.around(shapely.from_wkb(bytes(region.boundary.wkb)))
    with transaction.atomic():
        for area in bar:
            outline = shapely.from_wkb(bytes(area.boundary.wkb))
            if streets is not None:
                cells = street_blocks(list(streets), clip=outline)
            else:
                cells = square_cells(outline, float(cell_size_m or 100.0), proj)
            if not cells:
                continue
            prefix = code12(area)
            codes = make_codes(prefix, len(cells), scheme, start=next_sequence(prefix))
            rows = [
                (code, f"{area.name}{code[12:]}号网格", cell, None, "")
                for code, cell in zip(codes, cells, strict=True)
            ]
            save_zones(plan, layer, rows, report)
        link_parents(plan, layer)
    return report


def covering_parents(plan: Plan, parent_layer_id: int, point: Any) -> QuerySet[Zone]:
    """Zones of the parent layer covering a point (a Point or an expression), best first: the
    plan's own before the active ones, then the smallest, then the lowest code."""
    in_plan = ExpressionWrapper(Q(plan=plan), output_field=BooleanField())
    return (
        Zone.objects.filter(Q(plan=plan) | Q(active=True), layer_id=parent_layer_id)
        .filter(geom__covers=point)
        .order_by(in_plan.desc(), "area_m2", "code")
    )


def link_parents(plan: Plan, layer: Layer) -> None:
    """Give each zone of a layer the parent-layer zone covering its inner point."""
    if layer.parent_id is None:
        return
    best = covering_parents(plan, layer.parent_id, outer_inner_point()).values("pk")[:1]
    Zone.objects.filter(plan=plan, layer=layer).update(parent=Subquery(best))
