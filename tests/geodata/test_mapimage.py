"""The static coverage map: an SVG of the region, zones and pieces, at a true scale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import shapely
from shapely.geometry import MultiPolygon

from geodata.mapimage import BLIND, OVERLAP, MapLayers, map_svg, nice_length
from geodata.measure import LocalProjection
from geodata.readers import Feature

SVG = "{http://www.w3.org/2000/svg}"
PROJ = LocalProjection(116.41)
ORIGIN = PROJ.points_to_metres([116.41], [39.92])


def square(east_m: float, north_m: float, side_m: float) -> MultiPolygon:
    """A lon/lat square of side_m metres whose south-west corner is east_m, north_m from ORIGIN."""
    x, y = ORIGIN[0][0] + east_m, ORIGIN[1][0] + north_m
    return MultiPolygon([PROJ.to_lonlat(shapely.box(x, y, x + side_m, y + side_m))])


def feature(i: int, geom: MultiPolygon, **props: object) -> Feature:
    return Feature(i, dict(props), geom)


@pytest.fixture
def layers() -> MapLayers:
    """A 1 km square region: four 500 m zones (one missing), an overlap, a 2 m blind speck."""
    zones = [
        feature(1, square(0, 0, 500), code="A1"),
        feature(2, square(500, 0, 500), code="A2"),
        feature(3, square(0, 500, 500), code="A3"),
        # Reaches 300 m beyond the region: the map shows only the part inside.
        feature(4, square(700, 700, 600), code="A4"),
    ]
    return MapLayers(
        title="测试区 T01",
        outline=square(0, 0, 1000),
        zones=zones,
        subregions=[
            feature(1, square(0, 0, 1000).intersection(square(0, 0, 500)), name="甲街道"),
        ],
        blind=[feature(1, square(500, 500, 200)), feature(2, square(100, 900, 2))],
        overlaps=[feature(1, square(700, 700, 100), zones=["A4", "A2"])],
    )


def paths(svg: ET.Element) -> list[ET.Element]:
    return list(svg.iter(f"{SVG}path"))


def path_xy(path: ET.Element) -> list[tuple[float, float]]:
    nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
    return list(zip(nums[::2], nums[1::2], strict=True))


def test_the_map_is_an_svg_document_with_its_title(layers: MapLayers) -> None:
    svg = ET.fromstring(map_svg(layers, width=600))
    assert svg.tag == f"{SVG}svg"
    assert svg.get("width") == "600"
    assert svg.findtext(f"{SVG}title") == "测试区 T01"


def test_blind_spots_are_red_and_overlaps_orange(layers: MapLayers) -> None:
    svg = ET.fromstring(map_svg(layers))
    fills = [p.get("fill") for p in paths(svg)]
    assert BLIND in fills and OVERLAP in fills
    blind = next(p for p in paths(svg) if p.get("fill") == BLIND)
    assert blind.get("d", "").count("M") == 2


def test_a_piece_too_small_to_see_is_ringed(layers: MapLayers) -> None:
    svg = ET.fromstring(map_svg(layers))
    rings = [c for c in svg.iter(f"{SVG}circle") if c.get("stroke") == BLIND]
    assert len(rings) == 1  # the 2 m speck, not the 200 m blind spot


def test_zones_are_cut_to_the_region(layers: MapLayers) -> None:
    svg = ET.fromstring(map_svg(layers, width=600))
    outline = next(p for p in paths(svg) if p.get("stroke") == "#000")
    zones = next(p for p in paths(svg) if p.get("stroke") == "#aaa")
    right = max(x for x, _ in path_xy(outline))
    assert zones.get("d", "").count("M") == 4
    assert max(x for x, _ in path_xy(zones)) <= right + 0.1


def test_the_scale_bar_has_the_length_of_its_label(layers: MapLayers) -> None:
    text = map_svg(layers, width=600)
    svg = ET.fromstring(text)
    outline = next(p for p in paths(svg) if p.get("stroke") == "#000")
    xs = [x for x, _ in path_xy(outline)]
    px_per_m = (max(xs) - min(xs)) / 1000.0
    label = next(t.text for t in svg.iter(f"{SVG}text") if t.text and t.text.endswith(" m"))
    bar = max(float(r.get("width", 0)) for r in svg.iter(f"{SVG}rect") if r.get("height") == "5")
    assert label == "200 m"
    assert bar == pytest.approx(200 * px_per_m, rel=0.01)


def test_the_map_has_a_north_arrow_sub_region_names_and_a_legend(layers: MapLayers) -> None:
    texts = [t.text for t in ET.fromstring(map_svg(layers)).iter(f"{SVG}text")]
    assert "北 N" in texts
    assert "甲街道" in texts
    assert {"盲区 blind spot", "重叠 overlap", "网格 zone"} <= set(texts)


def test_a_tall_region_keeps_its_shape_within_the_maximum_height() -> None:
    tall = MapLayers("高", square(0, 0, 100).union(square(0, 100, 100)).union(square(0, 200, 100)))
    svg = ET.fromstring(map_svg(tall, width=600, max_height=400))
    xy = path_xy(paths(svg)[0])
    width = max(x for x, _ in xy) - min(x for x, _ in xy)
    height = max(y for _, y in xy) - min(y for _, y in xy)
    assert height / width == pytest.approx(3.0, rel=0.01)
    assert float(svg.get("height", 0)) <= 400 + 28


@pytest.mark.parametrize(
    ("metres", "nice"), [(237.0, 200.0), (1200.0, 1000.0), (5.5, 5.0), (499.0, 200.0)]
)
def test_scale_lengths_are_one_two_or_five_times_a_power_of_ten(metres: float, nice: float) -> None:
    assert nice_length(metres) == nice
