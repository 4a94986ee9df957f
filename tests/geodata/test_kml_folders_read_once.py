"""A KML file is read once, whatever its folders: time linear in its size, limits enforced.

Reading folder after folder re-parsed the whole file each time: 300 folders took 2.4 s and
3,000 did not finish in 300 s. The bound below is generous (a loaded CI machine) and still
far below what the quadratic reading took.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from geodata.errors import InputLimitError
from geodata.readers import read_features, read_point_table


def placemark(i: int) -> str:
    x, y = 116.40 + (i % 50) * 0.0005, 39.92 + (i // 50) * 0.0005
    ring = f"{x},{y} {x + 0.0004},{y} {x + 0.0004},{y + 0.0004} {x},{y + 0.0004} {x},{y}"
    return (
        f'<Placemark><name>Z{i}</name><ExtendedData><Data name="code"><value>Z{i}</value>'
        "</Data></ExtendedData><Polygon><outerBoundaryIs><LinearRing>"
        f"<coordinates>{ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
    )


def write_kml(path: Path, folders: int, *, nested: bool = False) -> Path:
    """A KML file with one placemark per folder, folders side by side or each in the last."""
    head = '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
    body = []
    for i in range(folders):
        close = "" if nested else "</Folder>"
        body.append(f"<Folder><name>F{i}</name>{placemark(i)}{close}")
    tail = ("</Folder>" * folders if nested else "") + "</Document></kml>"
    path.write_text(head + "<Document>" + "".join(body) + tail, encoding="utf-8")
    return path


def test_3000_folders_are_read_in_seconds_every_placemark_in_order(tmp_path: Path) -> None:
    path = write_kml(tmp_path / "folders.kml", 3000)
    started = time.perf_counter()
    features = read_features(path)
    elapsed = time.perf_counter() - started
    assert [f.properties["code"] for f in features] == [f"Z{i}" for i in range(3000)]
    assert [f.index for f in features] == list(range(1, 3001))
    assert all(f.geometry.geom_type == "Polygon" for f in features)
    assert elapsed < 30, f"3,000 folders took {elapsed:.1f} s"


def test_nested_folders_within_the_limit_are_read(tmp_path: Path) -> None:
    features = read_features(write_kml(tmp_path / "nested.kml", 60, nested=True))
    assert [f.properties["Name"] for f in features] == [f"Z{i}" for i in range(60)]


def test_more_features_than_the_limit_are_refused_with_the_limit(tmp_path: Path) -> None:
    path = write_kml(tmp_path / "many.kml", 300)
    with pytest.raises(InputLimitError) as refused:
        read_features(path, max_features=100)
    assert refused.value.zh == "many.kml：要素超过 100 个，请分批导入"
    assert refused.value.en == "many.kml: more than 100 features; import it in parts"


def test_points_are_read_from_every_folder_not_only_the_first(tmp_path: Path) -> None:
    folders = "".join(
        f"<Folder><name>F{k}</name><Placemark><name>P{k}</name>"
        f"<Point><coordinates>116.4{k},39.9{k}</coordinates></Point></Placemark></Folder>"
        for k in range(3)
    )
    path = tmp_path / "points.kml"
    head = '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
    path.write_text(f"{head}<Document>{folders}</Document></kml>", encoding="utf-8")
    table = read_point_table(path, lon_field="lon", lat_field="lat")
    assert table.lon.round(6).tolist() == [116.40, 116.41, 116.42]
    assert table.lat.round(6).tolist() == [39.90, 39.91, 39.92]
