"""Output coordinate systems: WGS84, CGCS2000, the CGCS2000 Gauss–Krüger 3-degree zone of a
longitude, or an allowed EPSG code; anything else refused in both languages."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geodata.crs import crs_name, from_wgs84, gk3_srid, output_srid
from geodata.errors import UnknownCRSError


@pytest.mark.parametrize(
    ("lon", "srid"), [(116.41, 4548), (120.3, 4549), (75.0, 4534), (121.6, 4550), (135.0, 4554)]
)
def test_the_3_degree_zone_is_the_one_of_the_nearest_central_meridian(
    lon: float, srid: int
) -> None:
    assert gk3_srid(lon) == srid
    assert crs_name(srid).startswith("CGCS2000 / 3-degree Gauss-Kruger CM")


def test_names_and_codes_give_their_epsg_code() -> None:
    assert output_srid("wgs84", 116.4) == 4326
    assert output_srid("CGCS2000", 116.4) == 4490
    assert output_srid("cgcs2000-gk3", 116.4) == 4548
    assert output_srid("EPSG:4549", 116.4) == output_srid("4549", 0) == 4549
    assert output_srid("4502", 116.4) == 4502  # a 6-degree zone


@pytest.mark.parametrize("system", ["EPSG:3857", "32650", "gcj02", "", "EPSG:99999"])
def test_anything_else_is_refused_in_both_languages(system: str) -> None:
    with pytest.raises(UnknownCRSError) as caught:
        output_srid(system, 116.4)
    assert "不支持的输出坐标系" in caught.value.zh and "unknown output" in caught.value.en


def test_a_longitude_outside_the_zones_is_refused() -> None:
    with pytest.raises(UnknownCRSError, match="outside the CGCS2000 Gauss-Kruger"):
        gk3_srid(-71.06)


def test_projection_puts_the_central_meridian_at_500_km_east() -> None:
    points = np.array([shapely.Point(117.0, 39.9), shapely.Point(116.4, 39.9)])
    lonlat = from_wgs84(points, 4490)
    assert lonlat is points
    x = shapely.get_x(from_wgs84(points, 4548))
    assert x[0] == pytest.approx(500_000, abs=0.01)
    assert x[1] == pytest.approx(500_000 - 0.6 * 111_320 * np.cos(np.radians(39.9)), rel=2e-3)
