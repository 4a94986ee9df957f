"""Coverage: a tiling leaves no blind spot; gaps, overlaps and spill-over are found and measured."""

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from geodata.coverage import Piece, analyse, crossing_parent, region_breakdown
from geodata.errors import EmptyInputError, GeoDataError
from geodata.grid import square_cells
from geodata.measure import LocalProjection, areas_m2, geodesic_area_m2

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DONGCHENG = FIXTURES / "dongcheng" / "dongcheng_110101_subdistricts.geojson"
# A 25 m eastward shift at Beijing's latitude, in degrees of longitude.
SHIFT_25M = 25 / (111_320 * np.cos(np.radians(39.9)))


@pytest.fixture(scope="module")
def dongcheng() -> tuple[list[shapely.Polygon], list[int], shapely.Polygon]:
    """Return Dongcheng's 17 sub-districts, their 12-digit codes as ids, and the district."""
    features = json.loads(DONGCHENG.read_text(encoding="utf-8"))["features"]
    geoms = [shape(f["geometry"]) for f in features]
    ids = [int(f["properties"]["code12"]) for f in features]
    return geoms, ids, shapely.union_all(geoms)


def test_sub_districts_tile_dongcheng_without_blind_spot_or_overlap(dongcheng):
    geoms, ids, district = dongcheng
    result = analyse(district, geoms, ids)
    assert result.zone_count == 17
    assert result.blind_m2 < 3.0
    assert result.blind == [] and result.overlaps == [] and result.outside == []
    assert result.overlap_m2 == pytest.approx(0.0, abs=1e-6)
    assert result.coverage_pct == pytest.approx(100.0, abs=1e-5)


def test_total_area_is_within_a_thousandth_of_geodesic(dongcheng):
    _geoms, _ids, district = dongcheng
    result = analyse(district, [district], [1])
    assert result.total_m2 == pytest.approx(geodesic_area_m2(district), rel=1e-3)


def test_a_missing_sub_district_is_one_blind_spot_of_its_area(dongcheng):
    geoms, ids, district = dongcheng
    result = analyse(district, geoms[1:], ids[1:])
    assert result.blind_m2 == pytest.approx(geodesic_area_m2(geoms[0]), rel=1e-3)
    assert [p.zone_ids for p in result.blind] == [()]
    assert result.blind[0].geom.equals(shapely.MultiPolygon([geoms[0]]))
    assert result.covered_m2 + result.blind_m2 == pytest.approx(result.total_m2, rel=1e-9)


def test_region_breakdown_puts_the_blind_spot_in_its_sub_district(dongcheng):
    geoms, ids, district = dongcheng
    result = analyse(district, geoms[1:], ids[1:])
    per_region = region_breakdown(result.blind, geoms, ids)
    assert per_region[ids[0]] == pytest.approx(result.blind_m2, rel=1e-6)
    assert sum(per_region.values()) == pytest.approx(result.blind_m2, rel=1e-6)
    assert region_breakdown([], geoms, ids) == dict.fromkeys(ids, 0.0)


def test_a_shifted_copy_overlaps_its_original_and_neighbours(dongcheng):
    geoms, ids, district = dongcheng
    copy = shapely.transform(geoms[3], lambda c: c + [SHIFT_25M, 0.0])
    result = analyse(district, [*geoms, copy], [*ids, 99])
    pairs = {p.zone_ids for p in result.overlaps}
    assert tuple(sorted((ids[3], 99))) in pairs
    own = next(p for p in result.overlaps if p.zone_ids == tuple(sorted((ids[3], 99))))
    assert own.area_m2 == pytest.approx(areas_m2([geoms[3].intersection(copy)])[0], rel=1e-6)
    assert result.overlap_m2 >= own.area_m2
    assert all(99 in p.zone_ids or len(p.zone_ids) == 2 for p in result.overlaps)


def test_a_zone_reaching_beyond_the_region_is_reported_outside(dongcheng):
    geoms, ids, district = dongcheng
    proj = LocalProjection.around(district)
    west = district.bounds[0]
    spill = proj.to_lonlat(proj.to_metres(shapely.Point(west, district.centroid.y)).buffer(300))
    result = analyse(geoms[0], [geoms[0], spill], [1, 2])
    outside = {p.zone_ids: p.area_m2 for p in result.outside}
    assert set(outside) == {(2,)}
    expected = areas_m2([shapely.difference(spill, geoms[0])])[0]
    assert outside[(2,)] == pytest.approx(expected, rel=1e-6)


def test_a_damaged_grid_gives_the_same_answer_on_one_or_two_threads(dongcheng):
    _geoms, _ids, district = dongcheng
    cells = np.array(square_cells(district, 100), dtype=object)
    assert len(cells) > 4000  # enough to take the parallel path
    rng = np.random.default_rng(7)
    pick = rng.choice(len(cells), 40, replace=False)
    cells[pick[:20]] = shapely.transform(cells[pick[:20]], lambda c: c + [SHIFT_25M / 5, 0.0])
    cells = np.delete(cells, pick[20:])
    ids = np.arange(len(cells))
    one, two = analyse(district, cells, ids, threads=1), analyse(district, cells, ids, threads=2)
    assert [p.zone_ids for p in one.overlaps] == [p.zone_ids for p in two.overlaps]
    assert one.blind_m2 == pytest.approx(two.blind_m2)
    assert one.overlap_m2 == pytest.approx(two.overlap_m2) and one.overlap_m2 > 0
    # 20 removed cells of up to 1 ha, plus the 5 m strips that 20 shifted cells uncover.
    expected = areas_m2([shapely.difference(district, shapely.union_all(cells))])[0]
    assert one.blind_m2 == pytest.approx(expected, rel=1e-6)
    assert 100_000 < one.blind_m2 < 215_000


