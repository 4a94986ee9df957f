"""Bad input files give a specific error naming the feature or row, and nothing is written."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio.raw
import pytest
import shapely
from django.core.management import CommandError, call_command

from gridmgr.models import Issue, Plan, Region, Zone
from tests.world import World, full_cells

# A 100 m-ish square inside 朝阳门, lon/lat.
X0, Y0, D = 116.42, 39.92, 0.001
SQUARE = [[X0, Y0], [X0 + D, Y0], [X0 + D, Y0 + D], [X0, Y0 + D], [X0, Y0]]

BAD_GEOMETRIES: dict[str, tuple[dict[str, Any] | None, str]] = {
    "self-intersection": (
        {
            "type": "Polygon",
            "coordinates": [[[X0, Y0], [X0 + D, Y0 + D], [X0 + D, Y0], [X0, Y0 + D], [X0, Y0]]],
        },
        "self-intersection",
    ),
    "too few points": (
        {"type": "Polygon", "coordinates": [[[X0, Y0], [X0 + D, Y0 + D], [X0, Y0]]]},
        "too few points in geometry component",
    ),
    "null geometry": (None, "geometry is empty"),
    "empty polygon": ({"type": "Polygon", "coordinates": []}, "geometry is empty"),
    "line": (
        {"type": "LineString", "coordinates": [[X0, Y0], [X0 + D, Y0 + D]]},
        "geometry is a LineString, not a polygon",
    ),
    "point": ({"type": "Point", "coordinates": [X0, Y0]}, "geometry is a Point, not a polygon"),
    "out of range": (
        {"type": "Polygon", "coordinates": [[[x + 100, y] for x, y in SQUARE]]},
        "coordinates outside the lon/lat range",
    ),
    "swapped": (
        {"type": "Polygon", "coordinates": [[[y, x] for x, y in SQUARE]]},
        "latitude and longitude look swapped",
    ),
}

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def write_geojson(path: Path, features: list[tuple[dict[str, Any], dict | None]]) -> Path:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": geom} for props, geom in features
        ],
    }
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def import_zones(path: Path) -> None:
    call_command(
        "import_zones",
        str(path),
        "--plan",
        "坏数据",
        "--layer",
        "单元网格",
        "--code-field",
        "code",
        "--name-field",
        "name",
        "--commit",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def nothing_written() -> bool:
    return (
        not Plan.objects.filter(name="坏数据").exists()
        and not Zone.objects.filter(plan__name="坏数据").exists()
    )


@pytest.mark.parametrize("case", list(BAD_GEOMETRIES))
def test_a_bad_zone_geometry_is_refused_naming_the_feature(
    world: World, tmp_path: Path, case: str
) -> None:
    geometry, reason = BAD_GEOMETRIES[case]
    good = {"type": "Polygon", "coordinates": [SQUARE]}
    path = write_geojson(
        tmp_path / "zones.geojson",
        [({"code": "Z1", "name": "好区"}, good), ({"code": "Z2", "name": case}, geometry)],
    )
    with pytest.raises(CommandError) as caught:
        import_zones(path)
    message = str(caught.value)
    assert f"feature 2 ({case}): {reason}" in message
    assert "feature 1" not in message
    assert "nothing was written" in message
    assert nothing_written()


def test_every_bad_feature_is_listed_at_once(world: World, tmp_path: Path) -> None:
    features = [
        ({"code": f"Z{k}", "name": name}, BAD_GEOMETRIES[name][0])
        for k, name in enumerate(["line", "swapped", "self-intersection"], start=1)
    ]
    with pytest.raises(CommandError) as caught:
        import_zones(write_geojson(tmp_path / "zones.geojson", features))
    message = str(caught.value)
    assert "3 problem(s)" in message
    for k, name in enumerate(["line", "swapped", "self-intersection"], start=1):
        assert f"feature {k} ({name})" in message
    assert nothing_written()


def test_a_repeated_zone_code_is_refused(world: World, tmp_path: Path) -> None:
    good = {"type": "Polygon", "coordinates": [SQUARE]}
    path = write_geojson(
        tmp_path / "zones.geojson",
        [({"code": "Z1", "name": "甲"}, good), ({"code": "Z1", "name": "乙"}, good)],
    )
    with pytest.raises(
        CommandError, match=r"feature 2 \(乙\): zone code 'Z1' is empty or repeated"
    ):
        import_zones(path)
    assert nothing_written()


def test_a_file_with_no_features_is_refused(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="zones.geojson has no features"):
        import_zones(write_geojson(tmp_path / "zones.geojson", []))
    assert nothing_written()


def test_a_file_in_an_unknown_crs_is_refused(world: World, tmp_path: Path) -> None:
    # Swiss LV95 (EPSG:2056): a real CRS, but not one a Chinese district uses.
    path = tmp_path / "swiss.gpkg"
    square = shapely.box(2_600_000, 1_200_000, 2_600_100, 1_200_100)
    pyogrio.raw.write(
        path,
        np.array([shapely.to_wkb(square)], dtype=object),
        [np.array(["Z1"], dtype=object), np.array(["瑞士"], dtype=object)],
        ["code", "name"],
        driver="GPKG",
        geometry_type="Polygon",
        crs="EPSG:2056",
    )
    with pytest.raises(CommandError, match="unsupported coordinate reference system EPSG:2056"):
        import_zones(path)
    assert nothing_written()


def test_a_file_of_an_unsupported_type_is_refused(world: World, tmp_path: Path) -> None:
    path = tmp_path / "zones.txt"
    path.write_text("not geodata", encoding="utf-8")
    with pytest.raises(CommandError, match=r"unsupported file type '\.txt' \(zones\.txt\)"):
        import_zones(path)


def test_a_bad_region_geometry_is_refused_naming_the_feature(world: World, tmp_path: Path) -> None:
    path = write_geojson(
        tmp_path / "regions.geojson",
        [({"code": "110101099", "name": "坏街道"}, BAD_GEOMETRIES["self-intersection"][0])],
    )
    with pytest.raises(CommandError, match=r"feature 1 \(坏街道\): self-intersection"):
        call_command(
            "import_regions",
            str(path),
            "--level",
            "subdistrict",
            "--code-field",
            "code",
            "--name-field",
            "name",
            "--commit",
            stdout=io.StringIO(),
        )
    assert not Region.objects.filter(code="110101099").exists()


def write_rows(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(["id,lon,lat,category", *lines]) + "\n", encoding="utf-8")
    return path


def import_issues(path: Path) -> None:
    call_command(
        "import_issues",
        str(path),
        "--lon-field",
        "lon",
        "--lat-field",
        "lat",
        "--category-field",
        "category",
        "--commit",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("b,,,0201", "row 2: missing lon or lat"),
        ("b,116.42,,0201", "row 2: missing lon or lat"),
        ("b,东经116度,39.92,0201", "row 2: coordinate is not a number"),
        ("b,39.92,116.42,0201", "row 2: latitude and longitude look swapped"),
        ("b,216.42,39.92,0201", "row 2: coordinates outside the lon/lat range"),
        ("b,{lon},{lat},乱扔烟头", "row 2: 未知类别 / unknown category: 乱扔烟头"),
        ("b,116.3975,39.9087,0201", "row 2: 位置不在本区范围内 / lies outside the district"),
    ],
)
def test_a_bad_issue_row_is_refused_naming_the_row(
    world: World, tmp_path: Path, line: str, reason: str
) -> None:
    lon, lat = world.inside(full_cells(world.subs["S3"], world.grid)[0])
    rows = [f"a,{lon},{lat},0201", line.format(lon=lon, lat=lat)]
    with pytest.raises(CommandError) as caught:
        import_issues(write_rows(tmp_path / "issues.csv", rows))
    assert reason in str(caught.value)
    assert "row 1" not in str(caught.value)
    assert Issue.objects.count() == 0


def test_a_csv_without_rows_is_refused(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="issues.csv has no rows"):
        import_issues(write_rows(tmp_path / "issues.csv", []))
