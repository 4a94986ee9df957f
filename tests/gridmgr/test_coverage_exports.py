"""Coverage exports: a PDF with the map and the figures in Chinese, XLSX sheets and an HTML map
that opens and renders in a browser with the network cut off (the GeoPackage:
test_coverage_gpkg.py)."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from gridmgr.coverage.analysis import LayerCoverage, analyse
from gridmgr.coverage.exports import (
    export_html,
    export_pdf,
    export_xlsx,
    map_layers,
)
from tests.world import World

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SHEETS = [
    "汇总 Summary",
    "分区覆盖率 By region",
    "盲区 Blind spots",
    "重叠 Overlaps",
    "越界 Crossings",
    "变化 Change",
]


@pytest.fixture
def reports(world: World) -> list[LayerCoverage]:
    """The mini-district analysed for its two layers: sectors, then the unit grid."""
    return analyse(world.district, [world.sector, world.grid])


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "coverage.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def test_the_map_shows_the_zones_of_the_analysed_layers_in_the_region(
    world: World, reports: list[LayerCoverage]
) -> None:
    layers = map_layers(reports, world.district)
    by_layer = {f.properties["layer"] for f in layers.zones}
    assert by_layer == {"板块", "单元网格"}
    assert "X01" in {f.properties["code"] for f in layers.zones}
    assert world.gap_code not in {f.properties["code"] for f in layers.zones}
    assert [f.properties["name"] for f in layers.subregions] == [
        "景山街道",
        "东四街道",
        "朝阳门街道",
    ]
    assert len(layers.blind) == 1 and len(layers.overlaps) == 4


def test_the_pdf_reads_back_with_chinese_names_codes_and_figures(
    world: World, reports: list[LayerCoverage], tmp_path: Path
) -> None:
    pdf = export_pdf(reports, world.district)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    grid = reports[1]
    for words in (
        "东城迷你区 网格覆盖报告",
        "景山街道",
        "东四街道",
        "朝阳门街道",
        "盲区清单",
        "重叠清单",
    ):
        assert words in text
    assert "X01" in text and world.overlap.code == "X01"
    assert f"{grid.coverage_pct:.3f}" in text
    assert f"{grid.total_m2:,.1f}" in text
    assert "40,000.0" in text  # the blind spot, located in 东四
    assert re.search(r"单元网格\s+1\s+40,000.0\s+东四街道", text)
    assert "尚无快照" in text


def test_the_pdf_embeds_the_cjk_font(
    world: World, reports: list[LayerCoverage], tmp_path: Path
) -> None:
    path = tmp_path / "coverage.pdf"
    path.write_bytes(export_pdf(reports, world.district))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in fonts.stdout.splitlines()[2:]]
    assert rows and all("Noto-Sans-CJK-SC" in row[0] for row in rows)
    assert all(row[-5] == "yes" for row in rows)  # embedded


def test_the_pdf_shows_the_change_since_the_last_snapshot(world: World, tmp_path: Path) -> None:
    analyse(world.district, [world.grid], commit=True)
    again = analyse(world.district, [world.grid])
    text = pdf_text(export_pdf(again, world.district), tmp_path)
    assert re.search(r"单元网格\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\+0\.0\s+\+0\.0\s+\+0\.000", text)


def test_the_workbook_has_one_sheet_per_table_matching_the_report(
    reports: list[LayerCoverage],
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(reports)))
    assert book.sheetnames == SHEETS
    summary = list(book["汇总 Summary"].iter_rows(values_only=True))
    assert summary[0][2] == "图层" and summary[0][7] == "覆盖率 %"
    assert [row[2] for row in summary[1:]] == ["板块", "单元网格"]
    grid = reports[1]
    assert summary[2][5] == pytest.approx(grid.blind_m2, abs=1e-6)
    assert summary[2][7] == pytest.approx(grid.coverage_pct, abs=1e-9)
    assert summary[2][9:11] == (1, 4)
    assert book["汇总 Summary"]["F3"].number_format == "#,##0.0"
    by_region = list(book["分区覆盖率 By region"].iter_rows(values_only=True))
    assert [row[0] for row in by_region[1:]] == ["110101", "110101002", "110101006", "110101007"]
    dongsi = next(row for row in by_region if row[0] == "110101006")
    assert dongsi[-2] == pytest.approx(40_000, rel=1e-3)


def test_the_workbook_lists_the_blind_spot_and_the_overlaps_with_their_zones(
    reports: list[LayerCoverage],
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(reports)))
    blind = list(book["盲区 Blind spots"].iter_rows(min_row=2, values_only=True))
    assert blind == [("单元网格", 1, reports[1].blind[0]["area_m2"], "东四街道", *blind[0][4:])]
    overlaps = list(book["重叠 Overlaps"].iter_rows(min_row=2, values_only=True))
    assert len(overlaps) == 4 and all("X01" in row[3] for row in overlaps)
    assert sum(row[2] for row in overlaps) == pytest.approx(reports[1].overlap_m2, rel=1e-3)
    assert list(book["变化 Change"].iter_rows(min_row=2)) == []


def test_the_html_map_has_no_external_url_and_holds_the_pieces(
    world: World, reports: list[LayerCoverage]
) -> None:
    html = export_html(reports, world.district)
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", html)
    assert not re.search(r"""(src|href)=["']?https?:""", html.replace("https://leafletjs.com", ""))
    data = [json.loads(t) for t in re.findall(r"_add\((\{\"features\".*?\})\);\n", html)]
    features = [f for c in data for f in c["features"]]
    assert sum(1 for f in features if f["properties"].get("zones")) == 4
    assert "X01" in {f["properties"].get("code") for f in features}


@pytest.mark.slow
def test_the_html_map_renders_in_chromium_without_network(
    world: World, reports: list[LayerCoverage], tmp_path: Path
) -> None:
    from playwright.sync_api import Route, sync_playwright

    page_path = tmp_path / "coverage.html"
    page_path.write_text(export_html(reports, world.district), encoding="utf-8")
    requests: list[str] = []

    def only_local(route: Route) -> None:
        requests.append(route.request.url)
        if route.request.url.startswith(("file://", "data:")):
            route.continue_()
        else:
            route.abort()

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        try:
            context = browser.new_context(viewport={"width": 1000, "height": 760})
            context.route("**/*", only_local)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(page_path.as_uri())
            page.wait_for_selector(".leaflet-container path.leaflet-interactive")
            paths = page.locator("path.leaflet-interactive").count()
            links = page.eval_on_selector_all(
                "[src], [href]",
                "els => els.map(e => e.getAttribute('src') || e.getAttribute('href'))",
            )
            page.locator('path[fill="#d7191c"]').first.hover()
            tooltip = page.locator(".leaflet-tooltip").inner_text()
            page.screenshot(path=str(ARTIFACTS / "coverage_map.png"))
        finally:
            browser.close()
    assert errors == []
    assert requests == [page_path.as_uri()]
    assert not [u for u in links if u and re.match(r"(https?:)?//", u)]
    # every zone, sub-region, piece and the outline is a path
    assert paths >= 3 + 1 + 4 + 3 + 1
    assert "40000" in tooltip and "单元网格" in tooltip
