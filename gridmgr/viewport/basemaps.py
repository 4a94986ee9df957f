"""Base maps under every map, and the context drawn when there is none.

A district's intranet often has no internet: the base map is either a tile server of its own
(GRIDMGR_BASEMAP = "wmts"), an MBTiles file the district already has, served by the app itself
("mbtiles"), a public service ("osm", "tianditu"), or nothing ("none"). With no base map, a pin
would sit on an empty canvas, so the maps draw the regions and zones around the view with their
names (`context_geojson`): enough for a citizen to tell where they are.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import connection

from gridmgr.errors import GridError
from gridmgr.viewport.view import MAX_ZOOM, BBox, coordinate_digits, simplify_tolerance

TIANDITU_URL = (
    "https://t{s}.tianditu.gov.cn/%(layer)s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=%(layer)s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=%(key)s"
)
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# Where the app serves the tiles of GRIDMGR_MBTILES_PATH (gridmgr/maps/urls.py).
MBTILES_URL = "/map/basemap/{z}/{x}/{y}"
# Raster tile formats a browser draws as images, with their content types.
RASTER_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


class BaseMapError(GridError):
    """A base-map file that cannot be served."""


@dataclass(frozen=True)
class MBTiles:
    """What the metadata of an MBTiles file says about its tiles."""

    path: Path
    content_type: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None
    attribution: str


def _open(path: Path) -> sqlite3.Connection:
    # Read-only and immutable: the file is never written, and several workers read it at once.
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)


@lru_cache(maxsize=4)
def mbtiles(path_text: str) -> MBTiles:
    """Read and check the metadata of an MBTiles file (raster tiles only)."""
    path = Path(path_text)
    if not path.is_file():
        raise BaseMapError(f"找不到底图文件 {path}", f"base-map file {path} not found")
    try:
        with _open(path) as db:
            meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
            zooms = db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BaseMapError(
            f"底图文件 {path} 不是有效的 MBTiles 文件（{exc}）",
            f"base-map file {path} is not a valid MBTiles file ({exc})",
        ) from None
    kind = str(meta.get("format", "png")).lower()
    if kind not in RASTER_TYPES:
        raise BaseMapError(
            f"底图文件 {path} 的瓦片格式为 {kind}，仅支持栅格瓦片（png、jpg、webp）",
            f"base-map file {path} holds {kind} tiles; only raster tiles (png, jpg, webp) are served",
        )
    return MBTiles(
        path=path,
        content_type=RASTER_TYPES[kind],
        min_zoom=int(meta.get("minzoom", zooms[0] if zooms[0] is not None else 0)),
        max_zoom=int(meta.get("maxzoom", zooms[1] if zooms[1] is not None else MAX_ZOOM)),
        bounds=_bounds(meta.get("bounds")),
        attribution=str(meta.get("attribution", "")),
    )


def _bounds(text: str | None) -> tuple[float, float, float, float] | None:
    try:
        west, south, east, north = (float(v) for v in str(text).split(","))
    except ValueError:
        return None
    return (west, south, east, north)


_local = threading.local()


def mbtiles_tile(z: int, x: int, y: int) -> tuple[bytes | None, str]:
    """The tile z/x/y (XYZ addressing) of the configured MBTiles file, and its content type."""
    info = mbtiles(str(settings.GRIDMGR_MBTILES_PATH))
    if not (0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        raise BaseMapError("瓦片编号超出范围", f"no tile {z}/{x}/{y}")
    # One connection per thread: sqlite3 connections are not shared across threads.
    cache = getattr(_local, "dbs", None)
    if cache is None:
        cache = _local.dbs = {}
    db = cache.get(info.path) or cache.setdefault(info.path, _open(info.path))
    # MBTiles rows count from the south (TMS): row = 2^z - 1 - y.
    row = db.execute(
        "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
        (z, x, (1 << z) - 1 - y),
    ).fetchone()
    return (bytes(row[0]) if row else None), info.content_type


def basemap() -> list[dict[str, Any]]:
    """Tile layers of the configured base map (GRIDMGR_BASEMAP); none gives an empty list."""
    kind = str(settings.GRIDMGR_BASEMAP).strip().lower()
    key = str(settings.GRIDMGR_TIANDITU_KEY)
    wmts = str(settings.GRIDMGR_WMTS_URL)
    if kind == "osm":
        return [{"url": OSM_URL, "maxZoom": 19, "attribution": "© OpenStreetMap contributors"}]
    if kind == "tianditu" and key:
        return [
            {
                "url": TIANDITU_URL % {"layer": layer, "key": key},
                "subdomains": "01234567",
                "maxZoom": 18,
                "attribution": "天地图 / Tianditu",
            }
            for layer in ("vec", "cva")
        ]
    if kind == "wmts" and wmts:
        # A RESTful WMTS template in Web Mercator; its {TileMatrix}… names become Leaflet's.
        for name, short in (("{TileMatrix}", "{z}"), ("{TileRow}", "{y}"), ("{TileCol}", "{x}")):
            wmts = wmts.replace(name, short)
        return [{"url": wmts, "maxZoom": 20, "attribution": ""}]
    if kind == "mbtiles":
        return [_mbtiles_layer(mbtiles(str(settings.GRIDMGR_MBTILES_PATH)))]
    return []


BASEMAP_KINDS = ("none", "mbtiles", "osm", "tianditu", "wmts")


def check_basemap(**_: Any) -> list[checks.CheckMessage]:
    """System check: the configured base map exists and can be served (run at start-up)."""
    kind = str(settings.GRIDMGR_BASEMAP).strip().lower()
    if kind not in BASEMAP_KINDS:
        return [
            checks.Error(
                f"GRIDMGR_BASEMAP={kind!r} 无效，应为 {'、'.join(BASEMAP_KINDS)} 之一 / "
                f"GRIDMGR_BASEMAP={kind!r} is not one of {', '.join(BASEMAP_KINDS)}",
                id="gridmgr.E001",
            )
        ]
    if kind == "mbtiles":
        try:
            mbtiles(str(settings.GRIDMGR_MBTILES_PATH))
        except BaseMapError as error:
            return [checks.Error(f"{error.zh} / {error.en}", id="gridmgr.E002")]
    return []


def _mbtiles_layer(info: MBTiles) -> dict[str, Any]:
    """Leaflet options for the app's own tiles: beyond the file's zooms, its tiles are scaled."""
    layer: dict[str, Any] = {
        "url": MBTILES_URL,
        "maxZoom": MAX_ZOOM,
        "minNativeZoom": info.min_zoom,
        "maxNativeZoom": info.max_zoom,
        "attribution": info.attribution,
    }
    if info.bounds is not None:
        west, south, east, north = info.bounds
        layer["bounds"] = [[south, west], [north, east]]
    return layer


# Per layer (and for the regions), the view's features are drawn only when they are few enough
# to be read: a whole district's 30k unit grids would be noise, a handful around a pin is context.
_CONTEXT_SQL = """
WITH env AS (SELECT ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326) AS e),
zones AS (
  SELECT 'zone' AS kind, z.code, z.name, l.name AS label_zh, l.name_en AS label_en,
    l.rank AS rank, l.is_unit_grid AS unit, z.geom, count(*) OVER (PARTITION BY z.layer_id) AS n
  FROM gridmgr_zone z JOIN gridmgr_layer l ON l.id = z.layer_id, env
  WHERE z.active AND z.geom && env.e
),
regions AS (
  SELECT 'region' AS kind, r.code, r.name, r.level AS label_zh, r.level AS label_en,
    -1 AS rank, false AS unit, r.boundary AS geom, count(*) OVER (PARTITION BY r.level) AS n
  FROM gridmgr_region r, env
  WHERE r.boundary && env.e
),
picked AS (
  SELECT * FROM zones WHERE n <= %(cap)s
  UNION ALL SELECT * FROM regions WHERE n <= %(cap)s
)
SELECT coalesce(json_agg(json_build_object('type', 'Feature',
  'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(p.geom, %(tol)s), %(digits)s)::json,
  'properties', json_build_object('kind', p.kind, 'code', p.code, 'name', p.name,
    'layer', p.label_zh, 'layer_en', p.label_en, 'rank', p.rank, 'unit', p.unit,
    'label', (SELECT json_build_array(round(ST_X(pt)::numeric, 6), round(ST_Y(pt)::numeric, 6))
              FROM ST_PointOnSurface(ST_Intersection(p.geom, env.e)) pt
              WHERE NOT ST_IsEmpty(pt))))
  ORDER BY p.rank, p.code), '[]'::json)::text
FROM picked p, env
"""


def context_geojson(bbox: BBox, zoom: int) -> str:
    """Regions and active zones in the view, with names and a label point inside the view.

    Public (the citizen's report page has no login): codes and names only, no owner.
    """
    params = {
        "cap": int(settings.GRIDMGR_MAP_CONTEXT_MAX_FEATURES),
        "tol": simplify_tolerance(zoom),
        "digits": coordinate_digits(zoom),
        **bbox.params(),
    }
    # Raw SQL: per-layer window counts and the GeoJSON built by PostgreSQL in one statement.
    with connection.cursor() as cur:
        cur.execute(_CONTEXT_SQL, params)
        features = cur.fetchone()[0]
    return f'{{"type":"FeatureCollection","meta":{{"zoom":{zoom}}},"features":{features}}}'
