"""Repeat problems at the same spot (同一点位反复出现的问题), a measure of the closed loop.

A spot is a DBSCAN cluster (PostGIS ST_ClusterDBSCAN) of the issues of one category reported in
the last GRIDMGR_REPEAT_DAYS days: a cluster needs at least GRIDMGR_REPEAT_MIN issues within
GRIDMGR_REPEAT_RADIUS_M metres of a core issue, and chains through core issues, so a long
street of repeats stays one spot. Distances are in metres in the UTM zone of the issues' centre
(scale error under 0.1 %). Rejected reports and merged duplicates do not count; closed cases do:
a problem that comes back after being closed is exactly what this measure is for.
Each spot is listed under the active unit grid that covers its centre, with that grid's owner.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from gridmgr.models import Category, Issue, Owner, Ownership, Zone

_SQL = """
WITH sel AS (
  SELECT i.id, i.category_id, i.reported_at, i.location
  FROM gridmgr_issue i
  WHERE i.reported_at BETWEEN %(since)s AND %(until)s
    AND i.status <> 'rejected' AND i.merged_into_id IS NULL
    AND (%(zone)s::bigint IS NULL
         OR ST_Covers((SELECT z.geom FROM gridmgr_zone z WHERE z.id = %(zone)s), i.location))
),
utm AS (
  SELECT CASE WHEN ST_Y(c) >= 0 THEN 32600 ELSE 32700 END
         + floor((ST_X(c) + 180) / 6)::int + 1 AS srid
  FROM (SELECT ST_Centroid(ST_Extent(location)::geometry) AS c FROM sel) AS e
),
pts AS (
  SELECT sel.*, ST_ClusterDBSCAN(ST_Transform(sel.location, utm.srid),
                                 eps := %(radius)s, minpoints := %(min)s)
                OVER (PARTITION BY sel.category_id) AS cid
  FROM sel, utm
)
SELECT category_id, count(*),
       ST_X(ST_Centroid(ST_Collect(location))), ST_Y(ST_Centroid(ST_Collect(location))),
       min(reported_at), max(reported_at), array_agg(id ORDER BY reported_at, id)
FROM pts WHERE cid IS NOT NULL
GROUP BY category_id, cid
"""


@dataclass
class RepeatSpot:
    """A spot where one category keeps coming back."""

    category: Category
    count: int
    centre: Point
    first_reported: dt.datetime
    last_reported: dt.datetime
    issue_ids: list[int]
    zone: Zone | None = None  # the unit grid covering the centre
    owner: Owner | None = None

    @property
    def zone_code(self) -> str:
        return self.zone.code if self.zone is not None else ""


def repeat_spots(
    zone: Zone | None = None, days: int | None = None, now: dt.datetime | None = None
) -> list[RepeatSpot]:
    """Repeat spots inside `zone` (or everywhere), listed by unit grid code, biggest first."""
    now = now or timezone.now()
    span = settings.GRIDMGR_REPEAT_DAYS if days is None else days
    params = {
        "since": now - dt.timedelta(days=span),
        "until": now,
        "zone": zone.pk if zone is not None else None,
        "radius": float(settings.GRIDMGR_REPEAT_RADIUS_M),
        "min": int(settings.GRIDMGR_REPEAT_MIN),
    }
    # Raw SQL: ST_ClusterDBSCAN, a window function in a UTM projection, has no ORM spelling.
    with connection.cursor() as cur:
        cur.execute(_SQL, params)
        rows = cur.fetchall()
    categories = Category.objects.in_bulk([row[0] for row in rows])
    spots = [
        RepeatSpot(categories[cat], n, Point(x, y, srid=4326), first, last, list(ids))
        for cat, n, x, y, first, last, ids in rows
    ]
    for spot in spots:
        _place(spot, now.date())
    return sorted(spots, key=lambda s: (s.zone_code, -s.count, s.category.code, s.first_reported))


def _place(spot: RepeatSpot, day: dt.date) -> None:
    """Put a spot in the unit grid covering its centre; its owner, else its issues' usual owner."""
    grids = Zone.objects.active().filter(layer__is_unit_grid=True).covering(spot.centre)
    spot.zone = grids.select_related("layer").order_by("area_m2", "code").first()
    if spot.zone is not None:
        owning = Ownership.objects.current(day).filter(
            zone=spot.zone, role=spot.zone.layer.owner_role
        )
        spot.owner = owning.holder()
    if spot.owner is None:
        owners = Issue.objects.filter(pk__in=spot.issue_ids).values_list("owner_id", flat=True)
        usual = Counter(pk for pk in owners if pk is not None).most_common(1)
        spot.owner = Owner.objects.filter(pk=usual[0][0]).first() if usual else None
