"""The issue map: the page loads local Leaflet and the outline; its GeoJSON obeys the filters
and the user's visibility."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.gridmgr.casework_cases import cases, client_of
from tests.loop import People
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def points(client: Client, **params: str) -> dict[str, Any]:
    response = client.get("/issues/map/issues.geojson", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def test_the_map_page_uses_local_leaflet_and_markercluster(world: World, people: People) -> None:
    page = client_of(people.centre).get("/issues/map/", {"status": "open"}).text
    assert "/static/vendor/leaflet/dist/leaflet.js" in page
    assert "/static/vendor/leaflet.markercluster/dist/leaflet.markercluster.js" in page
    assert 'data-geojson="/issues/map/issues.geojson?status=open"' in page
    assert '"level": "district"' in page  # the district outline


def test_the_points_are_the_filtered_cases_with_popup_facts(world: World, people: People) -> None:
    found = cases(world)
    centre = client_of(people.centre)
    assert points(centre)["count"] == 4
    parking = points(centre, category=str(world.categories["parking"].pk))
    assert [f["id"] for f in parking["features"]] == [found.s3_parking.pk]
    props = parking["features"][0]["properties"]
    assert props["tracking"] == found.s3_parking.tracking_number
    assert (props["status"], props["category"], props["overdue"]) == ("reported", "违章停车", False)
    lon, lat = parking["features"][0]["geometry"]["coordinates"]
    assert abs(lon - found.s3_parking.location.x) < 1e-6


def test_a_grid_worker_maps_only_its_own_cases(world: World, people: People) -> None:
    found = cases(world)
    mine = {f["id"] for f in points(client_of(people.worker))["features"]}
    assert mine == {found.s3_rubbish.pk, found.s3_parking.pk}


def test_the_map_needs_a_login(client: Client, world: World) -> None:
    assert client.get("/issues/map/issues.geojson").status_code == 302
