"""Exports from the coverage page: jobs with a status, each format read back by a real reader,
files for their creator only, failures explained in both languages, and the thread path."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import time
import uuid
from pathlib import Path

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from gridmgr.coverage import jobs
from gridmgr.coverage.analysis import LayerCoverage, analyse
from gridmgr.errors import GridError
from tests.gridmgr.coverage_page_client import (
    EXPORT,
    download,
    export_dir,
    fresh_cache,
    logged_in,
    start,
    wait_for,
)
from tests.loop import People
from tests.waiting import until
from tests.world import World

pytestmark = pytest.mark.usefixtures(fresh_cache.__name__, export_dir.__name__)

TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "html": "text/html; charset=utf-8",
}


@pytest.fixture
def centre(people: People) -> Client:
    return logged_in(people.centre)


@pytest.fixture
def reports(world: World) -> list[LayerCoverage]:
    return analyse(world.district, [world.sector, world.grid])


def finished(client: Client, region: str, fmt: str, layer: str = "") -> tuple[bytes, dict]:
    """Export through the endpoints; the file's bytes and the job's final status."""
    job = start(client, region, fmt, layer)
    status = wait_for(client, job["status_url"])
    assert status["state"] == "done", status
    assert status["progress"] == 100 and status["step"] == "done"
    body, content_type, disposition = download(client, status)
    assert content_type == TYPES[fmt]
    day = timezone.localdate()
    assert disposition == f'attachment; filename="coverage_{region}_{day:%Y%m%d}.{fmt}"'
    return body, status


def test_the_pdf_reads_back_with_the_region_and_the_figures(
    world: World, centre: Client, reports: list[LayerCoverage], tmp_path: Path
) -> None:
    body, _ = finished(centre, world.district.code, "pdf")
    path = tmp_path / "coverage.pdf"
    path.write_bytes(body)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "东城迷你区 网格覆盖报告" in text and "东四街道" in text
    assert f"{reports[1].coverage_pct:.3f}" in text


def test_the_workbook_has_a_sheet_per_table_with_the_page_figures(
    world: World, centre: Client, reports: list[LayerCoverage]
) -> None:
    body, _ = finished(centre, world.district.code, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames[:4] == [
        "汇总 Summary",
        "分区覆盖率 By region",
        "盲区 Blind spots",
        "重叠 Overlaps",
    ]
    summary = list(book["汇总 Summary"].iter_rows(min_row=2, values_only=True))
    assert [row[2] for row in summary] == ["板块", "单元网格"]
    assert summary[1][7] == pytest.approx(reports[1].coverage_pct)
    assert book["盲区 Blind spots"].max_row == 1 + len(reports[1].blind)
    assert book["重叠 Overlaps"].max_row == 1 + len(reports[1].overlaps)


def test_one_layer_exports_only_that_layer(world: World, centre: Client) -> None:
    body, status = finished(centre, world.subs["S2"].code, "xlsx", world.grid.name)
    assert status["layer"] == "单元网格"
    summary = list(openpyxl.load_workbook(io.BytesIO(body))["汇总 Summary"].values)
    assert [row[:3] for row in summary[1:]] == [("110101006", "东四街道", "单元网格")]


def test_the_geojson_holds_the_blind_spots_and_overlaps(
    world: World, centre: Client, reports: list[LayerCoverage]
) -> None:
    body, _ = finished(centre, world.district.code, "geojson")
    data = json.loads(body)
    kinds = [f["properties"]["kind"] for f in data["features"]]
    assert kinds.count("blind") == 1 and kinds.count("overlap") == 4
    areas = sorted(f["properties"]["area_m2"] for f in data["features"])
    assert areas == sorted(p["area_m2"] for p in reports[1].blind + reports[1].overlaps)


def test_the_html_map_needs_no_network(world: World, centre: Client) -> None:
    body, _ = finished(centre, world.district.code, "html")
    html = body.decode("utf-8")
    assert "东城迷你区" in html and "L.map(" in html
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", html)
    # The inlined Leaflet names its home page in a string; nothing is loaded from anywhere.
    assert not re.search(r"""(src|href)=["']?https?:""", html.replace("https://leafletjs.com", ""))


