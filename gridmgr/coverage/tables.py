"""The tables of a coverage report, shared by its PDF and XLSX exports and the coverage page.

Headers, titles and bilingual cells carry both languages: the XLSX, the PDF and the page show
the active one (gridmgr.i18n); the XLSX's sheet names keep both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from geodata.coverage import holders
from geodata.readers import Feature
from gridmgr.coverage.analysis import LayerCoverage
from gridmgr.i18n import local, local_label
from gridmgr.models import Layer

# Number formats by kind: Excel's, and Python's for the PDF.
XLSX_FORMATS = {
    "m2": "#,##0.0",
    "pct": "0.000",
    "int": "0",
    "deg": "0.000000",
    "dm2": "+#,##0.0;-#,##0.0;0.0",
    "dpct": "+0.000;-0.000;0.000",
    "dint": "+0;-0;0",
}
TEXT_FORMATS = {
    "m2": "{:,.1f}",
    "pct": "{:.3f}",
    "int": "{:d}",
    "deg": "{:.6f}",
    "dm2": "{:+,.1f}",
    "dpct": "{:+.3f}",
    "dint": "{:+d}",
}
# Bilingual cells ("中文 / English"): Column.text shows the active language.
LEVELS = {
    "district": "区 / district",
    "subdistrict": "街道 / sub-district",
    "community": "社区 / community",
}
# Said as the grid manager does it in the product: the coverage page's button, not a command.
NO_SNAPSHOT = (
    "尚无快照（指挥中心可在“网格覆盖”页面点“保存快照”保存一次）"
    ' / no snapshot yet (the command centre saves one with "Save snapshot" on the Coverage page)'
)
CROSSINGS = {
    "crossing_parent": "越出上级网格 / beyond parent zone",
    "outside_district": "越出辖区 / outside district",
}


@dataclass
class Column:
    """A column: a bilingual header, a number format kind ("" for text), shown in the PDF or not."""

    zh: str
    en: str
    kind: str = ""
    in_pdf: bool = True
    wrap: bool = False  # long text (lists of zone codes) may wrap in the PDF
    bilingual: bool = False  # cells are "中文 / English" (LEVELS, CROSSINGS)
    layer: bool = False  # cells are layer names, printed as `names` says (layer_labels())

    def text(self, value: Any, names: Mapping[str, str] | None = None) -> str:
        """The value as the PDF and the page print it, in the active language: bilingual cells
        by their half, layer names by `names` (layer_labels()); numbers in TEXT_FORMATS."""
        if value is None or value == "":
            return "—"
        if self.bilingual:
            return local_label(value)
        if self.layer and names is not None:
            return names.get(value, str(value))
        return TEXT_FORMATS[self.kind].format(value) if self.kind else str(value)


@dataclass
class Table:
    """One table of the report: one sheet of the XLSX, one section of the PDF."""

    sheet: str
    zh: str
    en: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    empty: str = "无 / none"


def layer_labels() -> dict[str, str]:
    """Each layer's name as the active language shows it (its English name in English)."""
    return {name: local(name, en) for name, en in Layer.objects.values_list("name", "name_en")}


def coverage_tables(reports: list[LayerCoverage], subregions: list[Feature]) -> list[Table]:
    """The summary, by-region, blind spot, overlap, crossing and change tables."""
    return [
        _summary(reports),
        _by_region(reports),
        _blind(reports, subregions),
        _overlaps(reports, subregions),
        _crossings(reports),
        _change(reports),
    ]


def _summary(reports: list[LayerCoverage]) -> Table:
    table = Table(
        "汇总 Summary",
        "覆盖汇总",
        "Summary",
        [
            Column("区域代码", "Region code", in_pdf=False),
            Column("区域", "Region", in_pdf=False),
            Column("图层", "Layer", layer=True),
            Column("总面积 m²", "Total m²", "m2"),
            Column("已覆盖 m²", "Covered m²", "m2"),
            Column("盲区 m²", "Blind m²", "m2"),
            Column("重叠 m²", "Overlap m²", "m2"),
            Column("覆盖率 %", "Coverage %", "pct"),
            Column("网格数", "Zones", "int"),
            Column("盲区数", "Blind spots", "int"),
            Column("重叠数", "Overlaps", "int"),
            Column("碎片数", "Slivers", "int"),
            Column("无责任人网格", "Zones without owner", "int"),
        ],
    )
    for r in reports:
        table.rows.append(
            [
                r.region,
                r.region_name,
                r.layer,
                r.total_m2,
                r.covered_m2,
                r.blind_m2,
                r.overlap_m2,
                r.coverage_pct,
                r.zone_count,
                len(r.blind),
                len(r.overlaps),
                r.slivers,
                len(r.unowned),
            ]
        )
    return table


