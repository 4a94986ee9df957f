"""GCJ-02 and BD-09 conversions match the published formulas and invert to millimetres."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.coords import COORD_SYSTEMS, from_wgs84, to_wgs84
from geodata.errors import GeoDataError

Pair = tuple[float, float]

# One degree of latitude is about 111 km, so 1 mm is about 9e-9 degrees.
MM_DEG = 1e-3 / 111_000

# Computed once with prcoords 1.0.2 (CC0), an independent scalar implementation of the
# published formulas: (wgs lon, wgs lat) -> (gcj lon, gcj lat), (bd lon, bd lat).
REFERENCE = [
    (
        (116.397, 39.908),
        (116.40324337854781, 39.90940335390724),
        (116.40961642907855, 39.915744473775554),
    ),
    (
        (121.4737, 31.2304),
        (121.47822305927693, 31.22845773757727),
        (121.484781468503, 31.234310593689997),
    ),
    (
        (114.0579, 22.5431),
        (114.06301399856547, 22.54038281422246),
        (114.06956398703267, 22.546041559073544),
    ),
    (
        (120.3, 31.57),
        (120.30459975912251, 31.568099311896745),
        (120.31119968963914, 31.57375090364496),
    ),
]


def beijing_grid() -> tuple[np.ndarray, np.ndarray]:
    """Return a 50 x 50 grid of points over Beijing."""
    lon, lat = np.meshgrid(np.linspace(115.4, 117.5, 50), np.linspace(39.4, 41.0, 50))
    return lon.ravel(), lat.ravel()


@pytest.mark.parametrize(("wgs", "gcj", "bd"), REFERENCE)
def test_forward_matches_published_formula(wgs: Pair, gcj: Pair, bd: Pair) -> None:
    assert from_wgs84(*wgs, "gcj02") == pytest.approx(gcj, abs=1e-12)
    assert from_wgs84(*wgs, "bd09") == pytest.approx(bd, abs=1e-12)


def test_gcj_offset_in_beijing_is_hundreds_of_metres():
    lon, lat = from_wgs84(116.397, 39.908, "gcj02")
    assert 0.005 < lon - 116.397 < 0.007
    assert 0.001 < lat - 39.908 < 0.002


@pytest.mark.parametrize(("wgs", "gcj", "bd"), REFERENCE)
def test_inverse_recovers_reference_points_to_a_millimetre(wgs: Pair, gcj: Pair, bd: Pair) -> None:
    assert to_wgs84(*gcj, "gcj02") == pytest.approx(wgs, abs=MM_DEG)
    assert to_wgs84(*bd, "bd09") == pytest.approx(wgs, abs=MM_DEG)


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_round_trip_over_beijing_within_a_millimetre(system):
    lon, lat = beijing_grid()
    back_lon, back_lat = to_wgs84(*from_wgs84(lon, lat, system), system)
    assert np.max(np.abs(back_lon - lon)) < MM_DEG
    assert np.max(np.abs(back_lat - lat)) < MM_DEG


def test_one_step_inverse_would_be_metres_off():
    # Guards the reason for iterating: the naive inverse misses by more than half a metre.
    lon, lat = beijing_grid()
    glon, glat = from_wgs84(lon, lat, "gcj02")
    flon, flat = from_wgs84(glon, glat, "gcj02")
    naive_lon = glon - (flon - glon)
    assert np.max(np.abs(naive_lon - lon)) * 111_000 * np.cos(np.radians(40)) > 0.5


@given(
    st.floats(min_value=74.0, max_value=134.0),
    st.floats(min_value=18.0, max_value=53.0),
    st.sampled_from(["gcj02", "bd09"]),
)
@settings(max_examples=200, deadline=None)
def test_round_trip_anywhere_in_china(lon, lat, system):
    assert to_wgs84(*from_wgs84(lon, lat, system), system) == pytest.approx((lon, lat), abs=MM_DEG)


@pytest.mark.parametrize(
    ("lon", "lat"), [(-0.1276, 51.5072), (-71.0589, 42.3601), (139.6917, 35.6895), (151.2, -33.9)]
)
def test_gcj_leaves_points_outside_china_unchanged(lon, lat):
    assert from_wgs84(lon, lat, "gcj02") == (lon, lat)
    assert to_wgs84(lon, lat, "gcj02") == (lon, lat)


@pytest.mark.parametrize("system", ["wgs84", "cgcs2000"])
def test_wgs84_and_cgcs2000_pass_through(system):
    lon, lat = beijing_grid()
    out_lon, out_lat = to_wgs84(lon, lat, system)
    assert np.array_equal(out_lon, lon) and np.array_equal(out_lat, lat)
    assert np.array_equal(from_wgs84(lon, lat, system)[1], lat)


def test_missing_points_stay_nan_and_do_not_stall():
    lon, lat = to_wgs84([116.4, np.nan], [39.9, np.nan], "bd09")
    assert np.isnan(lon[1]) and np.isnan(lat[1])
    assert np.isfinite(lon[0]) and np.isfinite(lat[0])


def test_unknown_system_is_refused_in_both_languages():
    with pytest.raises(GeoDataError) as info:
        to_wgs84(116.4, 39.9, "mars")
    assert "未知的坐标系" in info.value.zh
    assert "unknown coordinate system 'mars'" in info.value.en
    with pytest.raises(GeoDataError):
        from_wgs84(116.4, 39.9, "GCJ02")


def test_every_listed_system_is_accepted():
    for system in COORD_SYSTEMS:
        assert np.all(np.isfinite(to_wgs84([116.4], [39.9], system)))