def test_another_user_can_neither_follow_nor_download_a_job(
    world: World, centre: Client, people: People
) -> None:
    job = start(centre, world.district.code, "geojson")
    status = wait_for(centre, job["status_url"])
    other = logged_in(people.worker)
    for url in (job["status_url"], status["download_url"]):
        response = other.get(url)
        assert response.status_code == 403
        assert json.loads(response.content)["error_en"] == "this export belongs to another user"
    assert "user" not in status  # the owner's id stays on disk


def test_an_unknown_job_is_not_found(world: World, centre: Client) -> None:
    response = centre.get(f"{EXPORT}{uuid.uuid4()}/download")
    assert response.status_code == 404
    assert json.loads(response.content)["error"] == "没有这个导出任务"


def test_an_unknown_format_is_refused(world: World, centre: Client) -> None:
    response = centre.post(EXPORT, {"region": world.district.code, "format": "shp"})
    assert response.status_code == 400
    assert "shp" in json.loads(response.content)["error_en"]


def test_a_failed_export_says_why_in_both_languages(
    world: World, centre: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_font(*args: object, **kwargs: object) -> None:
        raise GridError("缺少中文字体", "no Chinese font installed")

    monkeypatch.setattr(jobs, "write_coverage", no_font)
    job = start(centre, world.district.code, "pdf")
    status = wait_for(centre, job["status_url"])
    assert status["state"] == "failed" and status["step_label"] == "失败 / failed"
    assert status["error"] == {"zh": "缺少中文字体", "en": "no Chinese font installed"}
    response = centre.get(f"{job['status_url']}download")
    assert response.status_code == 409


def test_an_unexpected_error_fails_the_job_with_a_message(
    world: World, centre: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(jobs, "write_coverage", broken)
    status = wait_for(centre, start(centre, world.district.code, "xlsx")["status_url"])
    assert status["error"] == {
        "zh": "导出失败，请重试或联系管理员",
        "en": "the export failed: disk full",
    }


def test_a_job_lost_with_its_process_is_reported_failed(
    world: World, centre: Client, export_dir: Path
) -> None:
    job = start(centre, world.district.code, "geojson")
    path = export_dir / job["id"] / "status.json"
    status = json.loads(path.read_text())
    status.update(state="running", updated="2020-01-01T00:00:00+00:00")
    path.write_text(json.dumps(status))
    assert wait_for(centre, job["status_url"])["error"]["en"].startswith(
        "the export was interrupted"
    )


def test_old_jobs_are_removed_when_a_new_one_starts(
    world: World, centre: Client, export_dir: Path
) -> None:
    old = start(centre, world.district.code, "geojson")
    long_ago = time.time() - 3 * 24 * 3600
    os.utime(export_dir / old["id"] / "status.json", (long_ago, long_ago))
    start(centre, world.district.code, "geojson")
    assert not (export_dir / old["id"]).exists()
    assert centre.get(old["status_url"]).status_code == 404


def open_connections() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return int(cur.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_in_a_worker_thread_and_closes_its_connection(
    world: World, people: People, settings: Settings, export_dir: Path
) -> None:
    settings.GRIDMGR_COVERAGE_EXPORT_SYNC = False
    client = logged_in(people.centre)
    before = open_connections()
    job = start(client, world.district.code, "xlsx")
    assert job["state"] == "queued" and job["progress"] == 0
    status = wait_for(client, job["status_url"])
    assert status["state"] == "done"
    on_disk = json.loads((export_dir / job["id"] / "status.json").read_text())
    assert on_disk["user"] == people.centre.pk
    body, _, _ = download(client, status)
    assert openpyxl.load_workbook(io.BytesIO(body)).sheetnames[0] == "汇总 Summary"
    # The worker thread closed its database connection.
    until(lambda: open_connections() == before, "the export thread to close its connection", 10)
