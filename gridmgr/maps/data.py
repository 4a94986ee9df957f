"""What the map page draws: zones limited to the view, vector tiles, regions, stations, issues,
and the district's blind spots and overlaps.

Every feature collection is built in one SQL statement with ST_AsGeoJSON and json_agg (the
Django serializer is 50× slower on a large layer), simplified to about half a screen pixel at
the requested zoom, and limited to the view. Unit-grid layers are drawn from
GRIDMGR_MAP_UNIT_GRID_MIN_ZOOM on, or earlier when the view holds fewer than
GRIDMGR_MAP_SPARSE_FEATURES zones; no response holds more than GRIDMGR_MAP_MAX_FEATURES zones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import shapely
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from gridmgr.coverage.cache import computed_once, layer_key, layer_report
from gridmgr.i18n import local_label, local_name
from gridmgr.models import Issue, Layer, Region, Zone
from gridmgr.models.owners import current_sql
from gridmgr.viewport.palette import STATUS_COLOURS
from gridmgr.viewport.view import (
    MAX_ZOOM,
    BBox,
    MapRequestError,
    coordinate_digits,
    min_zoom,
    simplify_tolerance,
)

# Vector tiles: extent and buffer in tile units (the PostGIS defaults).
MVT_EXTENT = 4096
MVT_BUFFER = 64


# The owner shown is the one holding the layer's owner role, else any current owner; the state
# says whether anyone owns the zone and whether it overlaps another (from the cached analysis).
_ZONES_SQL = f"""
WITH picked AS (
  SELECT z.id, z.code, z.geom FROM gridmgr_zone z
  WHERE z.active AND z.layer_id = %(layer)s
    AND z.geom && ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326)
  ORDER BY z.code LIMIT %(limit)s
), rows AS (
  SELECT p.id, p.code, o.owner_id,
    CASE WHEN o.owner_id IS NULL THEN 'unowned'
         WHEN p.id = ANY(%(overlapping)s::bigint[]) THEN 'overlap' ELSE 'owned' END AS state,
    ST_AsGeoJSON(ST_SimplifyPreserveTopology(p.geom, %(tol)s), %(digits)s)::json AS geometry
  FROM picked p
  LEFT JOIN LATERAL (
    SELECT w.owner_id FROM gridmgr_ownership w
    WHERE w.zone_id = p.id AND {current_sql("w")}
    ORDER BY (w.role = %(role)s) DESC, w.id LIMIT 1) o ON true
)
SELECT
  coalesce(json_agg(json_build_object('type', 'Feature', 'id', r.id, 'geometry', r.geometry,
    'properties', json_build_object('code', r.code, 'owner', r.owner_id, 'state', r.state))),
    '[]'::json)::text,
  (SELECT coalesce(json_object_agg(ow.id, ow.name), '{{}}'::json)::text FROM gridmgr_owner ow
   WHERE ow.id IN (SELECT owner_id FROM rows)),
  count(*)
