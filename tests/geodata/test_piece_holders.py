"""A piece belongs to the region holding most of its area: one rule for the tables' "located
in" and the GeoPackage's and GeoJSON's region code."""

from __future__ import annotations

from shapely import box

from geodata.coverage import holders

WEST, EAST = box(0, 0, 1, 1), box(1, 0, 2, 1)


def test_the_region_with_the_larger_share_holds_the_piece() -> None:
    assert holders([box(0.7, 0.2, 1.7, 0.4)], [WEST, EAST]) == [1]
    # Mostly west with a thin arm far east: its bounding-box centre lies east, its area west.
    arm = box(0, 0, 0.9, 1).union(box(0.9, 0, 3, 0.01))
    assert holders([arm], [WEST, box(1, 0, 3, 1)]) == [0]


def test_a_tie_goes_to_the_first_region_and_no_share_to_none() -> None:
    assert holders([box(0.5, 0, 1.5, 1)], [WEST, EAST]) == [0]
    assert holders([box(5, 5, 6, 6), box(0.1, 0.1, 0.2, 0.2)], [WEST, EAST]) == [None, 0]
    assert holders([], [WEST]) == [] and holders([WEST], []) == [None]


def test_touching_a_border_is_no_share() -> None:
    assert holders([box(1, 0, 1.5, 1)], [WEST, EAST]) == [1]
