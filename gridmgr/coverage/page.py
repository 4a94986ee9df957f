"""What the coverage page shows: the region and layers asked for, figures, tables and map data.

The tables are those of the PDF and XLSX exports (gridmgr.coverage.tables), so a row
on the page is the row of the exported sheet; blind spots and overlaps add their bounding box,
for the inline map and for the link to the map page.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import shapely
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext

from geodata.crs import GK3_FIRST
from geodata.errors import GeoDataError
from geodata.readers import Feature
from gridmgr.access import account_of, is_centre
from gridmgr.coverage.analysis import LayerCoverage
from gridmgr.coverage.gpkg import srid_for
from gridmgr.coverage.tables import (
    LEVELS,
    Column,
    Table,
    coverage_tables,
    layer_labels,
)
from gridmgr.errors import NotFoundError
from gridmgr.i18n import local
from gridmgr.models import AccountRole, Layer, Region

# Outlines on the inline map are simplified to about a metre (degrees).
OUTLINE_TOLERANCE_DEG = 1e-5
# A piece's zoom on the map page keeps this much room around it (share of its size, each side).
ZOOM_MARGIN = 0.5


@dataclass
class Selection:
    """The region and layers of a request; `layer` is the name asked for, or "" for all."""

    region: Region
    layers: list[Layer]
    layer: str = ""

    def query(self) -> dict[str, str]:
        """The selection as query parameters."""
        return {"region": self.region.code, **({"layer": self.layer} if self.layer else {})}


def select(region_code: str | None, layer_name: str | None) -> Selection:
    """The region (the district by default) and the layer named, or every layer."""
    regions = Region.objects
    region = regions.filter(code=region_code).first() if region_code else regions.require_district()
    if region is None:
        raise NotFoundError(f"没有代码为“{region_code}”的区域", f"no region {region_code!r}")
    layers = list(Layer.objects.order_by("rank", "name"))
    if layer_name:
        layers = [layer for layer in layers if layer.name == layer_name]
        if not layers:
            raise NotFoundError(f"没有名为“{layer_name}”的图层", f"no layer {layer_name!r}")
    return Selection(region, layers, layer_name or "")


def may_fix(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The centre and sector leads edit zones: their rows open the editor on the piece."""
    account = account_of(user)
    return is_centre(account) or (account is not None and account.role == AccountRole.SECTOR_LEAD)