FROM rows r
"""


def _envelope_count(layer: Layer, bbox: BBox, probe: int) -> int:
    """The active zones of the layer in the view, counted up to `probe` at most."""
    in_view = Zone.objects.filter(active=True, layer=layer, geom__bboverlaps=bbox.polygon())
    return in_view.order_by()[:probe].count()


def _collection(features: str, meta: dict[str, Any]) -> str:
    """A FeatureCollection around features already encoded by PostgreSQL (not parsed again)."""
    return f'{{"type":"FeatureCollection","meta":{json.dumps(meta)},"features":{features}}}'


def layer_geojson(layer: Layer, bbox: BBox, zoom: int) -> str:
    """The active zones of a layer in the view, as GeoJSON text with a 'meta' member."""
    cap = int(settings.GRIDMGR_MAP_MAX_FEATURES)
    sparse = int(settings.GRIDMGR_MAP_SPARSE_FEATURES)
    count = _envelope_count(layer, bbox, max(cap, sparse) + 1)
    meta: dict[str, Any] = {"layer": layer.pk, "zoom": zoom, "min_zoom": min_zoom(layer)}
    if zoom < min_zoom(layer) and count >= sparse:
        return _collection("[]", {**meta, "hidden": "zoom", "in_view": count, "owners": {}})
    params: dict[str, Any] = {
        "layer": layer.pk,
        "limit": cap,
        "overlapping": sorted(overlapping_zone_ids(layer)),
        "tol": simplify_tolerance(zoom),
        "digits": coordinate_digits(zoom),
        "day": timezone.localdate(),
        "role": layer.owner_role,
        **bbox.params(),
    }
    # Raw SQL: GeoJSON built by PostgreSQL in one statement (the module docstring says why).
    with connection.cursor() as cur:
        cur.execute(_ZONES_SQL, params)
        features, owners, n = cur.fetchone()
    meta.update(count=n, truncated=count > cap, owners=json.loads(owners))
    return _collection(features, meta)


# One statement: the crowding check (only below the layer's minimum zoom), then the tile.
# Zones whose geometry collapses in the tile (NULL from ST_AsMVTGeom) are skipped by ST_AsMVT;
# filtering them in SQL would make PostgreSQL compute ST_AsMVTGeom twice.
_TILE_SQL = """
WITH crowded AS (
  SELECT count(*) >= %(sparse)s AS yes FROM (
    SELECT 1 FROM gridmgr_zone z
    WHERE %(check)s AND z.active AND z.layer_id = %(layer)s
      AND z.geom && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s), 4326)
    LIMIT %(sparse)s) s
), rows AS (
  SELECT z.id, z.code,
    ST_AsMVTGeom(ST_Transform(z.geom, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
                 %(extent)s, %(buffer)s, true) AS geom
  FROM gridmgr_zone z, crowded
  WHERE NOT crowded.yes AND z.active AND z.layer_id = %(layer)s
    AND z.geom && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s), 4326)
)
SELECT ST_AsMVT(rows, 'zones', %(extent)s, 'geom', 'id') FROM rows
"""


def tile(layer: Layer, z: int, x: int, y: int) -> bytes:
    """A Mapbox vector tile of a layer's active zones (empty below the layer's zoom rule)."""
    if not (0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        raise MapRequestError("瓦片编号超出范围", f"no tile {z}/{x}/{y}")
    params: dict[str, int | float | bool] = {"layer": layer.pk, "z": z, "x": x, "y": y}
    params.update(extent=MVT_EXTENT, buffer=MVT_BUFFER, margin=MVT_BUFFER / MVT_EXTENT)
    params.update(check=z < min_zoom(layer), sparse=int(settings.GRIDMGR_MAP_SPARSE_FEATURES))
    # Raw SQL: ST_AsMVT vector tiles have no ORM spelling.
    with connection.cursor() as cur:
        cur.execute(_TILE_SQL, params)
        row = cur.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


_REGIONS_SQL = """
WITH rows AS (
  SELECT r.id, r.code, r.name, r.level, ST_PointOnSurface(r.boundary) AS label,
    ST_AsGeoJSON(ST_SimplifyPreserveTopology(r.boundary, %(tol)s), %(digits)s)::json AS geometry
  FROM gridmgr_region r
  WHERE r.boundary && ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326)
  ORDER BY length(r.code), r.code
)
SELECT coalesce(json_agg(json_build_object('type', 'Feature', 'id', id, 'geometry', geometry,
  'properties', json_build_object('code', code, 'name', name, 'level', level,
    'label', json_build_array(round(ST_X(label)::numeric, 6), round(ST_Y(label)::numeric, 6))))),
  '[]'::json)::text
FROM rows
"""


def region_geojson(bbox: BBox, zoom: int) -> str:
    """Administrative regions in the view (outlines for context), with a label point each."""
    params = {"tol": simplify_tolerance(zoom), "digits": coordinate_digits(zoom), **bbox.params()}
    # Raw SQL: GeoJSON built by PostgreSQL in one statement (the module docstring says why).
    with connection.cursor() as cur:
        cur.execute(_REGIONS_SQL, params)
        return _collection(cur.fetchone()[0], {"zoom": zoom})


_STATIONS_SQL = """
SELECT coalesce(json_agg(json_build_object('type', 'Feature', 'id', s.id,
  'geometry', ST_AsGeoJSON(s.location, 6)::json,
  'properties', json_build_object('name', s.name, 'address', s.address, 'cadre', o.name,
    'phone', o.phone, 'zone', s.package_area_id, 'zone_code', z.code)) ORDER BY s.name),
  '[]'::json)::text
FROM gridmgr_station s
LEFT JOIN gridmgr_owner o ON o.id = s.cadre_id
LEFT JOIN gridmgr_zone z ON z.id = s.package_area_id
"""


def station_geojson() -> str:
    """Every station (驻点) with its cadre and package area."""
    # Raw SQL: GeoJSON built by PostgreSQL in one statement (the module docstring says why).
    with connection.cursor() as cur:
        cur.execute(_STATIONS_SQL)
        return _collection(cur.fetchone()[0], {})


_ISSUES_SQL = """
SELECT coalesce(json_agg(json_build_object('type', 'Feature', 'id', i.id,
  'geometry', ST_AsGeoJSON(i.location, 6)::json,
  'properties', json_build_object('status', i.status, 'category', c.name,
    'category_en', c.name_en, 'tracking', i.tracking_number,
    'reported', to_char(i.reported_at AT TIME ZONE %s, 'YYYY-MM-DD'),
    'zone', i.zone_id))), '[]'::json)::text,
  count(*)