def test_a_zone_inside_another_is_an_overlap():
    big, small = (
        shapely.box(116.0, 39.0, 116.02, 39.02),
        shapely.box(116.005, 39.005, 116.01, 39.01),
    )
    result = analyse(big, [big, small], [1, 2])
    assert [p.zone_ids for p in result.overlaps] == [(1, 2)]
    assert result.overlap_m2 == pytest.approx(areas_m2([small])[0], rel=1e-6)


def test_slivers_are_counted_not_listed():
    region = shapely.box(116.0, 39.0, 116.01, 39.01)
    almost = shapely.box(116.0, 39.0, 116.01, 39.01 - 1e-9)  # leaves a 0.1 mm strip
    result = analyse(region, [almost], [1])
    assert result.blind == [] and result.blind_slivers == 1
    assert 0 < result.blind_m2 < 1.0


def test_invalid_zones_are_repaired_before_measuring():
    region = shapely.box(116.0, 39.0, 116.02, 39.01)
    bowtie = shapely.Polygon([(116.0, 39.0), (116.01, 39.01), (116.01, 39.0), (116.0, 39.01)])
    result = analyse(region, [bowtie, shapely.box(116.01, 39.0, 116.02, 39.01)], [1, 2])
    assert result.coverage_pct == pytest.approx(75.0, abs=0.01)


def test_analyse_refuses_an_empty_region_and_mismatched_ids():
    with pytest.raises(EmptyInputError):
        analyse(shapely.Polygon(), [], [])
    with pytest.raises(GeoDataError) as info:
        analyse(shapely.box(116, 39, 117, 40), [shapely.box(116, 39, 117, 40)], [1, 2])
    assert "编号" in info.value.zh and "ids" in info.value.en


def test_crossing_parent_returns_the_part_outside_each_parent(dongcheng):
    geoms, ids, _district = dongcheng
    parent = geoms[0]
    inside = shapely.intersection(parent, parent.centroid.buffer(0.002))
    spilling = shapely.transform(parent, lambda c: c + [SHIFT_25M, 0.0])
    pieces = crossing_parent([inside, spilling, geoms[5]], [1, 2, 3], [parent, parent, None])
    assert [p.zone_ids for p in pieces] == [(2,)]
    expected = areas_m2([shapely.difference(spilling, parent)])[0]
    assert pieces[0].area_m2 == pytest.approx(expected, rel=1e-6)
    assert isinstance(pieces[0], Piece) and pieces[0].geom.geom_type == "MultiPolygon"


@st.composite
def boxes_over(draw: st.DrawFn) -> list[shapely.Polygon]:
    """Draw 1–12 random boxes, some overlapping, some spilling out of the unit region."""
    n = draw(st.integers(1, 12))
    coords = st.floats(-0.002, 0.012, allow_nan=False)
    boxes = []
    for _ in range(n):
        x0, x1 = sorted((draw(coords), draw(coords)))
        y0, y1 = sorted((draw(coords), draw(coords)))
        if x1 - x0 > 1e-5 and y1 - y0 > 1e-5:
            boxes.append(shapely.box(116.4 + x0, 39.9 + y0, 116.4 + x1, 39.9 + y1))
    return boxes


REGION = shapely.Point(116.405, 39.905).buffer(0.005, quad_segs=16)


# Fixed seed: CI reproducible (3,000 random examples also pass).
@settings(max_examples=60, deadline=None, derandomize=True)
@given(boxes_over())
def test_blind_plus_covered_is_the_region_for_random_zones(zones):
    result = analyse(REGION, zones, list(range(len(zones))))
    assert result.blind_m2 + result.covered_m2 == pytest.approx(result.total_m2, rel=1e-6)
    assert result.total_m2 == pytest.approx(areas_m2([REGION])[0], rel=1e-9)
    union = shapely.union_all(zones) if zones else shapely.Polygon()
    covered = areas_m2([shapely.intersection(REGION, union)])[0]
    # Independent overlays add vertices on different edges. Measured in metres, a lon/lat edge
    # is a chord; an extra vertex on a 1.5 km parallel bends it by ~4 cm (L²·tan φ / 8R), which
    # moves the area by up to ~40 m² (5e-5 of the region). Far inside the 0.1% of the issue.
    tolerance = 1e-4 * result.total_m2
    assert result.covered_m2 == pytest.approx(covered, abs=tolerance)
    overlap = shapely.union_all(
        [shapely.intersection(a, b) for i, a in enumerate(zones) for b in zones[i + 1 :]]
    )
    assert result.overlap_m2 == pytest.approx(areas_m2([overlap])[0], abs=tolerance)
