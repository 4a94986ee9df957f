"""Export issues with their routing, one row per issue, as CSV or GeoJSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import connection

from gridmgr.models import Layer

_ROWS_SQL = """
SELECT i.id, i.external_id, ST_X(i.location), ST_Y(i.location), c.code, c.name, i.status,
  i.in_overlap, i.in_blind_spot, i.distance_m,
  (SELECT array_agg(coalesce(z.code, '') ORDER BY l.rank, l.name)
   FROM gridmgr_layer l
   LEFT JOIN gridmgr_receipt r ON r.set_id = i.receipt_set AND r.layer_id = l.id
   LEFT JOIN gridmgr_zone z ON z.id = r.zone_id)
FROM gridmgr_issue i JOIN gridmgr_category c ON c.id = i.category_id
ORDER BY i.id
"""


def issue_rows() -> Iterator[dict[str, Any]]:
    """Every issue as a flat record: ids, lon/lat, category, status, zone per layer, flags."""
    layers = list(Layer.objects.order_by("rank", "name").values_list("name", flat=True))
    # Raw SQL: every issue streamed in batches with its zone code per layer aggregated in the row.
    with connection.cursor() as cur:
        cur.execute(_ROWS_SQL)
        while batch := cur.fetchmany(5000):
            for row in batch:
                record = {
                    "id": row[0],
                    "external_id": row[1] or "",
                    "lon": round(row[2], 7),
                    "lat": round(row[3], 7),
                    "category": row[4],
                    "category_name": row[5],
                    "status": row[6],
                }
                record.update({f"zone_{n}": c for n, c in zip(layers, row[10] or [], strict=False)})
                record.update(
                    {
                        "in_overlap": row[7],
                        "in_blind_spot": row[8],
                        "distance_m": None if row[9] is None else round(row[9], 2),
                    }
                )
                yield record


def export_issues(path: Path | None, fmt: str, out: Any = None) -> int:
    """Write every issue to `path` (or the open text stream `out`); returns the count."""
    write = _write_csv if fmt == "csv" else _write_geojson
    if path is None:
        return write(out)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        return write(handle)


def issue_columns() -> list[str]:
    """The fields of an exported issue, known before the first row (an empty export has them)."""
    layers = Layer.objects.order_by("rank", "name").values_list("name", flat=True)
    head = ["id", "external_id", "lon", "lat", "category", "category_name", "status"]
    return [*head, *(f"zone_{n}" for n in layers), "in_overlap", "in_blind_spot", "distance_m"]


def _write_csv(handle: Any) -> int:
    writer = csv.DictWriter(handle, fieldnames=issue_columns())
    writer.writeheader()
    count = 0
    for record in issue_rows():
        writer.writerow(record)
        count += 1
    return count


def _write_geojson(handle: Any) -> int:
    # Streamed feature by feature so a million issues do not sit in memory at once.
    handle.write('{"type": "FeatureCollection", "features": [\n')
    count = 0
    for record in issue_rows():
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [record["lon"], record["lat"]]},
            "properties": record,
        }
        handle.write(("," if count else "") + json.dumps(feature, ensure_ascii=False) + "\n")
        count += 1
    handle.write("]}\n")
    return count
