"""Duplicate reports: open cases of the same category close by in space and time.

A case is a possible duplicate of a report at (lon, lat, at) when it is open, not merged, of the
same category, within GRIDMGR_DUPLICATE_RADIUS_M metres (geodesic distance) and reported within
GRIDMGR_DUPLICATE_HOURS hours before or after `at`. The centre decides and merges (cases.merge).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from gridmgr.models import Category, Issue

# A degree box first, so that the GiST index on location prunes before the geodesic distance.
_SQL = """
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g)
SELECT i.id
FROM gridmgr_issue i, pt
WHERE i.category_id = %(category)s
  AND i.status = ANY(%(open)s) AND i.merged_into_id IS NULL
  AND i.reported_at BETWEEN %(since)s AND %(until)s
  AND i.location && ST_Expand(pt.g, %(box)s)
  AND ST_DWithin(i.location::geography, pt.g::geography, %(radius)s)
  AND i.id <> ALL(%(exclude)s)
ORDER BY ST_Distance(i.location::geography, pt.g::geography), i.reported_at, i.id
"""


def find_duplicates(
    lon: float,
    lat: float,
    category: Category,
    at: dt.datetime | None = None,
    *,
    exclude: list[int] | None = None,
) -> list[Issue]:
    """Open cases that may report the same problem as a report here and now, nearest first."""
    at = at or timezone.now()
    radius = float(settings.GRIDMGR_DUPLICATE_RADIUS_M)
    window = dt.timedelta(hours=float(settings.GRIDMGR_DUPLICATE_HOURS))
    params: dict[str, Any] = {
        "lon": lon,
        "lat": lat,
        "category": category.pk,
        "open": list(Issue.OPEN_STATUSES),
        "since": at - window,
        "until": at + window,
        # 1 degree of latitude is ~111 km; longitude degrees shrink with latitude, so widen by 3.
        "box": radius / 111_000.0 * 3.0,
        "radius": radius,
        "exclude": exclude or [],
    }
    # Raw SQL: ST_DWithin in metres on ::geography; the ORM's dwithin on lon/lat takes degrees.
    with connection.cursor() as cur:
        cur.execute(_SQL, params)
        ids = [row[0] for row in cur.fetchall()]
    found = Issue.objects.in_bulk(ids)
    return [found[pk] for pk in ids]
