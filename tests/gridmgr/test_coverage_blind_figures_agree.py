"""The blind area of a region is one figure: the summary card, the region's own row of the
by-region table and the breakdown under it say the same m², slivers included, and the card says
how much of it is in slivers (counted, not listed)."""

from __future__ import annotations

import re

import pytest
import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.test import Client

from gridmgr.coverage.analysis import analyse_layer
from gridmgr.models import Zone
from tests.gridmgr.coverage_page_client import PAGE, fresh_cache, logged_in
from tests.loop import People
from tests.world import World, full_cells, shape

pytestmark = pytest.mark.usefixtures(fresh_cache.__name__)


def nibble(world: World, zone: Zone, corners: int) -> None:
    """Cut a 1 m × 0.6 m notch (0.6 m², under GRIDMGR_SLIVER_M2) off `corners` corners of a cell."""
    outline = shape(zone.geom)
    x0, y0, x1, y1 = outline.bounds
    notches = []
    for x, y, dx, dy in [(x0, y0, 1, 0.6), (x1, y1, -1, -0.6), (x0, y1, 1, -0.6)][:corners]:
        far = world.move(x, y, dx, dy)
        notches.append(shapely.box(min(x, far[0]), min(y, far[1]), max(x, far[0]), max(y, far[1])))
    cut = shapely.difference(outline, shapely.union_all(notches))
    zone.geom = GEOSGeometry(shapely.to_wkt(shapely.MultiPolygon([cut])), srid=4326)
    zone.area_m2 = float(world.proj.to_metres(cut).area)
    zone.save()


def test_the_region_row_counts_the_slivers_the_summary_counts(world: World) -> None:
    cells = full_cells(world.subs["S3"], world.grid)
    nibble(world, cells[5], 2)
    report = analyse_layer(world.district, world.grid)
    listed = sum(p["area_m2"] for p in report.blind)
    assert report.sliver_blind_m2 > 0.5  # a notch, and the world's own drawing noise
    assert report.blind_m2 == pytest.approx(listed + report.sliver_blind_m2, abs=0.01)
    district_row = report.by_region[0]
    assert district_row["code"] == world.district.code
    assert district_row["blind_m2"] == round(report.blind_m2, 1)
    # The sub-districts share the district's blind land between them, slivers too.
    subs = [r for r in report.by_region if r["level"] == "subdistrict"]
    assert sum(r["blind_m2"] for r in subs) == pytest.approx(report.blind_m2, abs=0.2)


def card_and_row(html: str, layer: str, code: str) -> tuple[str, str]:
    card = re.search(rf'<div class="card" data-layer="{layer}">(.*?)</div>\s*</div>', html, re.S)
    assert card
    blind = re.search(r"<dt>盲区（\d+）</dt><dd>([\d,.]+) m²</dd>", card.group(1))
    assert blind
    table = re.search(r'<table id="by-region">(.*?)</table>', html, re.S)
    assert table
    row = re.search(rf"<tr><td>{code}</td>.*?</tr>", table.group(1), re.S)
    assert row
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0))
    return blind.group(1), cells[4]


def test_the_card_and_the_by_region_table_print_the_same_blind_area(
    world: World, people: People
) -> None:
    nibble(world, full_cells(world.subs["S3"], world.grid)[5], 2)
    client: Client = logged_in(people.worker)
    html = client.get(PAGE, {"layer": world.grid.name}).content.decode()
    card, row = card_and_row(html, world.grid.name, world.district.code)
    assert card == row
    assert re.search(r"另有小于 1.0 m² 的碎片共 [\d.]+ m²（计入面积，不列入清单）", html)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(PAGE, {"layer": world.grid.name}).content.decode()
    assert re.search(r"slivers under 1.0 m² add [\d.]+ m² \(counted, not listed\)", english)
