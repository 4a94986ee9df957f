"""Unit grids: lattice cells tile an area, blocks follow streets, codes follow the standard."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, shape

from geodata.errors import GeoDataError, UnitGridError
from geodata.grid import (
    GRID_CODE_SCHEMES,
    grid_code,
    make_codes,
    order_cells,
    square_cells,
    street_blocks,
)
from geodata.measure import LocalProjection, areas_m2

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
BOSTON_STREETS = FIXTURES / "boston" / "boston_common_osm_streets.geojson"
PROJ = LocalProjection(116.4)


def metres_box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    """Return a lon/lat polygon that is a box in PROJ (metres) to well under a millimetre."""
    # Straight in lon/lat is curved in metres (6 mm over 1 km): a vertex every metre.
    return PROJ.to_lonlat(shapely.segmentize(shapely.box(x0, y0, x1, y1), 1.0))


@pytest.fixture(scope="module")
def boston_blocks() -> list[MultiPolygon]:
    features = json.loads(BOSTON_STREETS.read_text(encoding="utf-8"))["features"]
    return street_blocks([shape(f["geometry"]) for f in features])


def test_square_cells_of_an_aligned_kilometre_are_a_hundred_hectares():
    cells = square_cells(metres_box(500_000, 4_420_000, 501_000, 4_421_000), 100, PROJ)
    assert len(cells) == 100
    assert all(isinstance(c, MultiPolygon) for c in cells)
    np.testing.assert_allclose(shapely.area(PROJ.to_metres(np.array(cells))), 10_000, rtol=1e-6)


def test_square_cells_tile_the_area_without_gap_or_overlap():
    area = shapely.Point(116.4, 39.9).buffer(0.02, quad_segs=32)
    cells = np.array(square_cells(area, 250), dtype=object)
    assert shapely.coverage_is_valid(cells)
    assert areas_m2(cells).sum() == pytest.approx(areas_m2([area])[0], rel=1e-7)


@pytest.mark.parametrize("size", [174.9, 123.4, 66.6])
def test_square_cells_of_a_fractional_size_are_a_clean_coverage(size):
    # A cell's far edge is the next lattice line, not x0 + size (one ulp off for such sizes).
    area = shapely.Point(116.4, 39.9).buffer(0.02, quad_segs=32)
    cells = np.array(square_cells(area, size), dtype=object)
    assert shapely.coverage_is_valid(cells)
    assert areas_m2(cells).sum() == pytest.approx(areas_m2([area])[0], rel=1e-7)


def test_square_cells_snap_to_lattice_lines_shared_by_neighbours():
    west = square_cells(metres_box(500_030, 4_420_000, 500_150, 4_420_100), 100, PROJ)
    east = square_cells(metres_box(500_150, 4_420_000, 500_270, 4_420_100), 100, PROJ)
    spans = [tuple(np.round(PROJ.to_metres(c).bounds, 3)[[0, 2]]) for c in west + east]
    assert spans == [(500_030, 500_100), (500_100, 500_150), (500_150, 500_200), (500_200, 500_270)]
    # The straddling lattice cell, cut by the border between the two areas, is whole again.
    middle = shapely.union(west[-1], east[0])
    assert PROJ.to_metres(middle).area == pytest.approx(10_000, rel=1e-6)


def test_square_cells_are_numbered_west_to_east_then_north_to_south():
    cells = square_cells(metres_box(500_000, 4_420_000, 500_300, 4_420_200), 100, PROJ)
    centres = PROJ.to_metres(shapely.centroid(np.array(cells)))
    xy = np.round(np.c_[shapely.get_x(centres), shapely.get_y(centres)]).tolist()
    assert xy == [
        [500_050, 4_420_150], [500_150, 4_420_150], [500_250, 4_420_150],
        [500_050, 4_420_050], [500_150, 4_420_050], [500_250, 4_420_050],
    ]  # fmt: skip


def test_square_cells_first_cell_is_the_north_west_one_of_a_round_area():
    area = shapely.Point(116.4, 39.9).buffer(0.01, quad_segs=32)
    cells = square_cells(area, 200)
    tops = [c.bounds[3] for c in cells]
    assert tops[0] == pytest.approx(max(tops), abs=0.002)
    first_row = [c for c, top in zip(cells, tops, strict=True) if top == pytest.approx(tops[0])]
    assert cells[0].bounds[0] == min(c.bounds[0] for c in first_row)


def test_square_cells_drop_cells_under_the_minimum_area():
    # 100 m × 100.5 m: the top lattice row is a 0.5 m strip, 50 m² per cell.
    area = metres_box(500_000, 4_420_000, 500_100, 4_420_100.5)
    assert len(square_cells(area, 100, PROJ)) == 2
    assert len(square_cells(area, 100, PROJ, min_area_m2=60)) == 1


def test_square_cells_refuse_a_non_positive_size():
    with pytest.raises(UnitGridError) as info:
        square_cells(shapely.box(116, 39, 116.1, 39.1), 0)
    assert "边长" in info.value.zh and "cell size" in info.value.en


def test_square_cells_of_nothing_is_nothing():
    assert square_cells(shapely.Polygon(), 100) == []


def test_order_cells_numbers_rows_from_the_north():
    boxes = [metres_box(500_000 + 100 * c, 4_420_000 - 100 * r, 500_100 + 100 * c, 4_420_100 - 100 * r)
             for r in range(3) for c in range(4)]  # fmt: skip
    shuffled = np.random.default_rng(1).permutation(len(boxes))
    order = order_cells([boxes[i] for i in shuffled])
    assert shuffled[order].tolist() == list(range(12))


def test_street_blocks_around_boston_common(boston_blocks):
    areas = areas_m2(boston_blocks)
    assert 200 <= len(boston_blocks) <= 300
    assert 90 <= np.count_nonzero((areas >= 5_000) & (areas <= 20_000)) <= 140
    assert areas.min() >= 50


def test_street_blocks_are_numbered_from_the_north_west(boston_blocks):
    tops = [shapely.point_on_surface(b).y for b in boston_blocks]
    assert tops[0] > np.percentile(tops, 90)
    assert tops[-1] < np.percentile(tops, 10)


def test_street_blocks_are_clipped_to_an_area(boston_blocks):
    clip = shapely.box(-71.07, 42.35, -71.06, 42.36)
    blocks = street_blocks(
        [shape(f["geometry"]) for f in json.loads(BOSTON_STREETS.read_text())["features"]], clip
    )
    assert 0 < len(blocks) < len(boston_blocks)
    assert all(clip.covers(b) for b in blocks)


def test_grid_codes_follow_the_beijing_fifteen_digit_standard():
    codes = make_codes("110101001001", 3, "15")
    assert codes == ["110101001001001", "110101001001002", "110101001001003"]
    assert all(re.fullmatch(r"\d{15}", c) for c in codes)


def test_grid_code_schemes_have_their_lengths():
    for scheme, (prefix_digits, seq_digits) in GRID_CODE_SCHEMES.items():
        code = make_codes("110101001001", 1, scheme, start=7)[0]
        assert len(code) == int(scheme) == prefix_digits + seq_digits
        assert int(code[prefix_digits:]) == 7


def test_grid_codes_continue_from_a_start_without_reuse():
    assert make_codes("110101001001", 2, "14", start=98) == ["11010100100198", "11010100100199"]
    assert grid_code("110101001001", 42, 3) == "110101001001042"


def test_grid_code_sequence_overflow_is_refused_in_both_languages():
    with pytest.raises(GeoDataError) as info:
        make_codes("110101001001", 1000, "15")
    assert "1000" in info.value.zh and re.search(r"[\u4e00-\u9fff]", info.value.zh)
    assert "overflow" in info.value.en
    with pytest.raises(UnitGridError):
        make_codes("110101001001", 2, "14", start=99)
    with pytest.raises(UnitGridError):
        grid_code("110101001001", 0, 3)


def test_grid_codes_refuse_unknown_schemes_and_bad_community_codes():
    with pytest.raises(UnitGridError, match="unknown grid code scheme"):
        make_codes("110101001001", 1, "16")
    with pytest.raises(UnitGridError, match="12 digits"):
        make_codes("110101001", 1, "15")
