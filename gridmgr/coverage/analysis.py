"""Coverage analysis of a region: blind spots, overlaps, border crossings, coverage %."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.utils import timezone
from shapely.geometry.base import BaseGeometry

from geodata import coverage as cov
from gridmgr.models import CoverageSnapshot, Layer, Region

_ZONES_SQL = """
SELECT z.id, z.code, z.name, ST_AsBinary(z.geom), z.parent_id,
  EXISTS (SELECT 1 FROM gridmgr_ownership o
          WHERE o.zone_id = z.id AND o.valid_from <= %(day)s
            AND (o.valid_to IS NULL OR o.valid_to >= %(day)s))
FROM gridmgr_zone z, gridmgr_region r
WHERE r.id = %(region)s AND z.active AND z.layer_id = %(layer)s
  AND z.geom && r.boundary AND ST_Intersects(z.geom, r.boundary)
ORDER BY z.code
"""


@dataclass
class LayerCoverage:
    """Coverage of one region by one layer, with the lists a report shows."""

    region: str
    region_name: str
    layer: str
    total_m2: float
    covered_m2: float
    blind_m2: float
    overlap_m2: float
    coverage_pct: float
    zone_count: int
    unowned: list[str]
    blind: list[dict[str, Any]]
    overlaps: list[dict[str, Any]]
    slivers: int
    crossing_parent: list[dict[str, Any]]
    outside_district: list[dict[str, Any]]
    by_region: list[dict[str, Any]]
    sliver_blind_m2: float = 0.0  # the part of blind_m2 in slivers (counted, not listed)
    change: dict[str, Any] | None = None
    geoms: dict[str, list[BaseGeometry]] = field(default_factory=dict, repr=False)

    def summary(self) -> dict[str, Any]:
        """The report without geometries (for JSON and CSV)."""
        data = asdict(self)
        data.pop("geoms")
        return data


def _geos(geom: BaseGeometry) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geom, include_srid=False)), srid=4326)


def _zone_rows(region: Region, layer: Layer) -> list[tuple]:
    with connection.cursor() as cur:
        # The local date, as ownerships are dated: the database's CURRENT_DATE is UTC's.
        day = timezone.localdate()
        cur.execute(_ZONES_SQL, {"region": region.pk, "layer": layer.pk, "day": day})
        return cur.fetchall()


def analyse_layer(region: Region, layer: Layer, sliver_m2: float | None = None) -> LayerCoverage:
    """Analyse how the active zones of one layer cover a region (nothing is written)."""
    sliver = float(settings.GRIDMGR_SLIVER_M2 if sliver_m2 is None else sliver_m2)
    rows = _zone_rows(region, layer)
    geoms = shapely.from_wkb([bytes(r[3]) for r in rows]) if rows else []
    code = {r[0]: r[1] for r in rows}
    owned = [i for i, r in enumerate(rows) if r[5]]
    boundary = shapely.from_wkb(bytes(region.boundary.wkb))
    result = cov.analyse(
        boundary, [geoms[i] for i in owned], [rows[i][0] for i in owned], sliver_m2=sliver
    )
    report = LayerCoverage(
        region=region.code,
        region_name=region.name,
        layer=layer.name,
        total_m2=result.total_m2,
        covered_m2=result.covered_m2,
        blind_m2=result.blind_m2,
        overlap_m2=result.overlap_m2,
        coverage_pct=result.coverage_pct,
        zone_count=len(rows),
        unowned=[r[1] for r in rows if not r[5]],
        blind=[_piece(p, code) for p in result.blind],
        overlaps=[_piece(p, code) for p in result.overlaps],
        slivers=result.blind_slivers + result.overlap_slivers,
        crossing_parent=_crossing_parent(rows, geoms, code, sliver),
        outside_district=_outside_district(rows, geoms, code, sliver),
        # Slivers too, so that the region's own row says blind_m2, as the summary does.
        by_region=_by_region(region, result.blind + result.blind_sliver_pieces),
        sliver_blind_m2=sum(p.area_m2 for p in result.blind_sliver_pieces),
    )
    report.geoms = {
        "blind": [p.geom for p in result.blind],
        "overlaps": [p.geom for p in result.overlaps],
    }
    return report


def _piece(piece: cov.Piece, code: dict[int, str]) -> dict[str, Any]:
    minx, miny, maxx, maxy = piece.geom.bounds
    return {
        "area_m2": round(piece.area_m2, 2),
        "zones": [code[i] for i in piece.zone_ids],
        "bbox": [minx, miny, maxx, maxy],
    }


def _crossing_parent(
    rows: list[tuple], geoms: Any, code: dict[int, str], sliver: float
) -> list[dict[str, Any]]:
    parent_ids = [r[4] for r in rows if r[4] is not None]
    if not parent_ids:
        return []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, ST_AsBinary(geom) FROM gridmgr_zone WHERE id = ANY(%s)", [parent_ids]
        )
        parents = {i: shapely.from_wkb(bytes(g)) for i, g in cur.fetchall()}
    pieces = cov.crossing_parent(
        geoms, [r[0] for r in rows], [parents.get(r[4]) for r in rows], tolerance_m2=sliver
    )
    return [_piece(p, code) for p in pieces]


def _outside_district(
    rows: list[tuple], geoms: Any, code: dict[int, str], sliver: float
) -> list[dict[str, Any]]:
    district = Region.objects.filter(level=Region.Level.DISTRICT).first()
    if district is None or not rows:
        return []
    outline = shapely.from_wkb(bytes(district.boundary.wkb))
    pieces = cov.crossing_parent(
        geoms, [r[0] for r in rows], [outline] * len(rows), tolerance_m2=sliver
    )
    return [_piece(p, code) for p in pieces]


def _by_region(region: Region, blind: list[cov.Piece]) -> list[dict[str, Any]]:
    """Coverage % of the region and of every region below it (sub-districts, communities)."""
    below = list(
        Region.objects.filter(code__startswith=region.code)
        .exclude(pk=region.pk)
        .only("code", "name", "level", "area_m2", "boundary")
    )
    subs = [region, *below]
    geoms = [shapely.from_wkb(bytes(r.boundary.wkb)) for r in subs]
    blind_by = cov.region_breakdown(blind, geoms, [r.pk for r in subs])
    out = []
    for r in subs:
        lost = blind_by[r.pk]
        pct = 100.0 * (r.area_m2 - lost) / r.area_m2 if r.area_m2 else 0.0
        out.append(
            {
                "code": r.code,
                "name": r.name,
                "level": r.level,
                "area_m2": round(r.area_m2, 1),
                "blind_m2": round(lost, 1),
                "coverage_pct": round(pct, 3),
            }
        )
    return out


def previous_snapshot(region: Region, layer: Layer) -> CoverageSnapshot | None:
    """The last stored snapshot of this region and layer."""
    return CoverageSnapshot.objects.filter(region=region, layer=layer).first()


def with_change(report: LayerCoverage, region: Region, layer: Layer) -> LayerCoverage:
    """Add the change since the last stored snapshot to a report."""
    last = previous_snapshot(region, layer)
    if last is not None:
        report.change = {
            "since": last.taken_at.isoformat(),
            "blind_m2": round(report.blind_m2 - last.blind_m2, 2),
            "overlap_m2": round(report.overlap_m2 - last.overlap_m2, 2),
            "coverage_pct": round(report.coverage_pct - last.coverage_pct, 4),
            "blind_count": len(report.blind) - last.blind_count,
            "overlap_count": len(report.overlaps) - last.overlap_count,
        }
    return report


def save_snapshot(report: LayerCoverage, region: Region, layer: Layer) -> CoverageSnapshot:
    """Store a report as a dated snapshot."""
    blind = _multi(report.geoms.get("blind", []))
    overlap = _multi(report.geoms.get("overlaps", []))
    return CoverageSnapshot.objects.create(
        region=region,
        layer=layer,
        total_m2=report.total_m2,
        covered_m2=report.covered_m2,
        blind_m2=report.blind_m2,
        overlap_m2=report.overlap_m2,
        coverage_pct=report.coverage_pct,
        zone_count=report.zone_count,
        blind_count=len(report.blind),
        overlap_count=len(report.overlaps),
        sliver_count=report.slivers,
        blind=blind,
        overlap=overlap,
        details=report.summary(),
    )


def _multi(geoms: list[BaseGeometry]) -> Any:
    if not geoms:
        return None
    parts = shapely.get_parts(geoms)
    return _geos(shapely.MultiPolygon(list(parts)))


def analyse(region: Region, layers: list[Layer], *, commit: bool = False) -> list[LayerCoverage]:
    """Analyse a region for each layer; with commit, store the results as snapshots."""
    reports = []
    for layer in layers:
        report = with_change(analyse_layer(region, layer), region, layer)
        if commit:
            save_snapshot(report, region, layer)
        reports.append(report)
    return reports
