"""The coverage report through the API: the json of gridmgr.coverage.analysis.analyse, not stored."""

from __future__ import annotations

import pytest

from gridmgr.models import CoverageSnapshot
from tests.gridmgr.api_client import Clients, make_clients, url
from tests.world import World


@pytest.fixture
def api(world: World) -> Clients:
    return make_clients(world)


def test_the_coverage_report_names_the_blind_spot_and_the_overlap(
    world: World, api: Clients
) -> None:
    response = api.viewer.get(url("coverage"), {"region": "110101", "layer": "单元网格"})
    assert response.status_code == 200, response.json()
    (report,) = response.json()
    assert report["region"] == "110101" and report["layer"] == "单元网格"
    assert report["blind_m2"] == pytest.approx(40_000, rel=0.01)  # the retired 200 m cell
    assert any("X01" in piece["zones"] for piece in report["overlaps"])
    assert report["change"] is None
    every = api.centre.get(url("coverage")).json()
    assert [r["layer"] for r in every] == ["板块", "单元网格"]
    assert not CoverageSnapshot.objects.exists()


def test_the_coverage_report_refuses_an_unknown_region_or_layer(api: Clients) -> None:
    assert api.centre.get(url("coverage"), {"region": "999999"}).status_code == 400
    response = api.centre.get(url("coverage"), {"layer": "nowhere"})
    assert response.status_code == 400 and "no layer named" in response.json()["layer"][0]
