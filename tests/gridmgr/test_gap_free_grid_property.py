"""Property: in a generated gap-free grid, any point inside gets exactly one cell and no flags."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
import shapely
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridmgr.coverage.analysis import analyse_layer
from gridmgr.models import Layer, Ownership, Plan, Region, Zone
from gridmgr.models.issues import Rule
from gridmgr.routing.bulk import COVERS, BulkRouter
from gridmgr.routing.point import route_point
from gridmgr.territory.grids import generate_grid
from gridmgr.territory.imports import import_regions
from gridmgr.territory.plans import activate_plan
from tests.world import SECTORS, dongcheng_features, make_owner, shape


class _Rollback(Exception):
    """Undoes one example's world."""


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run a block in a savepoint that is always rolled back (one world per example)."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def grid_world(name: str, cell_m: float) -> Region:
    """A one-sub-district district, cut into a one-layer grid of cell_m, every cell owned."""
    (feature,) = dongcheng_features([name])
    feature.properties["code12"] = "110101"
    import_regions([feature], level="district", code_field="code12", name_field="name")
    district = Region.objects.get(code="110101")
    layer = Layer.objects.create(name="单元网格", owner_role="grid_worker", is_unit_grid=True)
    plan = Plan.objects.create(name="性质测试")
    generate_grid(district, plan, layer, cell_size_m=cell_m)
    worker = make_owner("网格员")
    Ownership.objects.bulk_create(
        Ownership(owner=worker, zone=z, role="grid_worker") for z in plan.zones.all()
    )
    activate_plan(plan)
    return district


def interiors_containing(lon: float, lat: float) -> int:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM gridmgr_zone WHERE active AND "
            "ST_Contains(geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))",
            [lon, lat],
        )
        return int(cur.fetchone()[0])


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(sorted(SECTORS)),
    cell_m=st.floats(min_value=100.0, max_value=500.0),
    spots=st.lists(st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 1.0)), min_size=1, max_size=25),
)
def test_every_point_of_a_gap_free_grid_gets_one_cell_and_no_flags(
    name: str, cell_m: float, spots: list[tuple[float, float]]
) -> None:
    with rolled_back():
        district = grid_world(name, cell_m)
        outline = shape(district.boundary)
        minx, miny, maxx, maxy = outline.bounds
        lon = np.array([minx + fx * (maxx - minx) for fx, _ in spots])
        lat = np.array([miny + fy * (maxy - miny) for _, fy in spots])
        inside = shapely.covers(outline, shapely.points(lon, lat))
        lon, lat = lon[inside], lat[inside]
        coverage = analyse_layer(district, Layer.objects.get())
        assert coverage.blind == [] and coverage.overlaps == []
        bulk = BulkRouter().route(lon, lat)
        for k in range(len(lon)):
            route = route_point(float(lon[k]), float(lat[k]))
            (layer,) = route.layers
            assert layer.rule == Rule.COVERS
            assert Zone.objects.get(pk=layer.zone_id).active
            assert not (route.in_overlap or route.in_blind_spot or route.distance_m)
            assert interiors_containing(float(lon[k]), float(lat[k])) <= 1
            assert bulk.layers[0].zone[k] == layer.zone_id
            assert bulk.layers[0].rule[k] == COVERS