FROM gridmgr_issue i JOIN gridmgr_category c ON c.id = i.category_id
WHERE i.id IN ({ids})
"""


def issue_geojson(issues: QuerySet[Issue], bbox: BBox | None, *, open_only: bool) -> str:
    """Issues (those the caller may see, passed in) as points, latest first, capped."""
    # visible_issues() may be .distinct() (role filters join routings): flatten to ids first.
    issues = Issue.objects.filter(pk__in=issues.order_by().values("pk"))
    if open_only:
        issues = issues.filter(status__in=Issue.OPEN_STATUSES)
    if bbox is not None:
        issues = issues.filter(location__bboverlaps=bbox.polygon())
    cap = int(settings.GRIDMGR_MAP_MAX_ISSUES)
    latest = issues.order_by("-reported_at", "-id").values("id")[:cap]
    try:
        ids_sql, ids_params = latest.query.sql_with_params()
    except EmptyResultSet:  # a user who may see no issue at all
        return _collection("[]", {"count": 0, "truncated": False})
    # Raw SQL: GeoJSON of up to GRIDMGR_MAP_MAX_ISSUES points built by PostgreSQL, as above.
    with connection.cursor() as cur:
        cur.execute(_ISSUES_SQL.format(ids=ids_sql), [settings.TIME_ZONE, *ids_params])
        features, n = cur.fetchone()
    return _collection(features, {"count": n, "truncated": n >= cap})


@dataclass
class LayerCoverageMap:
    """Blind spots and overlaps of one layer over the district, ready for the map."""

    overlapping: list[int]  # ids of the layer's zones that take part in an overlap
    features: list[str]  # GeoJSON features, already encoded


def layer_coverage(layer: Layer) -> LayerCoverageMap:
    """A layer's coverage of the district, cached until a plan, zone or ownership changes."""

    def analyse() -> LayerCoverageMap:
        district = Region.objects.district()
        return _analyse(district, layer) if district is not None else LayerCoverageMap([], [])

    key = layer_key("gridmgr:map:coverage:", layer)
    seconds = int(settings.GRIDMGR_MAP_COVERAGE_CACHE_S)
    return computed_once(key, LayerCoverageMap, analyse, seconds)


def _analyse(district: Region, layer: Layer) -> LayerCoverageMap:
    # The coverage page's report of the district, from its cache: one analysis serves both.
    report = layer_report(district, layer)
    codes = {code for piece in report.overlaps for code in piece["zones"]}
    overlapping = Zone.objects.active().filter(layer=layer, code__in=codes).order_by("id")
    features = []
    for kind, pieces, geoms in (
        ("blind", report.blind, report.geoms["blind"]),
        ("overlap", report.overlaps, report.geoms["overlaps"]),
    ):
        for piece, geom in zip(pieces, geoms, strict=True):
            props = {"kind": kind, "layer": layer.pk, "layer_name": layer.name}
            props.update(area_m2=piece["area_m2"], zones=piece["zones"])
            features.append(
                f'{{"type":"Feature","geometry":{shapely.to_geojson(geom)},'
                f'"properties":{json.dumps(props, ensure_ascii=False)}}}'
            )
    return LayerCoverageMap(list(overlapping.values_list("id", flat=True)), features)


def overlapping_zone_ids(layer: Layer) -> list[int]:
    """Active zones of a layer that overlap another one (from the cached district analysis)."""
    return layer_coverage(layer).overlapping


def coverage_geojson() -> str:
    """Blind spots and overlaps of every layer (pieces above GRIDMGR_SLIVER_M2)."""
    features = [f for layer in Layer.objects.all() for f in layer_coverage(layer).features]
    return _collection(f"[{','.join(features)}]", {"count": len(features)})


def page_config() -> dict[str, Any]:
    """What the map page needs before its first request: extent, layers, limits.

    Labels (a layer's, the issue statuses') are in the active language.
    """
    district = Region.objects.district()
    layers = Layer.objects.order_by("rank", "name")
    return {
        "bounds": list(district.boundary.extent) if district is not None else None,
        "district": district.name if district is not None else "",
        "layers": [
            {
                "id": layer.pk,
                "name": layer.name,
                "name_en": layer.name_en,
                "label": local_name(layer),
                "rank": layer.rank,
                "unit_grid": layer.is_unit_grid,
                "min_zoom": min_zoom(layer),
            }
            for layer in layers
        ],
        "statuses": {status: local_label(label) for status, label in Issue.Status.choices},
        "open_statuses": list(Issue.OPEN_STATUSES),
        "status_colours": STATUS_COLOURS,
        "max_zoom": MAX_ZOOM,
    }
