"""The coverage command writes JSON, GeoJSON, CSV, PDF, XLSX, GPKG or an HTML map; --commit stores."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gridmgr.models import CoverageSnapshot
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("coverage", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_to_stdout_is_parseable_and_has_one_report_per_layer(world: World) -> None:
    out, err = run("--region", "110101", "--format", "json", "--output", "-")
    data = json.loads(out)
    assert [r["layer"] for r in data["reports"]] == ["板块", "单元网格"]
    grid = data["reports"][1]
    assert grid["region"] == "110101"
    assert len(grid["blind"]) == 1 and len(grid["overlaps"]) == 4
    assert grid["blind"][0]["area_m2"] == pytest.approx(40_000, rel=1e-3)
    assert {r["code"] for r in grid["by_region"]} == {
        "110101",
        "110101002",
        "110101006",
        "110101007",
    }
    assert "coverage" in err and "dry run" in err


def test_without_commit_no_snapshot_is_stored(world: World) -> None:
    run("--region", "110101", "--output", "-")
    assert CoverageSnapshot.objects.count() == 0


def test_with_commit_snapshots_are_stored_and_the_next_run_reports_the_change(
    world: World,
) -> None:
    run("--region", "110101", "--layer", "unit grid", "--output", "-", "--commit")
    assert CoverageSnapshot.objects.count() == 1
    out, _ = run("--region", "110101", "--layer", "单元网格", "--output", "-")
    (report,) = json.loads(out)["reports"]
    assert report["change"]["blind_m2"] == 0
    assert CoverageSnapshot.objects.count() == 1


def test_geojson_file_has_the_blind_spot_and_the_overlaps_as_features(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "coverage.geojson"
    out, _ = run(
        "--region", "110101", "--layer", "单元网格", "--format", "geojson", "--output", str(path)
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    kinds = sorted(f["properties"]["kind"] for f in data["features"])
    assert kinds == ["blind", "overlap", "overlap", "overlap", "overlap"]
    blind = next(f for f in data["features"] if f["properties"]["kind"] == "blind")
    assert blind["geometry"]["type"] == "MultiPolygon"
    assert blind["properties"]["area_m2"] == pytest.approx(40_000, rel=1e-3)
    assert all("X01" in f["properties"]["zones"] for f in data["features"][1:])
    assert "{" not in out  # the data went to the file


def test_csv_has_one_row_per_layer_with_the_figures(world: World, tmp_path: Path) -> None:
    path = tmp_path / "coverage.csv"
    run("--region", "110101", "--format", "csv", "--output", str(path))
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["layer"] for r in rows] == ["板块", "单元网格"]
    grid = rows[1]
    assert (grid["blind_count"], grid["overlap_count"]) == ("1", "4")
    assert float(grid["coverage_pct"]) == pytest.approx(
        100 * (1 - 40_000 / float(grid["total_m2"])), abs=1e-3
    )
    assert float(rows[0]["blind_m2"]) == pytest.approx(0, abs=1.0)


def test_csv_to_stdout_is_only_csv(world: World) -> None:
    out, _ = run("--region", "110101", "--format", "csv", "--output", "-")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2


def test_unknown_region_or_layer_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match="no region with code 999"):
        run("--region", "999", "--output", "-")
    with pytest.raises(CommandError, match="no layer named 'street'"):
        run("--region", "110101", "--layer", "street", "--output", "-")


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "gpkg"])
def test_binary_formats_refuse_stdout_in_both_languages(world: World, fmt: str) -> None:
    with pytest.raises(CommandError, match=r"须用 --output .* needs --output PATH"):
        run("--region", "110101", "--format", fmt, "--output", "-")


@pytest.mark.parametrize(
    ("fmt", "magic"),
    [
        ("pdf", b"%PDF-"),
        ("xlsx", b"PK"),
        ("gpkg", b"SQLite format 3"),
        ("html", b"<!DOCTYPE html>"),
    ],
)
def test_export_formats_are_written_to_the_output_file(
    world: World, tmp_path: Path, fmt: str, magic: bytes
) -> None:
    path = tmp_path / f"coverage.{fmt}"
    out, err = run("--region", "110101006", "--format", fmt, "--output", str(path))
    assert path.read_bytes().startswith(magic)
    assert out == "" and "dry run" in err
    assert CoverageSnapshot.objects.count() == 0


def test_the_html_map_can_go_to_stdout(world: World) -> None:
    out, _ = run("--region", "110101", "--layer", "单元网格", "--format", "html", "--output", "-")
    assert out.startswith("<!DOCTYPE html>") and "leaflet-container" in out
