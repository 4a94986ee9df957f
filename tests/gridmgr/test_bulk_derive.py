"""Large bulk routes read upper layers and regions off the unit-grid cell: same answers."""

from __future__ import annotations

import numpy as np
import shapely
from django.test import override_settings

from gridmgr.models import Zone
from gridmgr.routing.bulk import BulkRouter, BulkRoutes
from tests.world import SUBDISTRICT_BORDER, TIANANMEN, World, full_cells, shape


def hard_points(world: World) -> list[tuple[float, float]]:
    """Vertices and edge midpoints of cells and sectors, corners, gaps, overlap, outside."""
    points = [world.four_cell_corner(), world.gap_centre(), world.gap_west(30.0)]
    points += [world.inside(world.overlap), SUBDISTRICT_BORDER, TIANANMEN]
    zones = [*Zone.objects.active().filter(layer=world.sector)]
    zones += [*full_cells(world.subs["S1"], world.grid)[:3], world.overlap]
    zones += [*Zone.objects.active().filter(layer=world.grid).order_by("code")[:40]]
    for zone in zones:
        for ring in shapely.get_rings(shape(zone.geom)):
            xy = shapely.get_coordinates(ring)
            points += [tuple(p) for p in xy[:40]]
            points += [tuple(p) for p in ((xy[:-1] + xy[1:]) / 2)[:40]]
    return points


def random_points(world: World, n: int, seed: int = 3) -> list[tuple[float, float]]:
    minx, miny, maxx, maxy = shape(world.district.boundary).bounds
    rng = np.random.default_rng(seed)
    return list(zip(rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n), strict=True))


def same(a: BulkRoutes, b: BulkRoutes) -> None:
    assert np.array_equal(a.region, b.region)
    assert np.array_equal(a.outside, b.outside)
    assert np.array_equal(a.fallback_owner, b.fallback_owner)
    for x, y in zip(a.layers, b.layers, strict=True):
        assert x.layer_id == y.layer_id
        for field in ("zone", "plan", "owner", "rule"):
            assert np.array_equal(getattr(x, field), getattr(y, field)), field
        assert np.array_equal(x.distance, y.distance, equal_nan=True)


@override_settings(GRIDMGR_NEAREST_ZONE_M=50.0)
def test_reading_layers_off_the_cells_changes_no_route(world: World) -> None:
    points = hard_points(world) + random_points(world, 3000)
    lon, lat = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    derived = BulkRouter()
    derived.DERIVE_MIN_POINTS = 0
    full = BulkRouter(derive=False)
    same(derived.route(lon, lat), full.route(lon, lat))
    # It did read most sectors and regions off the cells, and looked the edges up.
    assert derived._derived is not None
    sectors = derived._derived[("layer", world.sector.pk)]
    assert (sectors >= 0).sum() > 20
    assert (sectors == -2).any()


def test_small_routes_look_every_layer_up(world: World) -> None:
    router = BulkRouter()
    lon, lat = world.inside(world.overlap)
    router.route(np.array([lon]), np.array([lat]))
    assert router._derived is None