def may_snapshot(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Only the command centre (and superusers) store snapshots."""
    return is_centre(account_of(user))


def region_choices() -> list[tuple[str, str]]:
    """The district and its sub-districts, as (code, label)."""
    regions = Region.objects.district_and_subdistricts().order_by("code").only("code", "name")
    return [(r.code, f"{r.name} {r.code}") for r in regions]


def layer_names() -> list[tuple[str, str]]:
    """Every layer by rank, as (name, label in the active language)."""
    layers = Layer.objects.order_by("rank", "name").values_list("name", "name_en")
    return [(name, local(name, en)) for name, en in layers]


def crs_choices(region: Region) -> list[tuple[str, str]]:
    """The coordinate systems offered for the GeoPackage, as (value, label): WGS84, CGCS2000,
    and the region's CGCS2000 Gauss–Krüger 3-degree zone (when it lies in one)."""
    choices = [
        ("wgs84", gettext("WGS84 经纬度（EPSG:4326）")),
        ("cgcs2000", gettext("CGCS2000 经纬度（EPSG:4490）")),
    ]
    try:
        srid = srid_for(region, "cgcs2000-gk3")
    except GeoDataError:
        return choices
    meridian = 75 + 3 * (srid - GK3_FIRST)
    label = gettext("CGCS2000 高斯-克吕格 3 度带，中央经线 %(cm)d°E（EPSG:%(srid)d，米）")
    return [*choices, ("cgcs2000-gk3", label % {"cm": meridian, "srid": srid})]


def map_url(bbox: list[float]) -> str:
    """The map page zoomed on a bounding box, with some room around it."""
    minx, miny, maxx, maxy = bbox
    dx, dy = (maxx - minx) * ZOOM_MARGIN, (maxy - miny) * ZOOM_MARGIN
    box = ",".join(f"{v:.6f}" for v in (minx - dx, miny - dy, maxx + dx, maxy + dy))
    return f"{reverse('maps:page')}?{urlencode({'bbox': box}, safe=',')}"


def _cells(table: Table, row: list[Any], names: dict[str, str]) -> list[tuple[str, str]]:
    """A row as (text, css class) pairs; a coverage under 100 % (as printed) is marked low."""
    return [(c.text(v, names), _css(c, v)) for c, v in zip(table.columns, row, strict=True)]


def _css(column: Column, value: Any) -> str:
    if not column.kind:
        return "wrap" if column.wrap else ""
    low = column.kind == "pct" and value is not None and round(value, 3) < 100
    return "num low" if low else "num"


def _plain(table: Table, names: dict[str, str]) -> dict[str, Any]:
    return {"table": table, "rows": [_cells(table, row, names) for row in table.rows]}


def _pieces(
    table: Table, reports: list[LayerCoverage], kind: str, names: dict[str, str]
) -> dict[str, Any]:
    """A blind spot or overlap table whose rows carry their piece's id and bounding box."""
    attr = "blind" if kind == "blind" else "overlaps"
    layer_ids = dict(Layer.objects.values_list("name", "id"))
    pieces = [(r.layer, p) for r in reports for p in getattr(r, attr)]
    rows = [
        {
            "id": f"{kind}-{i}",
            "kind": kind,
            "layer_id": layer_ids.get(layer),
            "bbox": json.dumps([round(v, 7) for v in p["bbox"]]),
            "bbox_text": ",".join(f"{v:.7f}" for v in p["bbox"]),
            "map_url": map_url(p["bbox"]),
            "cells": _cells(table, row, names),
        }
        for i, ((layer, p), row) in enumerate(zip(pieces, table.rows, strict=True))
    ]
    return {"table": table, "rows": rows}


def _trend(value: float, text: str, good_when_up: bool) -> dict[str, str]:
    """A change as printed, its arrow, and whether it is good news (no arrow when it prints 0)."""
    if not any(ch in "123456789" for ch in text):
        return {"text": text, "arrow": "＝", "tone": "same"}
    up = value > 0
    return {
        "text": text,
        "arrow": "↑" if up else "↓",
        "tone": "good" if up == good_when_up else "bad",
    }


def _change(report: LayerCoverage) -> dict[str, Any] | None:
    c = report.change
    if c is None:
        return None
    return {
        "since": timezone.localtime(dt.datetime.fromisoformat(c["since"])),
        "coverage_pct": _trend(c["coverage_pct"], f"{c['coverage_pct']:+.3f}", True),
        "blind_m2": _trend(c["blind_m2"], f"{c['blind_m2']:+,.1f}", False),
        "overlap_m2": _trend(c["overlap_m2"], f"{c['overlap_m2']:+,.1f}", False),
        "blind_count": _trend(c["blind_count"], f"{c['blind_count']:+d}", False),
        "overlap_count": _trend(c["overlap_count"], f"{c['overlap_count']:+d}", False),
    }


def _number(value: float, decimals: int) -> str:
    """A figure as the active language writes it, thousands grouped (1,234.5)."""
    return number_format(round(value, decimals), decimals, use_l10n=True, force_grouping=True)


def _summary(report: LayerCoverage, names: dict[str, str]) -> dict[str, Any]:
    return {
        "layer": report.layer,
        "label": names.get(report.layer, report.layer),
        "coverage_pct": _number(report.coverage_pct, 3),
        "total_m2": _number(report.total_m2, 1),
        "covered_m2": _number(report.covered_m2, 1),
        "blind_m2": _number(report.blind_m2, 1),
        "listed_blind_m2": _number(report.blind_m2 - report.sliver_blind_m2, 1),
        "sliver_blind_m2": _number(report.sliver_blind_m2, 1) if report.sliver_blind_m2 else "",
        "sliver_limit": _number(float(settings.GRIDMGR_SLIVER_M2), 1),
        "overlap_m2": _number(report.overlap_m2, 1),
        "zone_count": report.zone_count,
        "blind_count": len(report.blind),
        "overlap_count": len(report.overlaps),
        "unowned": len(report.unowned),
        "change": _change(report),
    }


def _feature(geom: Any, props: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": json.loads(shapely.to_geojson(geom)),
        "properties": props,
    }


def _outline(region: Region) -> Any:
    geom = shapely.from_wkb(bytes(region.boundary.wkb))
    return shapely.simplify(geom, OUTLINE_TOLERANCE_DEG, preserve_topology=True)


def map_data(
    region: Region,
    children: list[Region],
    reports: list[LayerCoverage],
    names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """GeoJSON of the inline map: the outline, the sub-regions and every piece by row id."""
    features = [_feature(_outline(region), {"kind": "outline", "name": region.name})]
    for child in children:
        features.append(_feature(_outline(child), {"kind": "subregion", "name": child.name}))
    for kind, attr in (("blind", "blind"), ("overlap", "overlaps")):
        pairs = [
            (r.layer, p, g)
            for r in reports
            for p, g in zip(getattr(r, attr), r.geoms.get(attr, []), strict=True)
        ]
        for i, (layer, p, geom) in enumerate(pairs):
            props = {"kind": kind, "id": f"{kind}-{i}", "area_m2": p["area_m2"]}
            props.update(layer=layer, layer_label=(names or {}).get(layer, layer))
            features.append(_feature(geom, {**props, "zones": ", ".join(p["zones"])}))
    return {"type": "FeatureCollection", "features": features}


def page_context(selection: Selection, reports: list[LayerCoverage]) -> dict[str, Any]:
    """Everything the template shows for a selection and its reports."""
    region = selection.region
    children = list(region.children.order_by("code"))
    subregions = [
        Feature(i, {"code": c.code, "name": c.name}, shapely.from_wkb(bytes(c.boundary.wkb)))
        for i, c in enumerate(children, 1)
    ]
    _, by_region, blind, overlaps, crossings, _ = coverage_tables(reports, subregions)
    names = layer_labels()
    return {
        "selection": selection,
        "selection_label": names.get(selection.layer, selection.layer),
        "region": region,
        "level": LEVELS.get(region.level, region.level),
        "summaries": [_summary(r, names) for r in reports],
        "by_region": _plain(by_region, names),
        "blind": _pieces(blind, reports, "blind", names),
        "overlaps": _pieces(overlaps, reports, "overlap", names),
        "crossings": _plain(crossings, names),
        "map_data": map_data(region, children, reports, names),
        "crs_choices": crs_choices(region),
    }
