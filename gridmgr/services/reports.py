"""Write coverage reports as JSON, GeoJSON or CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import shapely

from gridmgr.services.coverage import LayerCoverage


def coverage_json(reports: list[LayerCoverage]) -> dict[str, Any]:
    """Per region and layer: m² totals, coverage %, counts and the listed pieces."""
    return {"reports": [r.summary() for r in reports]}


def coverage_geojson(reports: list[LayerCoverage]) -> dict[str, Any]:
    """Blind spots and overlaps as features with their m² and zones."""
    features = []
    for r in reports:
        for kind, pieces in (("blind", r.blind), ("overlap", r.overlaps)):
            geoms = r.geoms.get("blind" if kind == "blind" else "overlaps", [])
            for piece, geom in zip(pieces, geoms, strict=True):
                features.append(
                    {
                        "type": "Feature",
                        "geometry": json.loads(shapely.to_geojson(geom)),
                        "properties": {
                            "kind": kind,
                            "region": r.region,
                            "layer": r.layer,
                            "area_m2": piece["area_m2"],
                            "zones": ",".join(piece["zones"]),
                        },
                    }
                )
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


def write_coverage(reports: list[LayerCoverage], fmt: str, path: Path | None, out: Any) -> None:
    """Write reports in a format to a path, or to the text stream `out`."""
    if path is None:
        _write(reports, fmt, out)
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        _write(reports, fmt, handle)


def _write(reports: list[LayerCoverage], fmt: str, handle: Any) -> None:
    if fmt == "csv":
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for r in reports:
            row = {k: v for k, v in r.summary().items() if k in CSV_FIELDS}
            row.update(blind_count=len(r.blind), overlap_count=len(r.overlaps))
            writer.writerow(row)
        return
    data = coverage_json(reports) if fmt == "json" else coverage_geojson(reports)
    json.dump(data, handle, ensure_ascii=False, indent=1)
    handle.write("\n")