def _by_region(reports: list[LayerCoverage]) -> Table:
    columns = [
        Column("代码", "Code"),
        Column("名称", "Name"),
        Column("级别", "Level", in_pdf=False, bilingual=True),
        Column("面积 m²", "Area m²", "m2"),
    ]
    english = dict(Layer.objects.values_list("name", "name_en"))
    for r in reports:
        en = english.get(r.layer) or r.layer
        columns += [
            Column(f"{r.layer} 盲区 m²", f"{en} blind m²", "m2", in_pdf=False),
            Column(f"{r.layer} 覆盖率 %", f"{en} coverage %", "pct"),
        ]
    table = Table("分区覆盖率 By region", "分区覆盖率", "Coverage by region", columns)
    rows: dict[str, list[Any]] = {}
    for i, r in enumerate(reports):
        for sub in r.by_region:
            level = LEVELS.get(sub["level"], sub["level"])
            row = rows.setdefault(
                sub["code"],
                [sub["code"], sub["name"], level, sub["area_m2"], *[None] * 2 * len(reports)],
            )
            row[4 + 2 * i : 6 + 2 * i] = [sub["blind_m2"], sub["coverage_pct"]]
    table.rows = list(rows.values())
    return table


def _where(geoms: list[Any], subregions: list[Feature]) -> list[str]:
    """For each piece, the sub-region holding most of it (the rule of the GeoPackage's region)."""
    found = holders(geoms, [f.geometry for f in subregions])
    return ["" if i is None else str(subregions[i].properties["name"]) for i in found]


def _centre(piece: dict[str, Any]) -> tuple[float, float]:
    minx, miny, maxx, maxy = piece["bbox"]
    return (minx + maxx) / 2, (miny + maxy) / 2


def _blind(reports: list[LayerCoverage], subregions: list[Feature]) -> Table:
    table = Table(
        "盲区 Blind spots",
        "盲区清单",
        "Blind spots",
        [
            Column("图层", "Layer", layer=True),
            Column("序号", "No.", "int"),
            Column("面积 m²", "Area m²", "m2"),
            Column("所在区域", "Located in", in_pdf=bool(subregions)),
            Column("中心经度", "Centre lon", "deg"),
            Column("中心纬度", "Centre lat", "deg"),
        ],
    )
    for r in reports:
        where = _where(r.geoms.get("blind", []), subregions)
        for i, (p, place) in enumerate(zip(r.blind, where, strict=True), 1):
            table.rows.append([r.layer, i, p["area_m2"], place, *_centre(p)])
    return table


def _overlaps(reports: list[LayerCoverage], subregions: list[Feature]) -> Table:
    table = Table(
        "重叠 Overlaps",
        "重叠清单",
        "Overlaps",
        [
            Column("图层", "Layer", layer=True),
            Column("序号", "No.", "int"),
            Column("面积 m²", "Area m²", "m2"),
            Column("重叠网格", "Zones", wrap=True),
            Column("所在区域", "Located in", in_pdf=bool(subregions)),
            Column("中心经度", "Centre lon", "deg"),
            Column("中心纬度", "Centre lat", "deg"),
        ],
    )
    for r in reports:
        where = _where(r.geoms.get("overlaps", []), subregions)
        for i, (p, place) in enumerate(zip(r.overlaps, where, strict=True), 1):
            zones = ", ".join(p["zones"])
            table.rows.append([r.layer, i, p["area_m2"], zones, place, *_centre(p)])
    return table


def _crossings(reports: list[LayerCoverage]) -> Table:
    table = Table(
        "越界 Crossings",
        "越界清单",
        "Zones crossing their parent zone or the district border",
        [
            Column("图层", "Layer", layer=True),
            Column("类型", "Kind", bilingual=True),
            Column("面积 m²", "Area m²", "m2"),
            Column("网格", "Zones", wrap=True),
            Column("中心经度", "Centre lon", "deg"),
            Column("中心纬度", "Centre lat", "deg"),
        ],
    )
    for r in reports:
        for key, kind in CROSSINGS.items():
            for p in getattr(r, key):
                table.rows.append([r.layer, kind, p["area_m2"], ", ".join(p["zones"]), *_centre(p)])
    return table


def _change(reports: list[LayerCoverage]) -> Table:
    table = Table(
        "变化 Change",
        "较上次快照的变化",
        "Change since the last snapshot",
        [
            Column("图层", "Layer", layer=True),
            Column("上次快照", "Last snapshot"),
            Column("盲区 m²", "Blind m²", "dm2"),
            Column("重叠 m²", "Overlap m²", "dm2"),
            Column("覆盖率 %", "Coverage %", "dpct"),
            Column("盲区数", "Blind spots", "dint"),
            Column("重叠数", "Overlaps", "dint"),
        ],
        empty=NO_SNAPSHOT,
    )
    for r in reports:
        if r.change is None:
            continue
        c = r.change
        since = timezone.localtime(dt.datetime.fromisoformat(c["since"]))
        table.rows.append(
            [
                r.layer,
                f"{since:%Y-%m-%d %H:%M}",
                c["blind_m2"],
                c["overlap_m2"],
                c["coverage_pct"],
                c["blind_count"],
                c["overlap_count"],
            ]
        )
    return table
