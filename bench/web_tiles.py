"""Vector tiles of the dense layer: gridmgr's tile function against bare ST_AsMVT on the same
tiles, table and connection, and the same tiles through gunicorn for reference."""

from __future__ import annotations

import http.client
import math
import statistics
import time
from dataclasses import dataclass

from bench.loadgen import LOCALHOST
from bench.measure import Results, Row

TILE_TARGET = 2.0  # gridmgr's tile at most 2× the bare ST_AsMVT
SECTION = "web: vector tiles"

# The same tile as gridmgr's (features, properties, buffer, margin), with nothing else: no
# crowding check, no Django cursor wrapper.
RAW_TILE_SQL = """
SELECT ST_AsMVT(t, 'zones', %(extent)s, 'geom', 'id') FROM (
  SELECT z.id, z.code,
    ST_AsMVTGeom(ST_Transform(z.geom, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
                 %(extent)s, %(buffer)s, true) AS geom
  FROM gridmgr_zone z
  WHERE z.layer_id = %(layer)s AND z.active
    AND z.geom && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s), 4326)
) t
"""

_COUNT_SQL = """
SELECT count(*) FROM gridmgr_zone z WHERE z.layer_id = %s AND z.active
  AND z.geom && ST_Transform(ST_TileEnvelope(%s, %s, %s), 4326)
"""


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int
    zones: int

    @property
    def path(self) -> str:
        return f"{self.z}/{self.x}/{self.y}"


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The Web-Mercator tile holding a lon/lat point at zoom z."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def densest_tiles(layer_id: int, z: int, n: int) -> list[Tile]:
    """The n tiles at zoom z over the district holding the most active zones of the layer."""
    from django.db import connection

    from gridmgr.models import Region

    district = Region.objects.require_district()
    minx, miny, maxx, maxy = district.boundary.extent
    (x0, y0), (x1, y1) = tile_xy(minx, maxy, z), tile_xy(maxx, miny, z)
    tiles = []
    with connection.cursor() as cur:
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                cur.execute(_COUNT_SQL, [layer_id, z, x, y])
                tiles.append(Tile(z, x, y, int(cur.fetchone()[0])))
    tiles.sort(key=lambda t: (-t.zones, t.x, t.y))
    return [t for t in tiles[:n] if t.zones]


def _params(layer_id: int, t: Tile) -> dict[str, float | int]:
    from gridmgr.maps.data import MVT_BUFFER, MVT_EXTENT

    return {
        "layer": layer_id,
        "z": t.z,
        "x": t.x,
        "y": t.y,
        "extent": MVT_EXTENT,
        "buffer": MVT_BUFFER,
        "margin": MVT_BUFFER / MVT_EXTENT,
    }


def _ms(fn: object) -> tuple[float, bytes]:
    start = time.perf_counter()
    data = fn()  # type: ignore[operator]
    return 1000.0 * (time.perf_counter() - start), data


@dataclass
class TileTimes:
    """Per-call milliseconds of both ways to the same tiles, and whether their bytes agree."""

    app_ms: list[float]
    raw_ms: list[float]
    bytes: dict[str, tuple[int, int]]
    identical: bool


def time_tiles(layer_id: int, tiles: list[Tile], repeats: int) -> TileTimes:
    """gridmgr's mapdata.tile (what the tile view calls) and bare ST_AsMVT, alternated on each
    tile, both over Django's connection; one untimed call of each first."""
    from django.db import connection

    from gridmgr.maps.data import tile
    from gridmgr.models import Layer

    layer = Layer.objects.get(pk=layer_id)
    times = TileTimes([], [], {}, True)
    with connection.cursor() as wrapper:
        raw = wrapper.cursor  # the psycopg cursor under Django's wrapper: same connection

        def bare(t: Tile) -> bytes:
            raw.execute(RAW_TILE_SQL, _params(layer_id, t))
            row = raw.fetchone()
            return bytes(row[0]) if row and row[0] is not None else b""

        for t in tiles:
            app_bytes, raw_bytes = tile(layer, t.z, t.x, t.y), bare(t)
            times.bytes[t.path] = (len(app_bytes), len(raw_bytes))
            times.identical = times.identical and app_bytes == raw_bytes
            for _ in range(repeats):
                times.app_ms.append(_ms(lambda t=t: tile(layer, t.z, t.x, t.y))[0])
                times.raw_ms.append(_ms(lambda t=t: bare(t))[0])
    return times


def compare(results: Results, layer_id: int, tiles: list[Tile], repeats: int) -> dict[str, float]:
    """Both rows (gridmgr's tile, raw ST_AsMVT with the ratio); returns the medians."""
    times = time_tiles(layer_id, tiles, repeats)
    app, bare_ms = statistics.median(times.app_ms), statistics.median(times.raw_ms)
    zones = statistics.median(t.zones for t in tiles)
    where = f"{len(tiles)} tiles × {repeats} runs, median {zones:.0f} zones a tile"
    results.add(
        Row(
            SECTION,
            f"gridmgr mapdata.tile (the tile view's function), z{tiles[0].z}",
            app,
            "ms",
            seconds=app / 1000.0,
            detail=f"{where}; tiles {', '.join(t.path for t in tiles)}",
            extra={"runs_ms": times.app_ms, "bytes": times.bytes, "identical": times.identical},
        )
    )
    ratio = app / bare_ms
    results.add(
        Row(
            SECTION,
            f"raw ST_AsMVT(ST_AsMVTGeom(…)) on the same tiles, z{tiles[0].z}",
            bare_ms,
            "ms",
            seconds=bare_ms / 1000.0,
            ratio=ratio,
            detail=f"{where}; same connection; byte-identical tiles: {times.identical}",
            target=f"gridmgr ≤ {TILE_TARGET:g}× raw",
            met=ratio <= TILE_TARGET,
            extra={"runs_ms": times.raw_ms},
        )
    )
    return {"app_ms": app, "raw_ms": bare_ms, "ratio": ratio, "identical": float(times.identical)}


def over_http(
    results: Results, port: int, cookie: str, layer_id: int, tiles: list[Tile], repeats: int
) -> float:
    """The same tiles fetched through gunicorn (login cookie, gzip, keep-alive); median ms."""
    conn = http.client.HTTPConnection(LOCALHOST, port, timeout=30)
    headers = {"Cookie": cookie, "Accept-Encoding": "gzip"}
    samples: list[float] = []
    wire: list[int] = []
    try:
        for t in tiles:
            for k in range(repeats + 1):
                start = time.perf_counter()
                conn.request("GET", f"/map/tiles/{layer_id}/{t.path}.pbf", headers=headers)
                resp = conn.getresponse()
                body = resp.read()
                if resp.status != 200:
                    raise SystemExit(f"tile {t.path}: HTTP {resp.status}")
                if k:  # the first is a warm-up
                    samples.append(1000.0 * (time.perf_counter() - start))
                    wire.append(len(body))
    finally:
        conn.close()
    ms = statistics.median(samples)
    results.add(
        Row(
            SECTION,
            f"GET /map/tiles/…/z{tiles[0].z} through gunicorn (for reference)",
            ms,
            "ms",
            seconds=ms / 1000.0,
            detail=f"HTTP round trip with login, gzip ({statistics.median(wire):,.0f} bytes a tile"
            " on the wire), keep-alive",
            extra={"runs_ms": samples},
        )
    )
    return ms
