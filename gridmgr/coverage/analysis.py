"""Coverage analysis of a region: blind spots, overlaps, border crossings, coverage %."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, Generic, Self, TypeVar

import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.utils import timezone
from shapely.geometry.base import BaseGeometry

from geodata import coverage as cov
from gridmgr.coverage.zones import ZoneTable, over_region, parents_of
from gridmgr.models import CoverageSnapshot, Layer, Region, Zone

PieceT = TypeVar("PieceT")


@dataclass
class Coverage(Generic[PieceT]):
    """How one layer's zones cover a region: the figures a coverage report and a draft preview
    share. `region` is the region's code in a report, its name in a preview (what each shows)."""

    region: str
    layer: str
    total_m2: float
    covered_m2: float
    blind_m2: float
    overlap_m2: float
    coverage_pct: float
    zone_count: int
    unowned: list[str]
    blind: list[PieceT]
    overlaps: list[PieceT]
    slivers: int

    @classmethod
    def measured(
        cls,
        result: cov.CoverageResult,
        zones: ZoneTable,
        pieces: tuple[list[PieceT], list[PieceT]],
        **rest: Any,
    ) -> Self:
        """The figures of an analysis of `zones`, its blind and overlap pieces, and `rest`."""
        blind, overlaps = pieces
        return cls(
            total_m2=result.total_m2,
            covered_m2=result.covered_m2,
            blind_m2=result.blind_m2,
            overlap_m2=result.overlap_m2,
            coverage_pct=result.coverage_pct,
            zone_count=len(zones),
            unowned=zones.unowned(),
            blind=blind,
            overlaps=overlaps,
            slivers=result.blind_slivers + result.overlap_slivers,
            **rest,
        )


def analysed(outline: BaseGeometry, zones: ZoneTable, sliver_m2: float) -> cov.CoverageResult:
    """The coverage of an outline by the zones someone owns (a zone nobody owns is blind)."""
    owned = zones.where(zones.owned)
    # One thread: shapely's coverage check keeps the GIL, and on the bench (2 cores, loaded) the
    # report took longer with the check split in two threads, or with its crossings beside it.
    return cov.analyse(outline, owned.geoms, owned.ids, sliver_m2=sliver_m2, threads=1)


@dataclass
class LayerCoverage(Coverage[dict[str, Any]]):
    """Coverage of one region by one layer, with the lists a report shows."""

    region_name: str
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


def _outline(region: Region) -> BaseGeometry:
    return shapely.from_wkb(bytes(region.boundary.wkb))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector paused meanwhile: an analysis makes tens of thousands of rows and
    geometries, none in a cycle, and each collection they set off walks every object of the
    process (a tenth of the report's time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@gc_paused()
def analyse_layer(region: Region, layer: Layer, sliver_m2: float | None = None) -> LayerCoverage:
    """Analyse how the active zones of one layer cover a region (nothing is written)."""
    sliver = float(settings.GRIDMGR_SLIVER_M2 if sliver_m2 is None else sliver_m2)
    boundary = _outline(region)
    zones = over_region(region, boundary, Zone.objects.filter(layer=layer, active=True), today())
    district = Region.objects.district()
    below = _below(region)
    result = analysed(boundary, zones, sliver)
    crossing = _crossing_parent(zones, parents_of(zones), sliver)
    outside = _outside_district(zones, district, sliver)
    code = zones.code_of()
    report = LayerCoverage.measured(
        result,
        zones,
        (_pieces(result.blind, code), _pieces(result.overlaps, code)),
        region=region.code,
        layer=layer.name,
        region_name=region.name,
        crossing_parent=_pieces(crossing, code),
        outside_district=_pieces(outside, code),
        # Slivers too, so that the region's own row says blind_m2, as the summary does.
        by_region=_by_region(below, result.blind + result.blind_sliver_pieces),
        sliver_blind_m2=sum(p.area_m2 for p in result.blind_sliver_pieces),
    )
    report.geoms = {
        "blind": [p.geom for p in result.blind],
        "overlaps": [p.geom for p in result.overlaps],
    }
    return report


def today() -> dt.date:
    """The local date, as ownerships are dated (the database's CURRENT_DATE is UTC's)."""
    return timezone.localdate()


def _pieces(pieces: list[cov.Piece], code: dict[int, str]) -> list[dict[str, Any]]:
    """Pieces as a report lists them: area, zone codes, bounding box."""
    # The boxes in one call: a crossing list holds thousands of pieces.
    boxes = shapely.bounds([p.geom for p in pieces]).tolist() if pieces else []
    return [
        {"area_m2": round(p.area_m2, 2), "zones": [code[i] for i in p.zone_ids], "bbox": box}
        for p, box in zip(pieces, boxes, strict=True)
    ]


def _crossing_parent(zones: ZoneTable, parents: Any, sliver: float) -> list[cov.Piece]:
    """The parts of zones outside their parent zone."""
    return cov.crossing_parent(zones.geoms, zones.ids, parents, tolerance_m2=sliver)


def _outside_district(zones: ZoneTable, district: Region | None, sliver: float) -> list[cov.Piece]:
    """The parts of zones outside the district."""
    if district is None or not len(zones):
        return []
    outline = [_outline(district)] * len(zones)
    return cov.crossing_parent(zones.geoms, zones.ids, outline, tolerance_m2=sliver)


def _below(region: Region) -> list[Region]:
    """The region and every region below it (sub-districts, communities)."""
    below = (
        Region.objects.filter(code__startswith=region.code)
        .exclude(pk=region.pk)
        .only("code", "name", "level", "area_m2", "boundary")
    )
    return [region, *below]


def _by_region(subs: list[Region], blind: list[cov.Piece]) -> list[dict[str, Any]]:
    """Coverage % of each region (the analysed one first) from the blind pieces."""
    geoms = [_outline(r) for r in subs]
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
