"""Route one point to its zone per layer, owner chain, region and department (hot path).

Semantics, shared with the bulk router (gridmgr.routing.bulk) and tested against it:
- a zone takes a point when it *covers* it, so a point on a shared border is assigned;
- several zones of one layer covering a point: a zone holding it in its interior beats one it
  merely touches on its border; among those, the smallest zone wins, then the lowest code
  (the most specific zone is the most likely to be right); the issue is flagged as lying in an
  overlap when two or more zones contain the point in their interior;
- regions likewise: the deepest level, interior before border, then the lowest code;
- no zone covers it: the nearest active zone of that layer within GRIDMGR_NEAREST_ZONE_M metres
  takes it, flagged with the distance;
- still none, or the zone has no current owner: territorial fallback (属地兜底), the deepest
  enclosing region with a territorial owner takes it, and the issue is flagged as a blind spot;
- a point outside the district is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from gridmgr.errors import OutsideDistrictError
from gridmgr.models.issues import Category, Rule
from gridmgr.models.owners import holder_sql
from gridmgr.routing.prepared import prepared_cursor

# Everything one point needs in one statement (one round trip, one plan):
# part 0: the regions covering the point, in order (deepest level, interior before border, then
#         the lowest code), each with its current territorial owner;
# part 1: the active zones covering the point, whether their interior holds it, and the current
#         owner of each in its layer's role;
# part 2: the layers, top first (rank, name), with their owner roles;
# part 3: the department of a category's parent, when asked for.
# The point is written out in each part: a constant, so each part finds its rows by index.
_POINT = "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)"
_LOCATE_SQL = f"""
SELECT 0, r.id, NULL::bigint, NULL::bigint, NULL::float8, NULL::text, NULL::boolean,
  {holder_sql("o.region_id = r.id AND o.role = 'territorial'")},
  row_number() OVER (
    ORDER BY length(r.code) DESC, ST_Contains(r.boundary, {_POINT}) DESC, r.code)
FROM gridmgr_region r
WHERE ST_Covers(r.boundary, {_POINT})
UNION ALL
SELECT 1, z.id, z.layer_id, z.plan_id, z.area_m2, z.code::text, ST_Contains(z.geom, {_POINT}),
  {holder_sql("o.zone_id = z.id AND o.role = l.owner_role")},
  0
FROM gridmgr_zone z JOIN gridmgr_layer l ON l.id = z.layer_id
WHERE z.active AND ST_Covers(z.geom, {_POINT})
UNION ALL
SELECT 2, l.id, NULL, NULL, NULL, l.owner_role::text, NULL, NULL,
  row_number() OVER (ORDER BY l.rank, l.name)
FROM gridmgr_layer l
"""
_PARENT_DEPARTMENT_SQL = """
UNION ALL
SELECT 3, c.department_id, NULL, NULL, NULL, NULL, NULL, NULL, 0
FROM gridmgr_category c WHERE c.id = %(parent)s
"""
REGION, ZONE, LAYER, DEPARTMENT = range(4)

# A degree box around the point first, so that the GiST index prunes before geodesic distance.
_NEAREST_SQL = """
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326) AS g)
SELECT z.id, z.plan_id, ST_Distance(z.geom::geography, pt.g::geography) AS d
FROM gridmgr_zone z, pt
WHERE z.active AND z.layer_id = %s
  AND z.geom && ST_Expand(pt.g, %s)
  AND ST_DWithin(z.geom::geography, pt.g::geography, %s)
