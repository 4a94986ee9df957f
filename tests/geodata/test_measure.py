"""Areas and distances in metres: a local projection agrees with geodesic measures."""

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from geodata.errors import EmptyInputError
from geodata.measure import LocalProjection, areas_m2, distance_m, geodesic_area_m2

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DONGCHENG = FIXTURES / "dongcheng" / "dongcheng_110101_subdistricts.geojson"


@pytest.fixture(scope="module")
def subdistricts() -> np.ndarray:
    features = json.loads(DONGCHENG.read_text(encoding="utf-8"))["features"]
    return np.array([shape(f["geometry"]) for f in features], dtype=object)


def test_around_centres_the_zone_on_the_bounds():
    proj = LocalProjection.around(shapely.box(116.0, 39.0, 117.0, 40.0))
    assert (proj.lon0, proj.lat0) == (116.5, 39.5)
    assert LocalProjection.around((116.0, 39.0, 117.0, 40.0)) == proj


def test_around_refuses_empty_input():
    with pytest.raises(EmptyInputError):
        LocalProjection.around(shapely.Polygon())
    with pytest.raises(EmptyInputError):
        LocalProjection.around([])


def test_central_meridian_maps_to_false_easting():
    x, y = LocalProjection(116.4).points_to_metres([116.4], [0.0])
    assert x[0] == pytest.approx(500_000.0)
    assert y[0] == pytest.approx(0.0, abs=1e-6)


def test_to_metres_and_back_round_trips_within_a_nanodegree(subdistricts):
    proj = LocalProjection.around(subdistricts)
    back = proj.to_lonlat(proj.to_metres(subdistricts))
    drift = np.abs(shapely.get_coordinates(back) - shapely.get_coordinates(subdistricts))
    assert drift.max() < 1e-9


def test_points_and_geometries_project_alike(subdistricts):
    proj = LocalProjection.around(subdistricts)
    lonlat = shapely.get_coordinates(subdistricts[0])
    x, y = proj.points_to_metres(lonlat[:, 0], lonlat[:, 1])
    np.testing.assert_allclose(
        np.c_[x, y], shapely.get_coordinates(proj.to_metres(subdistricts[0]))
    )
    lon, lat = proj.points_to_lonlat(x, y)
    np.testing.assert_allclose(np.c_[lon, lat], lonlat, atol=1e-10)


def test_local_areas_are_within_a_thousandth_of_geodesic(subdistricts):
    local = areas_m2(subdistricts)
    geodesic = np.array([geodesic_area_m2(g) for g in subdistricts])
    np.testing.assert_allclose(local, geodesic, rtol=1e-3)
    assert 41e6 < local.sum() < 42.5e6  # Dongcheng is about 41.8 km²


def test_areas_of_nothing_is_an_empty_array():
    assert areas_m2([]).shape == (0,)


def test_geodesic_area_ignores_ring_orientation():
    square = shapely.box(116.0, 39.0, 116.01, 39.01)
    assert geodesic_area_m2(square) == pytest.approx(geodesic_area_m2(square.reverse()))


def test_distance_is_geodesic_and_vectorised():
    # One degree of latitude at the equator is 110,574 m on WGS84.
    d = distance_m([0.0, 116.4], [0.0, 39.9], [0.0, 116.4], [1.0, 39.9])
    assert d[0] == pytest.approx(110_574, abs=1)
    assert d[1] == 0.0
    assert float(distance_m(116.4, 39.9, 116.5, 39.9)) == pytest.approx(8_545, rel=1e-3)
