"""A real MBTiles file for the base-map tests: a few PNG tiles of one colour each, written with
sqlite3 and Pillow as tools such as gdal_translate or MBUtil write them (TMS rows)."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from PIL import Image

# Tiles of the world's XYZ addresses around Dongcheng at z12, with their colours.
TILES = {
    (12, 3372, 1551): (200, 30, 30),
    (12, 3373, 1551): (30, 200, 30),
    (12, 3372, 1552): (30, 30, 200),
}


def png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(out, "PNG")
    return out.getvalue()


def write_mbtiles(path: Path, fmt: str = "png", tiles: dict | None = None) -> Path:
    """Write an MBTiles 1.3 file: metadata and tiles (rows counted from the south)."""
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE metadata (name text, value text);"
        "CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer,"
        " tile_data blob);"
        "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
    )
    meta = {
        "name": "东城底图",
        "format": fmt,
        "minzoom": "12",
        "maxzoom": "12",
        "bounds": "116.37,39.90,116.46,39.96",
        "attribution": "© 东城区测绘 / Dongcheng survey",
    }
    db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    for (z, x, y), colour in (tiles if tiles is not None else TILES).items():
        db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, (1 << z) - 1 - y, png(colour)))
    db.commit()
    db.close()
    return path