ORDER BY d, z.area_m2, z.code
LIMIT 1
"""

_OWNER_SQL = f"SELECT {holder_sql('o.zone_id = %(zone)s AND o.role = %(role)s')}"


@dataclass
class LayerRoute:
    """The routing of a point in one layer."""

    layer_id: int
    zone_id: int | None
    plan_id: int | None
    owner_id: int | None
    rule: str
    distance_m: float | None = None
    overlap: bool = False


@dataclass
class Route:
    """Where a point goes: per-layer routes (top layer first), region and territorial owner."""

    region_id: int
    layers: list[LayerRoute] = field(default_factory=list)
    fallback_owner_id: int | None = None
    # The handling department, when route_point was given the issue's category.
    department_id: int | None = None

    @property
    def in_overlap(self) -> bool:
        return any(r.overlap for r in self.layers)

    @property
    def in_blind_spot(self) -> bool:
        return any(r.rule == Rule.FALLBACK for r in self.layers)

    @property
    def distance_m(self) -> float | None:
        found = [r.distance_m for r in self.layers if r.distance_m is not None]
        return max(found) if found else None

    @property
    def zone_id(self) -> int | None:
        """Zone of the lowest layer that has one."""
        zoned = [r.zone_id for r in self.layers if r.zone_id is not None]
        return zoned[-1] if zoned else None

    @property
    def owner_id(self) -> int | None:
        """First owner up the chain (lowest layer first), else the territorial owner."""
        for r in reversed(self.layers):
            if r.owner_id is not None and r.rule != Rule.FALLBACK:
                return r.owner_id
        return self.fallback_owner_id


@dataclass(frozen=True)
class LayerInfo:
    id: int
    owner_role: str


def route_point(
    lon: float, lat: float, on: dt.date | None = None, *, category: Category | None = None
) -> Route:
    """Route one WGS84 point with indexed PostGIS lookups (one statement, most of the time).

    With a category, the route also carries the issue's department (the category's own, else
    its parent's), read in the same statement.
    """
    day = on or dt.date.today()
    department, parent = _department(category)
    params: dict[str, Any] = {"lon": lon, "lat": lat, "day": day, "parent": parent}
    sql = _LOCATE_SQL + (_PARENT_DEPARTMENT_SQL if parent is not None else "")
    # Raw SQL: intake's hot path, the whole route of a point in one prepared statement.
    with prepared_cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
        regions = sorted((r for r in rows if r[0] == REGION), key=lambda r: r[8])
        if not regions:
            raise OutsideDistrictError(
                f"位置（{lon:.6f}, {lat:.6f}）不在本区范围内",
                f"location ({lon:.6f}, {lat:.6f}) lies outside the district",
            )
        fallback = next((r[7] for r in regions if r[7] is not None), None)
        candidates = [r[1:] for r in rows if r[0] == ZONE]
        layers = [LayerInfo(r[1], r[5]) for r in sorted(rows, key=lambda r: r[8]) if r[0] == LAYER]
        department = next((r[1] for r in rows if r[0] == DEPARTMENT), department)
        route = Route(region_id=regions[0][1], fallback_owner_id=fallback, department_id=department)
        for layer in layers:
            route.layers.append(_route_layer(cur, layer, candidates, lon, lat, day))
    for r in route.layers:
        if r.rule == Rule.FALLBACK:
            r.owner_id = fallback
    return route


def _department(category: Category | None) -> tuple[int | None, int | None]:
    """The category's own department, else the parent whose department the route should read."""
    if category is None or category.department_id is not None:
        return (category.department_id if category else None), None
    return None, category.parent_id


def _route_layer(
    cur: object, layer: LayerInfo, candidates: list[tuple], lon: float, lat: float, day: dt.date
) -> LayerRoute:
    """Route in one layer; candidates are (id, layer, plan, area, code, contains, owner)."""
    mine = sorted((c for c in candidates if c[1] == layer.id), key=lambda c: (c[3], c[4]))
    if mine:
        # Interior before border, as the bulk router's ZoneIndex decides.
        inside = [c for c in mine if c[5]]
        best = (inside or mine)[0]
        overlap = len(inside) > 1
        route = LayerRoute(
            layer.id,
            best[0],
            best[2],
            best[6],
            Rule.OVERLAP if overlap else Rule.COVERS,
            None,
            overlap,
        )
    else:
        route = _nearest(cur, layer, lon, lat)
        if route.zone_id is not None:
            route.owner_id = _zone_owner(cur, route.zone_id, layer.owner_role, day)
    if route.zone_id is not None and route.owner_id is None:
        route.rule = Rule.FALLBACK
    return route


def _nearest(cur: object, layer: LayerInfo, lon: float, lat: float) -> LayerRoute:
    limit = float(settings.GRIDMGR_NEAREST_ZONE_M)
    if limit > 0:
        # 1 degree of latitude is ~111 km; longitude degrees shrink with latitude, so widen by 3.
        box = limit / 111_000.0 * 3.0
        cur.execute(_NEAREST_SQL, [lon, lat, layer.id, box, limit])  # type: ignore[attr-defined]
        row = cur.fetchone()  # type: ignore[attr-defined]
        if row:
            return LayerRoute(layer.id, row[0], row[1], None, Rule.NEAREST, float(row[2]))
    return LayerRoute(layer.id, None, None, None, Rule.FALLBACK)


def _zone_owner(cur: object, zone_id: int, role: str, day: dt.date) -> int | None:
    cur.execute(_OWNER_SQL, {"zone": zone_id, "role": role, "day": day})  # type: ignore[attr-defined]
    row = cur.fetchone()  # type: ignore[attr-defined]
    return row[0] if row else None
