"""Point → zone lookup: covers semantics, one zone per point of a tiling, stable tie-breaks."""

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.errors import GeoDataError
from geodata.grid import square_cells
from geodata.lookup import CHUNK, ZoneIndex
from geodata.measure import LocalProjection

WEST = shapely.box(116.0, 39.0, 116.01, 39.01)
EAST = shapely.box(116.01, 39.0, 116.02, 39.01)
# A box over the shared edge of WEST and EAST: overlaps both.
MIDDLE = shapely.box(116.005, 39.002, 116.015, 39.004)


def lookup(index: ZoneIndex, *points: tuple[float, float]) -> tuple[list[int], list[int]]:
    """Return the chosen zone ids and covering counts of a few points."""
    lon, lat = np.array(points, dtype=float).T
    found = index.covering(lon, lat)
    return found.zone.tolist(), found.n_covering.tolist()


def test_a_point_inside_one_zone_finds_it():
    assert lookup(ZoneIndex([WEST, EAST], [1, 2]), (116.003, 39.005)) == ([1], [1])


def test_a_point_outside_every_zone_finds_none():
    index = ZoneIndex([WEST, EAST], [1, 2])
    assert lookup(index, (116.03, 39.005), (115.0, 30.0), (np.nan, 39.0)) == ([-1] * 3, [0] * 3)


def test_a_point_on_a_shared_edge_is_covered_once_by_the_first_ranked_zone():
    on_edge = (116.01, 39.005)
    assert lookup(ZoneIndex([WEST, EAST], [1, 2]), on_edge) == ([1], [1])
    assert lookup(ZoneIndex([WEST, EAST], [1, 2], ranks=[(2,), (1,)]), on_edge) == ([2], [1])


def test_a_point_on_the_outer_border_is_covered():
    assert lookup(ZoneIndex([WEST, EAST], [1, 2]), (116.0, 39.0), (116.02, 39.005)) == (
        [1, 2],
        [1, 1],
    )


def test_a_point_in_an_overlap_counts_both_zones_and_takes_the_smallest_rank():
    point = (116.006, 39.003)
    assert lookup(ZoneIndex([WEST, MIDDLE], [1, 2]), point) == ([1], [2])
    ranked = ZoneIndex([WEST, MIDDLE], [1, 2], ranks=[(5.0, "A"), (1.0, "B")])
    assert lookup(ranked, point) == ([2], [2])


def test_interior_containment_beats_a_border_touch():
    # On MIDDLE's edge but inside WEST: WEST's interior wins, whatever the ranks.
    index = ZoneIndex([WEST, MIDDLE], [1, 2], ranks=[(9,), (0,)])
    assert lookup(index, (116.005, 39.003)) == ([1], [1])


def test_default_tie_break_is_the_smallest_id_whatever_the_order():
    assert lookup(ZoneIndex([MIDDLE, WEST], [7, 3]), (116.006, 39.003)) == ([3], [2])


def test_threads_and_chunks_do_not_change_the_answer():
    cells = square_cells(shapely.Point(116.4, 39.9).buffer(0.02), 200)
    index = ZoneIndex(cells, np.arange(len(cells)) + 100)
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(116.37, 116.43, CHUNK * 2 + 5), rng.uniform(39.87, 39.93, CHUNK * 2 + 5)
    one, two = index.covering(lon, lat, threads=1), index.covering(lon, lat, threads=2)
    assert np.array_equal(one.zone, two.zone) and np.array_equal(one.n_covering, two.n_covering)
    tree = shapely.STRtree(np.array(cells))
    point, cell = tree.query(shapely.points(lon, lat), predicate="intersects")
    expected = np.full(len(lon), -1)
    expected[point] = cell + 100
    assert np.array_equal(one.zone, expected)
    assert one.zone.dtype == np.int64 and one.n_covering.dtype == np.int16


def test_a_huge_zone_among_small_ones_is_still_found():
    small = [shapely.box(116 + i * 1e-3, 39, 116 + (i + 1) * 1e-3, 39.001) for i in range(50)]
    huge = shapely.box(110, 30, 120, 45)
    index = ZoneIndex([*small, huge], list(range(51)), ranks=[(1,)] * 50 + [(2,)])
    assert lookup(index, (116.0005, 39.0005), (112.0, 44.0)) == ([0, 50], [2, 1])


def test_nearest_finds_a_zone_within_the_distance():
    index = ZoneIndex([WEST, EAST], [1, 2])
    proj = LocalProjection.around(WEST)
    x, y = proj.points_to_metres([116.02], [39.005])
    lon, lat = proj.points_to_lonlat(x + [50.0, 5_000.0], y.repeat(2))
    ids, dist = index.nearest(lon, lat, 100.0, proj)
    assert ids.tolist() == [2, -1]
    assert dist[0] == pytest.approx(50.0, abs=0.5) and np.isnan(dist[1])


def test_nearest_breaks_ties_by_rank():
    # Due south of the shared corner: as near to WEST as to EAST.
    ids, _dist = ZoneIndex([WEST, EAST], [1, 2], ranks=[(1,), (0,)]).nearest(
        [116.01], [38.9995], 100
    )
    assert ids.tolist() == [2]


def test_zone_index_refuses_mismatched_or_missing_input():
    with pytest.raises(GeoDataError):
        ZoneIndex([WEST], [1, 2])
    with pytest.raises(GeoDataError):
        ZoneIndex([], [])
    with pytest.raises(GeoDataError):
        ZoneIndex([WEST], [1]).covering([116.0, 116.1], [39.0])


@st.composite
def star_polygons(draw: st.DrawFn) -> shapely.Polygon:
    """Draw a star-shaped polygon of 1–4 km across around Beijing."""
    n = draw(st.integers(5, 14))
    radii = draw(st.lists(st.floats(0.004, 0.02), min_size=n, max_size=n))
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    x, y = 116.4 + np.array(radii) * np.cos(angles), 39.9 + np.array(radii) * np.sin(angles)
    return shapely.Polygon(np.c_[x, y])


@settings(max_examples=25, deadline=None)
@given(star_polygons(), st.sampled_from([100.0, 150.0, 250.0]), st.integers(0, 2**32 - 1))
def test_every_point_of_a_gap_free_grid_has_exactly_one_cell(area, size, seed):
    cells = square_cells(area, size, min_area_m2=0.0)
    index = ZoneIndex(cells, range(len(cells)))
    rng = np.random.default_rng(seed)
    # Inside the area, not on its border: a few metres in from the edge.
    inner = area.buffer(-5e-5)
    lon, lat = rng.uniform(*inner.bounds[::2], 3000), rng.uniform(*inner.bounds[1::2], 3000)
    keep = shapely.contains_xy(inner, lon, lat)
    lon, lat = lon[keep], lat[keep]
    found = index.covering(lon, lat)
    assert (found.n_covering == 1).all()
    assert shapely.contains_xy(np.array(cells, dtype=object)[found.zone], lon, lat).all()
    # Lattice corners shared by several cells lie on their borders: covered, not overlapped.
    corners = shapely.get_coordinates(np.array(cells, dtype=object))
    corners = corners[shapely.contains_xy(inner, corners[:, 0], corners[:, 1])]
    at_corners = index.covering(corners[:, 0], corners[:, 1])
    assert (at_corners.zone >= 0).all() and (at_corners.n_covering == 1).all()
