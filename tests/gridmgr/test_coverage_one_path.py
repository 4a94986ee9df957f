"""The coverage page and /api/coverage/ are one path: the same cached report, the same figures.

Both call gridmgr.coverage.cache.report: whichever asks first analyses, the other reads the
cached report, and a zone or ownership change makes both analyse again, once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

import geodata.coverage
from geodata.coverage import CoverageResult
from gridmgr.models import Ownership
from tests.gridmgr.api_client import Clients, make_clients, url
from tests.gridmgr.coverage_page_client import (
    PAGE,
    export_dir,
    fresh_cache,
    logged_in,
    start,
    wait_for,
)
from tests.gridmgr.map_client import centre_client, get_geojson
from tests.loop import People
from tests.world import World, full_cells

pytestmark = pytest.mark.usefixtures(fresh_cache.__name__)


@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The zones of each analysis run, whichever path asked for it (the geometry work itself)."""
    calls: list[int] = []
    real = geodata.coverage.analyse

    def counted(region: Any, zones: Any, *args: Any, **kwargs: Any) -> CoverageResult:
        calls.append(len(zones))
        return real(region, zones, *args, **kwargs)

    monkeypatch.setattr(geodata.coverage, "analyse", counted)
    return calls


def page_figures(client: Client, layer: str) -> dict[str, Any]:
    """The figures of the page's one summary and the number of rows of its piece tables."""
    response = client.get(PAGE, {"region": "110101", "layer": layer})
    assert response.status_code == 200, response.content[:300]
    (summary,) = response.context["summaries"]
    return {
        "coverage_pct": summary["coverage_pct"],
        "blind_m2": summary["blind_m2"],
        "overlap_m2": summary["overlap_m2"],
        "zone_count": summary["zone_count"],
        "blind": len(response.context["blind"]["rows"]),
        "overlaps": len(response.context["overlaps"]["rows"]),
    }


def api_figures(client: Any, layer: str) -> dict[str, Any]:
    """The same figures from /api/coverage/, written as the page writes them (en: 1,234.5)."""
    response = client.get(url("coverage"), {"region": "110101", "layer": layer})
    assert response.status_code == 200, response.json()
    (report,) = response.json()
    return {
        "coverage_pct": f"{report['coverage_pct']:,.3f}",
        "blind_m2": f"{report['blind_m2']:,.1f}",
        "overlap_m2": f"{report['overlap_m2']:,.1f}",
        "zone_count": report["zone_count"],
        "blind": len(report["blind"]),
        "overlaps": len(report["overlaps"]),
    }


@pytest.fixture
def clients(world: World, people: People) -> tuple[Client, Clients]:
    page = logged_in(people.worker)
    page.cookies.load({"django_language": "en"})  # numbers grouped 1,234.5 as formatted above
    return page, make_clients(world)


def test_the_page_and_the_api_show_one_cached_report(
    world: World, clients: tuple[Client, Clients], analyses: list[int]
) -> None:
    page, api = clients
    shown = page_figures(page, world.grid.name)
    assert len(analyses) == 1
    assert api_figures(api.viewer, world.grid.name) == shown
    assert page_figures(page, world.grid.name) == shown
    assert len(analyses) == 1  # the API read the page's report, the page its own again
    assert shown["blind"] == 1 and shown["overlaps"] >= 1


def test_a_zone_or_owner_change_makes_both_analyse_again_once(
    world: World, clients: tuple[Client, Clients], analyses: list[int]
) -> None:
    page, api = clients
    before = api_figures(api.viewer, world.grid.name)
    full_cells(world.subs["S3"], world.grid)[0].delete()
    after_edit = page_figures(page, world.grid.name)
    assert api_figures(api.viewer, world.grid.name) == after_edit
    assert after_edit["blind"] == before["blind"] + 1
    assert len(analyses) == 2
    zone = full_cells(world.subs["S1"], world.grid)[0]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert Ownership.objects.filter(zone=zone).update(valid_to=yesterday)
    after_owner = api_figures(api.viewer, world.grid.name)
    assert page_figures(page, world.grid.name) == after_owner
    assert after_owner["blind"] == after_edit["blind"] + 1  # nobody owns that cell today
    assert len(analyses) == 3


@pytest.mark.usefixtures(export_dir.__name__)
def test_an_export_job_reads_the_page_s_cached_report(
    world: World, people: People, analyses: list[int]
) -> None:
    centre = logged_in(people.centre)
    shown = page_figures(centre, world.grid.name)
    job = start(centre, "110101", "xlsx", world.grid.name)
    assert wait_for(centre, job["status_url"])["state"] == "done"
    assert page_figures(centre, world.grid.name) == shown
    assert len(analyses) == 1  # the job's runner asked the same cache


def test_the_map_draws_the_page_s_cached_district_report(
    world: World, clients: tuple[Client, Clients], analyses: list[int]
) -> None:
    page, _ = clients
    shown = page_figures(page, world.grid.name)  # the district, by default
    data = get_geojson(centre_client("ditu"), "/map/coverage.geojson")
    blind = [f for f in data["features"] if f["properties"]["layer"] == world.grid.pk]
    assert len([f for f in blind if f["properties"]["kind"] == "blind"]) == shown["blind"]
    assert len(analyses) == 2  # the page's unit grids, then the map's other layer only
