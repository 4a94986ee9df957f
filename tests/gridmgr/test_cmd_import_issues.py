"""import_issues reads CSV or GeoJSON points, converts, maps categories and assigns every row."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from geodata.coords import from_wgs84
from geodata.measure import distance_m
from gridmgr.models import Category, Issue, Routing
from gridmgr.models.issues import Rule
from tests.world import TIANANMEN, World, full_cells

FIELDS = ("--lon-field", "lon", "--lat-field", "lat", "--category-field", "category")

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_issues", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "lon", "lat", "category"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def cell_points(world: World, n: int) -> list[tuple[float, float]]:
    return [world.inside(c) for c in full_cells(world.subs["S3"], world.grid)[:n]]


def good_rows(world: World, n: int = 3, category: str = "0201") -> list[dict[str, object]]:
    return [
        {"id": f"R{k}", "lon": lon, "lat": lat, "category": category}
        for k, (lon, lat) in enumerate(cell_points(world, n))
    ]


def test_csv_rows_are_assigned_like_single_reports(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "issues.csv", good_rows(world))
    out = run(str(path), *FIELDS, "--id-field", "id", "--commit")
    assert "3 rows, 3 assigned, 0 refused" in out
    cells = full_cells(world.subs["S3"], world.grid)[:3]
    for k, cell in enumerate(cells):
        issue = Issue.objects.get(external_id=f"R{k}")
        assert issue.zone == cell
        assert issue.owner == world.owners["网格员S3"]
        assert issue.department == world.owners["交警"]
        assert issue.category == world.categories["parking"]
        assert issue.routings.count() == 2
    assert set(Routing.objects.values_list("rule", flat=True)) == {Rule.COVERS}


def test_without_commit_nothing_lands(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "issues.csv", good_rows(world))
    out = run(str(path), *FIELDS)
    assert "3 assigned" in out and "dry run" in out
    assert Issue.objects.count() == Routing.objects.count() == 0


def test_geojson_points_are_read_from_their_geometry(world: World, tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {"case": f"G{k}", "type": "违章停车"},
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }
        for k, (lon, lat) in enumerate(cell_points(world, 2))
    ]
    path = tmp_path / "issues.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    run(
        str(path),
        "--lon-field",
        "lon",
        "--lat-field",
        "lat",
        "--category-field",
        "type",
        "--id-field",
        "case",
        "--commit",
    )
    issue = Issue.objects.get(external_id="G1")
    assert issue.zone == full_cells(world.subs["S3"], world.grid)[1]
    assert issue.category.code == "0201"


def test_gcj02_coordinates_are_converted_to_wgs84(world: World, tmp_path: Path) -> None:
    rows = good_rows(world, 2)
    for row in rows:
        glon, glat = from_wgs84(row["lon"], row["lat"], "gcj02")
        row["lon"], row["lat"] = float(glon), float(glat)
    path = write_csv(tmp_path / "gcj.csv", rows)
    run(str(path), *FIELDS, "--id-field", "id", "--coord-sys", "gcj02", "--commit")
    for k, (lon, lat) in enumerate(cell_points(world, 2)):
        issue = Issue.objects.get(external_id=f"R{k}")
        assert issue.location.x == pytest.approx(lon, abs=1e-7)
        assert issue.location.y == pytest.approx(lat, abs=1e-7)
        assert issue.zone == full_cells(world.subs["S3"], world.grid)[k]


def test_gcj02_read_as_wgs84_lands_hundreds_of_metres_away(world: World, tmp_path: Path) -> None:
    # Why --coord-sys matters: the same row without it lands in another cell, or outside.
    rows = good_rows(world, 1)
    lon, lat = rows[0]["lon"], rows[0]["lat"]
    glon, glat = from_wgs84(lon, lat, "gcj02")
    assert 300 < distance_m(lon, lat, glon, glat) < 700
    rows[0]["lon"], rows[0]["lat"] = float(glon), float(glat)
    run(str(write_csv(tmp_path / "gcj.csv", rows)), *FIELDS, "--skip-invalid", "--commit")
    issue = Issue.objects.first()
    assert issue is None or issue.zone != full_cells(world.subs["S3"], world.grid)[0]


def test_category_map_translates_source_categories(world: World, tmp_path: Path) -> None:
    mapping = tmp_path / "map.csv"
    mapping.write_text("垃圾,0101\nparking,违章停车\n", encoding="utf-8")
    rows = good_rows(world, 2, category="垃圾")
    rows[1]["category"] = "parking"
    path = write_csv(tmp_path / "issues.csv", rows)
    run(str(path), *FIELDS, "--id-field", "id", "--category-map", str(mapping), "--commit")
    rubbish = Issue.objects.get(external_id="R0")
    assert rubbish.category.code == "0101"
    assert rubbish.department == world.owners["城管"]  # inherited from 01 市容环境
    assert Issue.objects.get(external_id="R1").category.code == "0201"


def test_unknown_categories_are_created_on_request(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "issues.csv", good_rows(world, 2, category="井盖缺失"))
    out = run(str(path), *FIELDS, "--create-categories", "--commit")
    assert "categories created: 井盖缺失" in out
    created = Category.objects.get(name="井盖缺失")
    assert created.parent.code == "99"
    assert Issue.objects.filter(category=created).count() == 2


def test_unknown_category_is_refused_naming_the_row(world: World, tmp_path: Path) -> None:
    rows = good_rows(world, 3)
    rows[1]["category"] = "乱扔烟头"
    path = write_csv(tmp_path / "issues.csv", rows)
    with pytest.raises(CommandError, match="row 2: 未知类别 / unknown category: 乱扔烟头"):
        run(str(path), *FIELDS, "--commit")
    assert Issue.objects.count() == 0
    assert not Category.objects.filter(name="乱扔烟头").exists()


def bad_rows(world: World) -> list[dict[str, object]]:
    """Rows 1 and 6 are good; 2–5 are not, each for its own reason."""
    (lon, lat), (lon2, lat2) = cell_points(world, 2)
    return [
        {"id": "ok1", "lon": lon, "lat": lat, "category": "0201"},
        {"id": "nocoord", "lon": "", "lat": "", "category": "0201"},
        {"id": "swapped", "lon": lat, "lat": lon, "category": "0201"},
        {"id": "unknown", "lon": lon, "lat": lat, "category": "没有这类"},
        {"id": "outside", "lon": TIANANMEN[0], "lat": TIANANMEN[1], "category": "0201"},
        {"id": "ok2", "lon": lon2, "lat": lat2, "category": "0201"},
    ]


def test_bad_rows_refuse_the_whole_file_listing_each_reason(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "issues.csv", bad_rows(world))
    with pytest.raises(CommandError) as caught:
        run(str(path), *FIELDS, "--id-field", "id", "--commit")
    message = str(caught.value)
    assert "4 rows refused" in message and "--skip-invalid" in message
    assert "row 2: missing lon or lat" in message
    assert "row 3: latitude and longitude look swapped" in message
    assert "row 4: 未知类别 / unknown category: 没有这类" in message
    assert "row 5: 位置不在本区范围内 / lies outside the district" in message
    assert Issue.objects.count() == 0


def test_skip_invalid_lists_refused_rows_and_lands_the_rest(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "issues.csv", bad_rows(world))
    out = run(str(path), *FIELDS, "--id-field", "id", "--skip-invalid", "--commit")
    skipped = [line for line in out.splitlines() if line.startswith("跳过 / skipped")]
    assert [line.split(":")[0] for line in skipped] == [
        f"跳过 / skipped row {r}" for r in (2, 3, 4, 5)
    ]
    assert "6 rows, 2 assigned, 4 refused" in out
    assert sorted(Issue.objects.values_list("external_id", flat=True)) == ["ok1", "ok2"]


def test_a_missing_coordinate_field_is_named(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "issues.csv", good_rows(world))
    with pytest.raises(CommandError, match="has no fields 'x' and 'y'"):
        run(str(path), "--lon-field", "x", "--lat-field", "y", "--category-field", "category")


def test_a_missing_category_field_is_named(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "issues.csv", good_rows(world))
    with pytest.raises(CommandError, match="no category field 'type'"):
        run(str(path), "--lon-field", "lon", "--lat-field", "lat", "--category-field", "type")


def test_importing_the_same_file_twice_refuses_the_ids_already_imported(
    world: World, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "issues.csv", good_rows(world, 2))
    run(str(path), *FIELDS, "--id-field", "id", "--commit")
    with pytest.raises(CommandError) as caught:
        run(str(path), *FIELDS, "--id-field", "id", "--commit")
    assert "row 1: 编号重复或已导入 / external id repeated or imported: R0" in str(caught.value)
    assert "row 2:" in str(caught.value)
    assert Issue.objects.count() == 2


def test_a_repeated_id_in_the_file_is_refused_blank_ids_are_not(
    world: World, tmp_path: Path
) -> None:
    rows = good_rows(world, 3)
    rows[1]["id"] = "R0"
    rows.append({**rows[2], "id": ""})
    rows.append({**rows[2], "id": ""})
    path = write_csv(tmp_path / "issues.csv", rows)
    out = run(str(path), *FIELDS, "--id-field", "id", "--skip-invalid", "--commit")
    assert "skipped row 2: 编号重复或已导入 / external id repeated or imported: R0" in out
    assert "5 rows, 4 assigned, 1 refused" in out
    assert Issue.objects.filter(external_id=None).count() == 2


def test_a_missing_id_field_is_named(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "issues.csv", good_rows(world))
    with pytest.raises(CommandError, match="no id field 'case_id'"):
        run(str(path), *FIELDS, "--id-field", "case_id")
