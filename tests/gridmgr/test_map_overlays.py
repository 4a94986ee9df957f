"""Blind spots and overlaps (cached per activation), stations and issues on the map."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from gridmgr.casework.report import report_issue
from gridmgr.coverage import cache
from gridmgr.models import Issue, Station, Zone
from tests.gridmgr.map_client import bbox_around, centre_client, get_geojson
from tests.world import World, full_cells


@pytest.fixture
def client(world: World) -> Client:
    return centre_client()


def test_coverage_shows_the_gap_and_the_overlap_of_the_unit_grids(
    world: World, client: Client
) -> None:
    data = get_geojson(client, "/map/coverage.geojson")
    pieces = [
        f["properties"] for f in data["features"] if f["properties"]["layer"] == world.grid.pk
    ]
    blind = [p for p in pieces if p["kind"] == "blind"]
    overlaps = [p for p in pieces if p["kind"] == "overlap"]
    assert any(p["area_m2"] == pytest.approx(40_000, rel=0.01) for p in blind)  # the retired cell
    assert overlaps and all("X01" in p["zones"] for p in overlaps)
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in data["features"])


def test_coverage_is_analysed_once_per_activation(world: World, client: Client) -> None:
    with mock.patch.object(cache, "analyse_layer", wraps=cache.analyse_layer) as analyse:
        get_geojson(client, "/map/coverage.geojson")
        get_geojson(client, "/map/coverage.geojson")
        bbox = bbox_around(*world.inside(world.overlap), 0.002)
        get_geojson(client, f"/map/layers/{world.grid.pk}.geojson", bbox=bbox, zoom=16)
        assert analyse.call_count == 2  # one per layer
        cell = full_cells(world.subs["S3"], world.grid)[0]
        cell.save()  # an edit (updated_at moves) invalidates the grid layer's analysis
        get_geojson(client, "/map/coverage.geojson")
        assert analyse.call_count == 3


def test_stations_are_points_with_their_cadre(world: World, client: Client) -> None:
    area = Zone.objects.get(code="S1", active=True)
    Station.objects.create(
        name="景山驻点",
        location=Point(*world.inside(area), srid=4326),
        package_area=area,
        cadre=world.owners["板块长S1"],
    )
    data = get_geojson(client, "/map/stations.geojson")
    (station,) = data["features"]
    assert station["geometry"]["type"] == "Point"
    assert (
        station["properties"]["cadre"] == "板块长S1" and station["properties"]["zone_code"] == "S1"
    )


def issues_at(world: World) -> dict[str, Issue]:
    s1 = full_cells(world.subs["S1"], world.grid)[12]
    s3 = full_cells(world.subs["S3"], world.grid)[12]
    found = {
        "s1": report_issue(*world.inside(s1), world.categories["rubbish"]),
        "s3": report_issue(*world.inside(s3), world.categories["parking"]),
        "closed": report_issue(*world.inside(s1), world.categories["parking"]),
    }
    Issue.objects.filter(pk=found["closed"].pk).update(status=Issue.Status.CLOSED)
    return found


def ids(collection: dict) -> set[int]:
    return {f["id"] for f in collection["features"]}


def test_open_issues_are_drawn_by_default(world: World, client: Client) -> None:
    found = issues_at(world)
    data = get_geojson(client, "/map/issues.geojson")
    assert ids(data) == {found["s1"].pk, found["s3"].pk}
    assert ids(get_geojson(client, "/map/issues.geojson", status="all")) == {
        i.pk for i in found.values()
    }
    first = next(f for f in data["features"] if f["id"] == found["s1"].pk)
    assert (
        first["properties"]["status"] == "reported"
        and first["properties"]["category"] == "暴露垃圾"
    )
    assert first["properties"]["reported"] == timezone.localdate().isoformat()


def test_issues_are_limited_to_the_view(world: World, client: Client) -> None:
    found = issues_at(world)
    lon, lat = found["s1"].location.coords
    data = get_geojson(client, "/map/issues.geojson", bbox=bbox_around(lon, lat, 0.001))
    assert ids(data) == {found["s1"].pk}


def test_a_user_without_a_role_sees_no_issues(world: World) -> None:
    from django.contrib.auth.models import User

    issues_at(world)
    client = Client()
    client.force_login(User.objects.create_user("nobody", password="x-secret-1"))
    assert get_geojson(client, "/map/issues.geojson")["features"] == []
