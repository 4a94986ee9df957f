"""The single-point router (PostGIS) and the bulk router (shapely) agree point by point."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from gridmgr.errors import OutsideDistrictError
from gridmgr.models.issues import Rule
from gridmgr.routing.bulk import RULES, BulkRouter, BulkRoutes
from gridmgr.routing.point import Route, route_point
from tests.world import SUBDISTRICT_BORDER, World, shape

RULE_CODE = {rule: k for k, rule in enumerate(RULES)}


def random_points(world: World, seed: int = 20260301) -> tuple[np.ndarray, np.ndarray]:
    """Points over the district's box, around the gap and around the overlap, plus vertices."""
    rng = np.random.default_rng(seed)
    boxes = [
        (shape(world.district.boundary).bounds, 1500),
        (world.gap.buffer(0.002).bounds, 700),
        (shape(world.overlap.geom).buffer(0.001).bounds, 300),
    ]
    lon, lat = [], []
    for (minx, miny, maxx, maxy), n in boxes:
        lon.append(rng.uniform(minx, maxx, n))
        lat.append(rng.uniform(miny, maxy, n))
    # Points exactly on borders: the gap's and X01's corners, a sub-district border vertex.
    corners = [*world.gap.exterior.coords, *shape(world.overlap.geom).geoms[0].exterior.coords]
    corners.append(SUBDISTRICT_BORDER)
    corners.append(world.four_cell_corner())
    lon.append(np.array([c[0] for c in corners]))
    lat.append(np.array([c[1] for c in corners]))
    return np.concatenate(lon), np.concatenate(lat)


def assert_same(k: int, single: Route | None, bulk: BulkRoutes) -> None:
    if single is None:
        assert bulk.outside[k], f"point {k}: single router refused it, bulk did not"
        return
    assert not bulk.outside[k], f"point {k}: bulk router refused it, single did not"
    assert single.region_id == bulk.region[k], f"point {k}: region"
    for one, many in zip(single.layers, bulk.layers, strict=True):
        got = (many.zone[k], many.plan[k], many.owner[k], many.rule[k])
        want = (
            one.zone_id or -1,
            one.plan_id or -1,
            one.owner_id or -1,
            RULE_CODE[Rule(one.rule)],
        )
        assert got == want, f"point {k}, layer {one.layer_id}"
        if one.distance_m is None:
            assert np.isnan(many.distance[k]), f"point {k}: distance"
        else:
            assert many.distance[k] == pytest.approx(one.distance_m, abs=0.05)
    assert single.zone_id == (bulk.zone()[k] if bulk.zone()[k] >= 0 else None)
    assert (single.owner_id or -1) == bulk.owner()[k]
    assert single.in_overlap == bulk.in_overlap()[k]
    assert single.in_blind_spot == bulk.in_blind_spot()[k]


@pytest.mark.slow
def test_single_and_bulk_routers_agree_on_random_points(world: World, settings) -> None:
    settings.GRIDMGR_NEAREST_ZONE_M = 50.0
    lon, lat = random_points(world)
    bulk = BulkRouter().route(lon, lat)
    kinds = set()
    for k in range(len(lon)):
        try:
            single = route_point(float(lon[k]), float(lat[k]))
        except OutsideDistrictError:
            single = None
        assert_same(k, single, bulk)
        if single is not None:
            kinds |= {r.rule for r in single.layers}
    # The sample really exercises every rule, and points outside the district.
    assert kinds == {Rule.COVERS, Rule.OVERLAP, Rule.NEAREST, Rule.FALLBACK}
    assert 0 < bulk.outside.sum() < len(lon) / 2


def test_corners_of_the_overlap_inside_cells_go_to_the_cells_in_both_routers(world: World) -> None:
    # X01's edges run through the interior of cells: a point on such an edge is covered by the
    # cell (interior) and by X01 (border); both routers give it to the cell.
    corners = shape(world.overlap.geom).geoms[0].exterior.coords[:4]
    lon = np.array([c[0] for c in corners])
    lat = np.array([c[1] for c in corners])
    on_edge = shapely.touches(shape(world.overlap.geom), shapely.points(lon, lat))
    assert on_edge.all()
    bulk = BulkRouter().route(lon, lat)
    for k in range(len(lon)):
        assert_same(int(k), route_point(float(lon[k]), float(lat[k])), bulk)
        assert bulk.layers[1].zone[k] != world.overlap.pk
