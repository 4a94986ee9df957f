"""export_issues writes one row per issue: ids, lon/lat, category, status, zone per layer, flags."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from gridmgr.casework.report import report_issue
from gridmgr.models import Issue
from tests.world import World, full_cells

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("export_issues", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def issues(world: World, settings) -> dict[str, Issue]:
    """A plain issue, one in the overlap, one in the gap (blind), one near the gap's edge."""
    settings.GRIDMGR_NEAREST_ZONE_M = 50.0
    parking, rubbish = world.categories["parking"], world.categories["rubbish"]
    cell = full_cells(world.subs["S3"], world.grid)[0]
    made = {
        "plain": report_issue(*world.inside(cell), parking, external_id="E1"),
        "overlap": report_issue(*world.move(*world.inside(world.overlap), -30, 30), rubbish),
        "blind": report_issue(*world.gap_centre(), parking, external_id="E3"),
        "near": report_issue(*world.gap_west(20.0), parking, external_id="E4"),
    }
    made["plain"].status = Issue.Status.CLOSED
    made["plain"].save()
    return made


COLUMNS = [
    "id",
    "external_id",
    "lon",
    "lat",
    "category",
    "category_name",
    "status",
    "zone_板块",
    "zone_单元网格",
    "in_overlap",
    "in_blind_spot",
    "distance_m",
]


def test_csv_has_one_row_per_issue_with_zones_per_layer_and_flags(
    world: World, issues: dict[str, Issue], tmp_path: Path
) -> None:
    path = tmp_path / "issues.csv"
    out = run("--format", "csv", "--output", str(path))
    assert "exported 4 issues" in out
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = {int(r["id"]): r for r in reader}
        assert reader.fieldnames == COLUMNS
    plain = rows[issues["plain"].pk]
    assert (plain["external_id"], plain["category"], plain["status"]) == ("E1", "0201", "closed")
    assert float(plain["lon"]) == pytest.approx(issues["plain"].location.x, abs=1e-7)
    assert float(plain["lat"]) == pytest.approx(issues["plain"].location.y, abs=1e-7)
    assert plain["zone_板块"] == "S3"
    assert plain["zone_单元网格"] == issues["plain"].zone.code
    assert (plain["in_overlap"], plain["in_blind_spot"], plain["distance_m"]) == (
        "False",
        "False",
        "",
    )
    overlap = rows[issues["overlap"].pk]
    assert (overlap["external_id"], overlap["category"]) == ("", "0101")
    assert (overlap["zone_单元网格"], overlap["in_overlap"]) == ("X01", "True")
    blind = rows[issues["blind"].pk]
    assert (blind["zone_板块"], blind["zone_单元网格"], blind["in_blind_spot"]) == (
        "S2",
        "",
        "True",
    )
    near = rows[issues["near"].pk]
    assert float(near["distance_m"]) == pytest.approx(20.0, abs=0.5)
    assert near["zone_单元网格"] != ""


def test_geojson_has_one_point_feature_per_issue(
    world: World, issues: dict[str, Issue], tmp_path: Path
) -> None:
    path = tmp_path / "issues.geojson"
    run("--format", "geojson", "--output", str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    by_id = {f["properties"]["id"]: f for f in data["features"]}
    assert len(by_id) == 4
    blind = by_id[issues["blind"].pk]
    assert blind["geometry"]["type"] == "Point"
    assert blind["geometry"]["coordinates"] == pytest.approx(
        [issues["blind"].location.x, issues["blind"].location.y], abs=1e-7
    )
    assert blind["properties"]["in_blind_spot"] is True
    assert blind["properties"]["zone_单元网格"] == ""
    assert by_id[issues["overlap"].pk]["properties"]["category_name"] == "暴露垃圾"
    assert by_id[issues["near"].pk]["properties"]["distance_m"] == pytest.approx(20.0, abs=0.5)


def test_csv_to_stdout_is_only_csv(world: World, issues: dict[str, Issue]) -> None:
    rows = list(csv.DictReader(io.StringIO(run("--format", "csv", "--output", "-"))))
    assert len(rows) == 4


def test_geojson_to_stdout_is_only_json(world: World, issues: dict[str, Issue]) -> None:
    data = json.loads(run("--format", "geojson", "--output", "-"))
    assert len(data["features"]) == 4


def test_an_empty_export_still_has_the_header(world: World, tmp_path: Path) -> None:
    path = tmp_path / "none.csv"
    run("--format", "csv", "--output", str(path))
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert list(reader) == []
        assert reader.fieldnames == COLUMNS
    empty = tmp_path / "none.geojson"
    run("--format", "geojson", "--output", str(empty))
    assert json.loads(empty.read_text(encoding="utf-8"))["features"] == []
