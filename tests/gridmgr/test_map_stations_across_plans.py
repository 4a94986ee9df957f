"""A station follows its package area's code into a redrawn plan: map and API name the zone in force."""

from __future__ import annotations

import json

from django.contrib.gis.geos import Point

from gridmgr.models import Station, Zone
from tests.gridmgr.editor_cases import Editors, client_of
from tests.gridmgr.redraw_cases import redraw
from tests.world import World


def test_a_station_points_at_its_package_areas_zone_in_force_after_a_redraw(
    world: World, editors: Editors
) -> None:
    s3 = Zone.objects.active().get(layer=world.sector, code="S3")
    Station.objects.create(name="朝阳门驻点", location=Point(*world.inside(s3)), package_area=s3)
    plan = redraw(world, editors.centre, world.sector)
    data = json.loads(client_of(editors.centre).get("/map/stations.geojson").content)
    [station] = data["features"]
    now = Zone.objects.get(plan=plan, layer=world.sector, code="S3")
    assert (station["properties"]["zone"], station["properties"]["zone_code"]) == (now.pk, "S3")
    api = client_of(editors.centre).get("/api/stations/").json()
    assert [f["properties"]["package_area"] for f in api["features"]] == [now.pk]
