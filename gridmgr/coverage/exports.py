"""Coverage reports as PDF, XLSX and a map page that opens without a network (the GeoPackage:
coverage_gpkg)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.contrib.gis.geos import GEOSGeometry
from django.contrib.staticfiles import finders
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from shapely.geometry.base import BaseGeometry
from weasyprint import HTML

from geodata.foliummap import coverage_map, standalone_html
from geodata.mapimage import MapLayers, map_svg
from geodata.readers import Feature
from gridmgr.coverage.analysis import LayerCoverage
from gridmgr.coverage.tables import (
    LEVELS,
    XLSX_FORMATS,
    Column,
    Table,
    coverage_tables,
    layer_labels,
)
from gridmgr.errors import GridError
from gridmgr.i18n import local
from gridmgr.models import Region, Zone

LEAFLET_JS = "vendor/leaflet/dist/leaflet.js"


def _shape(geom: GEOSGeometry) -> BaseGeometry:
    return shapely.from_wkb(bytes(geom.wkb))


def _subregions(regions: QuerySet[Region]) -> list[Feature]:
    return [
        Feature(i, {"code": r.code, "name": r.name}, _shape(r.boundary))
        for i, r in enumerate(regions.order_by("code"), 1)
    ]


def map_layers(reports: list[LayerCoverage], region: Region) -> MapLayers:
    """The region, its sub-regions, the active zones of the reports' layers and their pieces."""
    rows = list(
        Zone.objects.filter(active=True, layer__name__in=[r.layer for r in reports])
        .filter(geom__intersects=region.boundary)
        .annotate(wkb=AsWKB("geom"))
        .order_by("layer__rank", "code")
        .values_list("layer__name", "code", "name", "area_m2", "wkb")
    )
    geoms = shapely.from_wkb([bytes(r[4]) for r in rows]) if rows else []
    zones = [
        Feature(i, {"code": code, "name": name, "layer": layer, "area_m2": round(area, 1)}, geom)
        for i, ((layer, code, name, area, _), geom) in enumerate(zip(rows, geoms, strict=True), 1)
    ]
    blind: list[Feature] = []
    overlaps: list[Feature] = []
    for r in reports:
        for p, geom in zip(r.blind, r.geoms.get("blind", []), strict=True):
            blind.append(Feature(len(blind) + 1, {"layer": r.layer, "area_m2": p["area_m2"]}, geom))
        for p, geom in zip(r.overlaps, r.geoms.get("overlaps", []), strict=True):
            props = {"layer": r.layer, "area_m2": p["area_m2"], "zones": p["zones"]}
            overlaps.append(Feature(len(overlaps) + 1, props, geom))
    return MapLayers(
        title=f"{region.name} {region.code}",
        outline=_shape(region.boundary),
        zones=zones,
        subregions=_subregions(region.children.all()),
        blind=blind,
        overlaps=overlaps,
    )


def export_pdf(reports: list[LayerCoverage], region: Region) -> bytes:
    """An A4 report: the map, the summary, coverage by region, the lists and the change."""
    layers = map_layers(reports, region)
    names = layer_labels()
    context = {
        "region": region,
        "level": LEVELS.get(region.level, region.level),
        "generated": timezone.localtime(),
        # 600 px high at most: the summary table fits under the map on the first page.
        "map_svg": map_svg(layers, width=680, max_height=600, words=_map_words()),
        "tables": [_pdf_table(t, names) for t in coverage_tables(reports, layers.subregions)],
    }
    html = render_to_string("reports/coverage.html", context)
    return bytes(HTML(string=html).write_pdf())


def _map_words() -> dict[str, str]:
    """The words of the report's map in the active language (the PDF's)."""
    return {
        "zone": pgettext("map legend", "网格"),
        "blind": gettext("盲区"),
        "overlap": gettext("重叠"),
        "subregion": gettext("下级区域"),
        "boundary": gettext("区域边界"),
        "north": gettext("北"),
    }


def _pdf_table(table: Table, names: dict[str, str]) -> dict[str, Any]:
    """A table as the template prints it: the PDF's columns, numbers formatted and aligned,
    texts in the active language."""
    keep = [i for i, c in enumerate(table.columns) if c.in_pdf]
    columns = [table.columns[i] for i in keep]
    return {
        "zh": table.zh,
        "en": table.en,
        "empty": table.empty,
        "columns": columns,
        "rows": [
            [(c.text(row[i], names), _css_class(c)) for c, i in zip(columns, keep, strict=True)]
            for row in table.rows
        ],
    }


def _css_class(column: Column) -> str:
    return "num" if column.kind else "wrap" if column.wrap else ""


def export_xlsx(reports: list[LayerCoverage]) -> bytes:
    """A workbook with one sheet per table, in the active language (the page's that asked for
    it): headers, layer names and bilingual labels; numbers keep their number formats."""
    subs = (
        Region.objects.filter(parent__code=reports[0].region) if reports else Region.objects.none()
    )
    names = layer_labels()
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in coverage_tables(reports, _subregions(subs)):
        _sheet(workbook.create_sheet(table.sheet), table, names)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(column: Column, value: Any, names: dict[str, str]) -> Any:
    """A value as the sheet holds it: numbers as numbers, words in the active language."""
    if column.kind or value is None or not (column.layer or column.bilingual):
        return value
    return column.text(value, names)


def _sheet(sheet: Worksheet, table: Table, names: dict[str, str]) -> None:
    head = [local(c.zh, c.en) for c in table.columns]
    rows = [[_cell(c, v, names) for c, v in zip(table.columns, r, strict=True)] for r in table.rows]
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    header = Font(bold=True)
    fill = PatternFill("solid", fgColor="E4E7EB")
    for i, column in enumerate(table.columns, 1):
        cell = sheet.cell(row=1, column=i)
        cell.font, cell.fill = header, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if column.kind:
            for (value,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                value.number_format = XLSX_FORMATS[column.kind]
        values = [head[i - 1], *(str(r[i - 1]) for r in rows[:500])]
        width = max(sum(2 if ord(ch) >= 0x2E80 else 1 for ch in v) for v in values)
        sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, 60)
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def export_html(reports: list[LayerCoverage], region: Region) -> str:
    """One HTML page with the coverage map, Leaflet inlined: it opens with no network."""
    return standalone_html(coverage_map(map_layers(reports, region)), _leaflet_dir())


def _leaflet_dir() -> Path:
    found = finders.find(LEAFLET_JS)
    if not found:
        raise GridError(
            "找不到本地 Leaflet（请先运行 npm install）",
            "Leaflet is not installed locally (run npm install)",
        )
    return Path(str(found)).parent
