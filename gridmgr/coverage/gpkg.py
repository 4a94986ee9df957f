"""The coverage GeoPackage: what a district's GIS staff open next to their own layers.

Four layers: blind_spots and overlaps (each piece with its layer, m², the zones involved, the
sub-district holding most of it and the district), the zones of the selection (code, name,
layer, current owners, plan) and its regions (code, name, level, parent). Coordinates are
written in WGS84, CGCS2000 or a CGCS2000 Gauss–Krüger zone (geodata.crs).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.contrib.postgres.aggregates import StringAgg
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from shapely.geometry.base import BaseGeometry

from geodata import crs as output_crs
from geodata.coverage import holders
from geodata.writers import write_layer
from gridmgr.coverage.analysis import LayerCoverage
from gridmgr.models import Ownership, Region, Zone

LAYERS = ("blind_spots", "overlaps", "zones", "regions")
PIECES = {"blind_spots": "blind", "overlaps": "overlaps"}


def srid_for(region: Region, system: str) -> int:
    """The EPSG code a system names for a region (a Gauss–Krüger zone by its centre)."""
    return output_crs.output_srid(system, region.boundary.centroid.x)


def export_gpkg(
    reports: list[LayerCoverage], path: str | Path, region: Region, system: str = "wgs84"
) -> int:
    """Write the four layers of a selection to a GeoPackage in a coordinate system (a name of
    geodata.crs.SYSTEMS or an allowed EPSG code); return the EPSG code written."""
    srid = srid_for(region, system)
    path = Path(path)
    path.unlink(missing_ok=True)
    for name, attr in PIECES.items():
        _write_pieces(path, name, attr, reports, region, srid)
    _write_zones(path, region, [r.layer for r in reports], srid)
    _write_regions(path, region, srid)
    return srid


def _subdistricts(region: Region) -> list[Region]:
    """The sub-districts (街道/镇) the region touches: its own, its parent's or its children."""
    return list(
        Region.objects.filter(
            level=Region.Level.SUBDISTRICT, boundary__intersects=region.boundary
        ).order_by("code")
    )


def district_code(region: Region) -> str:
    """The code of the district a region lies in (its own for a district)."""
    current: Region | None = region
    while current is not None and current.level != Region.Level.DISTRICT:
        current = current.parent
    return current.code if current is not None else ""


def subdistricts_of(region: Region, geoms: list[BaseGeometry]) -> list[Region | None]:
    """For each piece of a region's report, the sub-district holding most of its area (None
    outside all)."""
    subs = _subdistricts(region)
    outlines = [shapely.from_wkb(bytes(s.boundary.wkb)) for s in subs]
    return [None if i is None else subs[i] for i in holders(geoms, outlines)]


def _write_pieces(
    path: Path,
    name: str,
    attr: str,
    reports: list[LayerCoverage],
    region: Region,
    srid: int,
) -> None:
    rows = [
        (r.layer, piece, geom)
        for r in reports
        for piece, geom in zip(getattr(r, attr), r.geoms.get(attr, []), strict=True)
    ]
    geoms = [geom for _, _, geom in rows]
    where = subdistricts_of(region, geoms)
    district = district_code(region)
    fields: dict[str, tuple[str, list[Any]]] = {
        "layer": ("text", [layer for layer, _, _ in rows]),
        "area_m2": ("real", [piece["area_m2"] for _, piece, _ in rows]),
        "zones": ("text", [",".join(piece["zones"]) for _, piece, _ in rows]),
        "region": ("text", [s.code if s else "" for s in where]),
        "region_name": ("text", [s.name if s else "" for s in where]),
        "district": ("text", [district] * len(rows)),
    }
    _write(path, name, geoms, fields, srid)


def _write_zones(path: Path, region: Region, layers: list[str], srid: int) -> None:
    day: dt.date = timezone.localdate()
    owners = (
        Ownership.objects.current(day)
        .filter(zone=OuterRef("pk"))
        .order_by()
        .values("zone")
        .annotate(names=StringAgg("owner__name", "、", distinct=True))
        .values("names")
    )
    rows = list(
        Zone.objects.filter(active=True, layer__name__in=layers)
        .filter(geom__intersects=region.boundary)
        .annotate(owners=Subquery(owners), wkb=AsWKB("geom"))
        .order_by("layer__rank", "code")
        .values_list("code", "name", "layer__name", "plan__name", "area_m2", "owners", "wkb")
    )
    geoms = list(shapely.from_wkb([bytes(r[6]) for r in rows])) if rows else []
    fields: dict[str, tuple[str, list[Any]]] = {
        "code": ("text", [r[0] for r in rows]),
        "name": ("text", [r[1] for r in rows]),
        "layer": ("text", [r[2] for r in rows]),
        "owner": ("text", [r[5] or "" for r in rows]),
        "plan": ("text", [r[3] for r in rows]),
        "area_m2": ("real", [round(r[4], 1) for r in rows]),
    }
    _write(path, "zones", geoms, fields, srid)


def _write_regions(path: Path, region: Region, srid: int) -> None:
    regions = list(
        Region.objects.filter(Q(pk=region.pk) | Q(parent=region) | Q(parent__parent=region))
        .select_related("parent")
        .order_by("code")
    )
    fields: dict[str, tuple[str, list[Any]]] = {
        "code": ("text", [r.code for r in regions]),
        "name": ("text", [r.name for r in regions]),
        "level": ("text", [r.level for r in regions]),
        "parent": ("text", [r.parent.code if r.parent else "" for r in regions]),
    }
    geoms = [shapely.from_wkb(bytes(r.boundary.wkb)) for r in regions]
    _write(path, "regions", geoms, fields, srid)


def _write(
    path: Path,
    name: str,
    geoms: list[BaseGeometry],
    fields: dict[str, tuple[str, list[Any]]],
    srid: int,
) -> None:
    shapes = output_crs.from_wgs84(np.array(geoms, dtype=object), srid)
    write_layer(path, name, list(shapes), fields, geometry_type="MultiPolygon", srid=srid)
