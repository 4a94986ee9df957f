"""5,000 real Boston 311 requests land in the neighbourhood an independent shapely lookup finds."""

from __future__ import annotations

import io
import json

import numpy as np
import pyproj
import pytest
import shapely
from django.core.management import call_command
from shapely.geometry import shape as geojson_shape

from geodata.readers import read_features
from gridmgr.models import Issue, Layer, Owner, Ownership, Plan, Region, Zone
from gridmgr.territory.imports import import_zones
from gridmgr.territory.plans import activate_plan
from tests.world import BOSTON_311, BOSTON_NEIGHBOURHOODS, make_owner, own

GEOD = pyproj.Geod(ellps="WGS84")


def load_plan(boston: Region) -> None:
    """The neighbourhoods as a one-layer plan, each with its own worker, activated."""
    layer = Layer.objects.create(name="街区", name_en="neighbourhood", owner_role="grid_worker")
    plan = Plan.objects.create(name="波士顿街区")
    import_zones(
        read_features(BOSTON_NEIGHBOURHOODS),
        plan=plan,
        layer=layer,
        code_field="Neighborhood_ID",
        name_field="Name",
    )
    Ownership.objects.bulk_create(
        Ownership(owner=Owner.objects.create(name=f"worker {z.name}"), zone=z, role="grid_worker")
        for z in Zone.objects.filter(plan=plan)
    )
    own(make_owner("Boston 311 centre"), "territorial", region=boston)
    activate_plan(plan)


def expected_codes() -> tuple[list[str], list[str | None], list[bool]]:
    """Per request: case id, the neighbourhood code by STRtree + covers (None: in none), overlap."""
    with open(BOSTON_NEIGHBOURHOODS, encoding="utf-8") as handle:
        hoods = json.load(handle)["features"]
    geoms = np.array([geojson_shape(f["geometry"]) for f in hoods], dtype=object)
    codes = [str(f["properties"]["Neighborhood_ID"]) for f in hoods]
    areas = [abs(GEOD.geometry_area_perimeter(g)[0]) for g in geoms]
    with open(BOSTON_311, encoding="utf-8") as handle:
        requests = json.load(handle)["features"]
    points = np.array([geojson_shape(f["geometry"]) for f in requests], dtype=object)
    point_idx, hood_idx = shapely.STRtree(geoms).query(points, predicate="covered_by")
    found: list[str | None] = [None] * len(points)
    overlap = [False] * len(points)
    for p in np.unique(point_idx):
        hits = hood_idx[point_idx == p]
        inside = [h for h in hits if geoms[h].contains(points[p])]
        # Interior before border; then the smallest area, then the lowest code.
        best = min(inside or hits, key=lambda h: (areas[h], codes[h]))
        found[p], overlap[p] = codes[best], len(inside) > 1
    return [str(f["properties"]["case_id"]) for f in requests], found, overlap


@pytest.mark.slow
def test_boston_311_requests_land_in_their_neighbourhood(boston: Region) -> None:
    load_plan(boston)
    out = io.StringIO()
    call_command(
        "import_issues",
        str(BOSTON_311),
        "--lon-field",
        "lon",
        "--lat-field",
        "lat",
        "--category-field",
        "type",
        "--id-field",
        "case_id",
        "--create-categories",
        "--skip-invalid",
        "--commit",
        stdout=out,
        stderr=io.StringIO(),
    )
    case_ids, codes, overlaps = expected_codes()
    landed = dict(Issue.objects.values_list("external_id", "zone__code"))
    flagged = dict(Issue.objects.values_list("external_id", "in_overlap"))
    outside = [cid for cid, code in zip(case_ids, codes, strict=True) if code is None]
    assert 0 < len(outside) < 100  # a few requests were geocoded outside every neighbourhood
    assert len(landed) == 5000 - len(outside)
    for cid, code, overlap in zip(case_ids, codes, overlaps, strict=True):
        if code is None:
            assert cid not in landed, f"request {cid} lies in no neighbourhood"
        else:
            assert landed[cid] == code, f"request {cid}"
            assert flagged[cid] == overlap, f"request {cid}"
    skipped = [line for line in out.getvalue().splitlines() if line.startswith("跳过")]
    assert len(skipped) == len(outside)
    assert all("lies outside the district" in line for line in skipped)
    assert not Issue.objects.filter(in_blind_spot=True).exists()
    assert Issue.objects.values("category").distinct().count() == 17
