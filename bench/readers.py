"""Readers: a KML file of many folders read by gridmgr and, as the floor, by GDAL in one layer.

GDAL gives each KML folder a layer and parses the whole file to open one, so reading folder by
folder is quadratic (3,000 folders: over 300 s); gridmgr flattens the folders first
(geodata/kml.py). The raw figure is pyogrio reading the same placemarks from one folder.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from pyogrio.raw import read

from bench.measure import Results, Row
from geodata.readers import read_features

FOLDERS = (300, 3000)


def _kml(path: Path, folders: int, *, flat: bool) -> Path:
    """A KML file with one square placemark per folder (or all in one folder when flat)."""
    marks = []
    for i in range(folders):
        x, y = 116.40 + (i % 50) * 0.0005, 39.92 + (i // 50) * 0.0005
        ring = f"{x},{y} {x + 0.0004},{y} {x + 0.0004},{y + 0.0004} {x},{y + 0.0004} {x},{y}"
        mark = (
            f"<Placemark><name>Z{i}</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
            f"{ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
        )
        marks.append(mark if flat else f"<Folder><name>F{i}</name>{mark}</Folder>")
    body = "<Folder>" + "".join(marks) + "</Folder>" if flat else "".join(marks)
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document>{body}</Document></kml>",
        encoding="utf-8",
    )
    return path


def _seconds(work: Callable[[Path], object], path: Path) -> float:
    started = time.perf_counter()
    work(path)
    return time.perf_counter() - started


def kml_folders(results: Results, out: Path) -> None:
    """read_features on KML files of 300 and 3,000 folders, against GDAL on one folder."""
    seconds = {}
    for n in FOLDERS:
        folders, flat = (
            _kml(out / f"kml_{n}.kml", n, flat=False),
            _kml(out / f"kml_{n}_flat.kml", n, flat=True),
        )
        seconds[n] = _seconds(read_features, folders)
        raw = _seconds(read, flat)
        results.rows.append(
            Row(
                "readers",
                f"KML, {n:,} folders",
                n / seconds[n],
                "features/s",
                seconds[n],
                "read_features: the folders flattened, then one GDAL read",
                seconds[n] / raw,
            )
        )
    growth = seconds[FOLDERS[1]] / seconds[FOLDERS[0]]
    results.rows.append(
        Row(
            "readers",
            "KML time, 3,000 vs 300 folders",
            growth,
            "×",
            None,
            "linear reading grows ~10×; folder by folder grew ~100×",
            None,
            "≤ 20×",
            growth <= 20,
        )
    )
