"""Write coverage reports as JSON, GeoJSON, CSV, PDF, XLSX, GeoPackage or an HTML map."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import shapely

from gridmgr.coverage.analysis import LayerCoverage
from gridmgr.errors import GridError
from gridmgr.models import Region

FORMATS = ("json", "geojson", "csv", "html", "pdf", "xlsx", "gpkg")
# Binary formats go to a file, never to a text stream.
FILE_FORMATS = ("pdf", "xlsx", "gpkg")


def coverage_json(reports: list[LayerCoverage]) -> dict[str, Any]:
    """Per region and layer: m² totals, coverage %, counts and the listed pieces."""
    return {"reports": [r.summary() for r in reports]}


def coverage_geojson(reports: list[LayerCoverage], region: Region) -> dict[str, Any]:
    """Blind spots and overlaps of a region's reports as features with their m², zones, and the
    sub-district holding most of each (`region`, as in the GeoPackage) and the district."""
    from gridmgr.coverage.gpkg import district_code, subdistricts_of

    rows = [
        (kind, r.layer, piece, geom)
        for r in reports
        for kind, attr in (("blind", "blind"), ("overlap", "overlaps"))
        for piece, geom in zip(getattr(r, attr), r.geoms.get(attr, []), strict=True)
    ]
    places = subdistricts_of(region, [geom for *_, geom in rows])
    district = district_code(region)
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(shapely.to_geojson(geom)),
            "properties": {
                "kind": kind,
                "region": place.code if place else "",
                "region_name": place.name if place else "",
                "district": district,
                "layer": layer,
                "area_m2": piece["area_m2"],
                "zones": ",".join(piece["zones"]),
            },
        }
        for (kind, layer, piece, geom), place in zip(rows, places, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


CSV_FIELDS = [
    "region",
    "region_name",
    "layer",
    "total_m2",
    "covered_m2",
    "blind_m2",
    "overlap_m2",
    "coverage_pct",
    "zone_count",
    "blind_count",
    "overlap_count",
    "slivers",
]


def check_output(fmt: str, path: Path | None) -> None:
    """Refuse to write a binary format (PDF, XLSX, GeoPackage) to a text stream."""
    if fmt in FILE_FORMATS and path is None:
        raise GridError(
            f"{fmt.upper()} 格式须用 --output 指定文件路径，不能输出到 -",
            f"{fmt.upper()} needs --output PATH (a file), not -",
        )


def check_crs(fmt: str, crs: str) -> None:
    """Refuse a coordinate system other than WGS84 for a format that has no choice of one."""
    if fmt != "gpkg" and crs.strip().lower() not in ("", "wgs84"):
        raise GridError(
            f"只有 GeoPackage 可选坐标系；{fmt.upper()} 按 WGS84 输出",
            f"only the GeoPackage takes a coordinate system; {fmt.upper()} is written in WGS84",
        )


def write_coverage(
    reports: list[LayerCoverage],
    fmt: str,
    path: Path | None,
    out: Any,
    region: Region | None = None,
    crs: str = "wgs84",
) -> None:
    """Write reports in a format to a path, or to the text stream `out` (text formats only).

    The PDF, the HTML map and the GeoPackage cover `region`, by default the region of the
    reports; the GeoPackage is written in `crs` (geodata.crs.output_srid).
    """
    check_output(fmt, path)
    check_crs(fmt, crs)
    if fmt == "html":
        _write_html(reports, path, out, region or _region_of(reports))
    elif fmt in FILE_FORMATS and path is not None:
        _write_file(reports, fmt, path, region or _region_of(reports), crs)
    elif path is None:
        _write(reports, fmt, out, region)
    else:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            _write(reports, fmt, handle, region)


def _region_of(reports: list[LayerCoverage]) -> Region:
    if not reports:
        raise GridError("没有可报告的图层", "no layer to report on")
    return Region.objects.get(code=reports[0].region)


def _write_html(reports: list[LayerCoverage], path: Path | None, out: Any, region: Region) -> None:
    # folium, WeasyPrint and openpyxl take a while to import: only for the formats that need them.
    from gridmgr.coverage.exports import export_html

    html = export_html(reports, region)
    if path is None:
        out.write(html)
    else:
        path.write_text(html, encoding="utf-8")


def _write_file(
    reports: list[LayerCoverage], fmt: str, path: Path, region: Region, crs: str
) -> None:
    from gridmgr.coverage import exports
    from gridmgr.coverage.gpkg import export_gpkg

    if fmt == "gpkg":
        export_gpkg(reports, path, region, crs)
    elif fmt == "xlsx":
        path.write_bytes(exports.export_xlsx(reports))
    else:
        path.write_bytes(exports.export_pdf(reports, region))


def _write(reports: list[LayerCoverage], fmt: str, handle: Any, region: Region | None) -> None:
    if fmt == "csv":
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for r in reports:
            row = {k: v for k, v in r.summary().items() if k in CSV_FIELDS}
            row.update(blind_count=len(r.blind), overlap_count=len(r.overlaps))
            writer.writerow(row)
        return
    if fmt == "json":
        data = coverage_json(reports)
    else:
        data = coverage_geojson(reports, region or _region_of(reports))
    json.dump(data, handle, ensure_ascii=False, indent=1)
    handle.write("\n")
