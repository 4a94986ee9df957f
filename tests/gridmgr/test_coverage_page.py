"""The coverage page: login, figures equal to the analysis, tables, zoom links, map, cache."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from gridmgr.coverage import cache
from gridmgr.coverage.analysis import LayerCoverage, analyse
from tests.gridmgr.coverage_page_client import EXPORT, PAGE, SNAPSHOT, fresh_cache, logged_in
from tests.loop import People
from tests.world import World, full_cells

pytestmark = pytest.mark.usefixtures(fresh_cache.__name__)


@pytest.fixture
def worker(people: People) -> Client:
    """A grid worker: the lowest role, who may still see the page."""
    return logged_in(people.worker)


def html_of(client: Client, url: str = PAGE, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def map_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="coverage-data" type="application/json">(.*?)</script>', html)
    assert found
    data: dict[str, Any] = json.loads(found.group(1))
    return data


# A job id nobody started; fixed, because every pytest-xdist worker must collect the same ids.
NO_JOB = uuid.UUID("0d130923-7ab4-4a38-810b-697f53fcc288")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", PAGE),
        ("post", SNAPSHOT),
        ("post", EXPORT),
        ("get", f"{EXPORT}{NO_JOB}/"),
        ("get", f"{EXPORT}{NO_JOB}/download"),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(db: None, method: str, url: str) -> None:
    response = getattr(Client(), method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{settings.LOGIN_URL}?next=")


def test_the_page_shows_the_figures_of_the_analysis_for_every_layer(
    world: World, worker: Client
) -> None:
    html = html_of(worker)
    expected = analyse(world.district, [world.sector, world.grid])
    assert [r.layer for r in expected] == ["板块", "单元网格"]
    for r in expected:
        card = html.split(f'data-layer="{r.layer}"')[1].split('class="card"')[0]
        assert f"{r.coverage_pct:.3f} %" in card
        for m2 in (r.total_m2, r.covered_m2, r.blind_m2, r.overlap_m2):
            assert f"{m2:,.1f} m²" in card
    grid = expected[1]
    assert grid.coverage_pct < 100 and (len(grid.blind), len(grid.overlaps)) == (1, 4)
    assert html.count('data-piece="blind-') == 1
    assert html.count('data-piece="overlap-') == 4
    assert "尚无快照" in html and "no snapshot yet" not in html


def test_coverage_is_listed_per_sub_district_with_the_blind_area(
    world: World, worker: Client
) -> None:
    html = html_of(worker, layer=world.grid.name)
    (grid,) = analyse(world.district, [world.grid])
    table = html.split('id="by-region"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + len(grid.by_region) == 5  # header, district, 3 subs
    for row in grid.by_region:
        assert row["name"] in table
        assert f"{row['coverage_pct']:.3f}" in table
    dongsi = next(r for r in grid.by_region if r["name"] == "东四街道")
    assert dongsi["blind_m2"] == pytest.approx(40_000, rel=1e-3)
    assert f'<td class="num low">{dongsi["coverage_pct"]:.3f}</td>' in table


def test_every_blind_spot_and_overlap_links_to_the_map_zoomed_on_it(
    world: World, worker: Client
) -> None:
    html = html_of(worker, layer=world.grid.name)
    (grid,) = analyse(world.district, [world.grid])
    links = re.findall(r'href="(/map/\?bbox=[^"]+)"', html)
    assert len(links) == len(grid.blind) + len(grid.overlaps)
    for link, piece in zip(links, grid.blind + grid.overlaps, strict=True):
        bbox = parse_qs(urlsplit(link).query)["bbox"][0]
        minx, miny, maxx, maxy = (float(v) for v in bbox.split(","))
        bminx, bminy, bmaxx, bmaxy = piece["bbox"]
        assert minx < bminx < bmaxx < maxx and miny < bminy < bmaxy < maxy
    blind_row = html.split('data-piece="blind-0"')[1].split("</tr>")[0]
    assert "东四街道" in blind_row and "40,000.0" in blind_row
    overlap_table = html.split('id="overlap-table"')[1].split("</table>")[0]
    assert overlap_table.count("X01") == 4


def test_the_inline_map_holds_the_outline_sub_districts_and_pieces(
    world: World, worker: Client
) -> None:
    data = map_data(html_of(worker))
    kinds = [f["properties"]["kind"] for f in data["features"]]
    assert kinds.count("outline") == 1 and kinds.count("subregion") == 3
    assert kinds.count("blind") == 1 and kinds.count("overlap") == 4
    ids = {f["properties"].get("id") for f in data["features"]}
    assert {"blind-0", "overlap-0", "overlap-3"} <= ids


def test_the_region_picker_offers_the_district_and_its_sub_districts(
    world: World, worker: Client
) -> None:
    html = html_of(worker)
    picker = html.split('id="id_region"')[1].split("</select>")[0]
    codes = re.findall(r'<option value="(\d+)"', picker)
    assert codes == [world.district.code, *sorted(s.code for s in world.subs.values())]


def test_a_sub_district_shows_its_own_coverage(world: World, worker: Client) -> None:
    dongsi = world.subs["S2"]
    html = html_of(worker, region=dongsi.code, layer=world.grid.name)
    (report,) = analyse(dongsi, [world.grid])
    assert f"{report.coverage_pct:.3f} %" in html
    assert report.coverage_pct < 100
    assert html.count('data-piece="blind-') == 1 and 'data-piece="overlap-' not in html


@pytest.mark.parametrize(("param", "value"), [("region", "999999"), ("layer", "没有")])
def test_an_unknown_region_or_layer_is_not_found(
    world: World, worker: Client, param: str, value: str
) -> None:
    response = worker.get(PAGE, {param: value})
    assert response.status_code == 404
    assert value in response.content.decode()


def test_a_reload_uses_the_cached_analysis_until_a_zone_changes(
    world: World, worker: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = cache.analyse_layer

    def counted(region: Any, layer: Any) -> LayerCoverage:
        calls.append(layer.name)
        return real(region, layer)

    monkeypatch.setattr(cache, "analyse_layer", counted)
    html_of(worker, layer=world.grid.name)
    html_of(worker, layer=world.grid.name)
    assert calls == ["单元网格"]
    full_cells(world.subs["S3"], world.grid)[0].delete()
    html = html_of(worker, layer=world.grid.name)
    assert calls == ["单元网格", "单元网格"]
    assert html.count('data-piece="blind-') == 2
