"""A static coverage map as SVG: region, zones, blind spots, overlaps, scale bar, north arrow."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from geodata.measure import LocalProjection
from geodata.readers import Feature

FONT = "Noto Sans CJK SC, sans-serif"
# Pieces smaller than this on paper (px) get a ring around them so that they stay visible.
_MIN_VISIBLE_PX = 6.0
_LEGEND_PX = 28

BLIND = "#d7191c"
OVERLAP = "#f28e2b"
# The words of the map (legend, north arrow), bilingual unless the caller gives its language's.
WORDS = {
    "zone": "网格 zone",
    "blind": "盲区 blind spot",
    "overlap": "重叠 overlap",
    "subregion": "下级区域 sub-region",
    "boundary": "区域边界 boundary",
    "north": "北 N",
}


@dataclass
class MapLayers:
    """What a coverage map shows, in lon/lat.

    zones: properties code, layer, area_m2; subregions: code, name; blind: layer, area_m2;
    overlaps: layer, area_m2, zones (a list of codes).
    """

    title: str
    outline: BaseGeometry
    zones: list[Feature] = field(default_factory=list)
    subregions: list[Feature] = field(default_factory=list)
    blind: list[Feature] = field(default_factory=list)
    overlaps: list[Feature] = field(default_factory=list)


@dataclass
class _Frame:
    """Metres → pixels: x right, y down, one scale for both axes."""

    proj: LocalProjection
    window: tuple[float, float, float, float]  # minx, miny, maxx, maxy in metres: the whole map
    scale: float  # px per metre

    def px(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
        minx, _, _, maxy = self.window
        return (x - minx) * self.scale, (maxy - y) * self.scale

    def metres(self, geoms: list[BaseGeometry]) -> NDArray[np.object_]:
        """Project, clip to the window and simplify to half a pixel."""
        arr = np.asarray(geoms, dtype=object)
        if not arr.size:
            return arr
        clipped = shapely.clip_by_rect(self.proj.to_metres(arr), *self.window)
        return np.asarray(shapely.simplify(clipped, 0.5 / self.scale), dtype=object)


def map_svg(
    layers: MapLayers,
    width: int = 680,
    max_height: int = 760,
    font: str = FONT,
    words: dict[str, str] | None = None,
) -> str:
    """Draw the layers of a coverage map as an SVG document `width` pixels wide; `words`
    replaces some of WORDS (the legend and the north arrow) for a report in one language."""
    text = {**WORDS, **(words or {})}
    frame, height = _frame(layers.outline, width, max_height)
    zone_style = 'fill="none" stroke="#aaa" stroke-width="0.4"'
    sub_style = 'fill="none" stroke="#555" stroke-width="1" stroke-dasharray="5 3"'
    body = [
        f'<rect width="{width}" height="{height + _LEGEND_PX}" fill="#fff"/>',
        _path(frame, _inside(layers.outline, [f.geometry for f in layers.zones]), zone_style),
        _path(frame, [f.geometry for f in layers.subregions], sub_style),
        _labels(frame, layers.subregions),
        _pieces(frame, [f.geometry for f in layers.blind], BLIND),
        _pieces(frame, [f.geometry for f in layers.overlaps], OVERLAP),
        _path(frame, [layers.outline], 'fill="none" stroke="#000" stroke-width="1.8"'),
        _scale_bar(frame, height),
        _north_arrow(width, text["north"]),
        _legend(height, bool(layers.subregions), text),
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + _LEGEND_PX}" '
        f'viewBox="0 0 {width} {height + _LEGEND_PX}" font-family="{escape(font)}">'
        f"<title>{escape(layers.title)}</title>{''.join(body)}</svg>"
    )


def _frame(outline: BaseGeometry, width: int, max_height: int) -> tuple[_Frame, int]:
    """Fit the outline's bounds into the width, with a margin; return the frame and map height."""
    proj = LocalProjection.around(outline)
    minx, miny, maxx, maxy = shapely.bounds(proj.to_metres(outline))
    pad = 16.0
    span_x, span_y = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    scale = min((width - 2 * pad) / span_x, (max_height - 2 * pad) / span_y)
    height = math.ceil(span_y * scale + 2 * pad)
    # Centre the outline horizontally when the height, not the width, sets the scale.
    extra = (width - 2 * pad) / scale - span_x
    window = (minx - extra / 2, miny, maxx + extra / 2, maxy)
    # The frame is the outline's box plus the padding: whatever lies beyond is clipped.
    margin = pad / scale
    clip = (window[0] - margin, miny - margin, window[2] + margin, maxy + margin)
    return _Frame(proj, clip, scale), height


def _inside(outline: BaseGeometry, geoms: list[BaseGeometry]) -> list[BaseGeometry]:
    """The parts of the geometries inside the outline (the map shows the region only)."""
    arr = np.asarray(geoms, dtype=object)
    if not arr.size:
        return []
    shapely.prepare(outline)
    # Most zones lie wholly inside: cut only those that reach across the border.
    across = ~shapely.covers(outline, arr)
    arr[across] = shapely.intersection(arr[across], outline)
    return list(arr)


def _path(frame: _Frame, geoms: list[BaseGeometry], style: str) -> str:
    """One SVG path of every polygon ring of the geometries (empty if there is nothing)."""
    d = _rings_d(frame, frame.metres(geoms))
    return f'<path fill-rule="evenodd" {style} d="{d}"/>' if d else ""


def _rings_d(frame: _Frame, geoms: NDArray[np.object_]) -> str:
    if not geoms.size:
        return ""
    # Twice: a cut can leave a collection that holds a multipolygon.
    parts = shapely.get_parts(shapely.get_parts(geoms))
    polygons = parts[shapely.get_type_id(parts) == 3]
    rings = shapely.get_rings(polygons)
    if not rings.size:
        return ""
    coords, index = shapely.get_coordinates(rings, return_index=True)
    xs, ys = frame.px(coords[:, 0], coords[:, 1])
    starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])
    ends = np.r_[starts[1:], len(index)]
    out = []
    for a, b in zip(starts, ends, strict=True):
        points = " ".join(f"{x:.1f} {y:.1f}" for x, y in zip(xs[a:b], ys[a:b], strict=True))
        out.append(f"M{points}Z")
    return "".join(out)


def _pieces(frame: _Frame, geoms: list[BaseGeometry], colour: str) -> str:
    """Filled pieces; a ring marks each piece too small to be seen at this scale."""
    metres = frame.metres(geoms)
    if not metres.size:
        return ""
    fill = f'fill="{colour}" fill-opacity="0.75" stroke="{colour}" stroke-width="0.6"'
    out = [f'<path fill-rule="evenodd" {fill} d="{_rings_d(frame, metres)}"/>']
    for geom in metres:
        if geom.is_empty:
            continue
        minx, miny, maxx, maxy = geom.bounds
        if max(maxx - minx, maxy - miny) * frame.scale < _MIN_VISIBLE_PX:
            c = geom.centroid
            x, y = frame.px(np.array([c.x]), np.array([c.y]))
            out.append(
                f'<circle cx="{x[0]:.1f}" cy="{y[0]:.1f}" r="{_MIN_VISIBLE_PX:.0f}" '
                f'fill="none" stroke="{colour}" stroke-width="1.5"/>'
            )
    return "".join(out)


def _labels(frame: _Frame, subregions: list[Feature]) -> str:
    """Sub-region names at a point inside each, white-haloed for legibility."""
    out = []
    for f in subregions:
        p = frame.proj.to_metres(f.geometry).point_on_surface()
        x, y = frame.px(np.array([p.x]), np.array([p.y]))
        name = escape(str(f.properties.get("name", "")))
        at = f'x="{x[0]:.1f}" y="{y[0]:.1f}" text-anchor="middle" font-size="11"'
        out.append(f'<text {at} fill="#fff" stroke="#fff" stroke-width="3">{name}</text>')
        out.append(f'<text {at} fill="#222">{name}</text>')
    return "".join(out)


def nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ metres not above `metres`."""
    exp = 10 ** math.floor(math.log10(metres))
    return float(max(m * exp for m in (1, 2, 5) if m * exp <= metres))


def _scale_bar(frame: _Frame, height: int) -> str:
    """A two-segment scale bar, about a fifth of the map wide, at the bottom left."""
    length = nice_length(0.2 * (frame.window[2] - frame.window[0]))
    w = length * frame.scale
    x0, y0 = 16.0, height - 18.0
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    half = w / 2
    return (
        f'<rect x="{x0 - 6}" y="{y0 - 16}" width="{w + 24:.1f}" height="27" fill="#fff" '
        f'fill-opacity="0.85"/>'
        f'<rect x="{x0}" y="{y0}" width="{half:.1f}" height="5" fill="#000"/>'
        f'<rect x="{x0 + half:.1f}" y="{y0}" width="{half:.1f}" height="5" fill="#fff" '
        f'stroke="#000" stroke-width="0.8"/>'
        f'<rect x="{x0}" y="{y0}" width="{w:.1f}" height="5" fill="none" stroke="#000" '
        f'stroke-width="0.8"/>'
        f'<text x="{x0}" y="{y0 - 4}" font-size="10">0</text>'
        f'<text x="{x0 + w:.1f}" y="{y0 - 4}" font-size="10" text-anchor="middle">{label}</text>'
    )


def _north_arrow(width: int, north: str) -> str:
    """An arrow pointing up: the projection is centred on the map, so grid north is true north."""
    x, y = width - 26, 14
    return (
        f'<rect x="{x - 16}" y="{y - 4}" width="32" height="48" fill="#fff" fill-opacity="0.85"/>'
        f'<path d="M{x} {y}L{x + 8} {y + 24}L{x} {y + 18}L{x - 8} {y + 24}Z" fill="#000"/>'
        f'<text x="{x}" y="{y + 38}" font-size="11" text-anchor="middle">{escape(north)}</text>'
    )


def _legend(height: int, subregions: bool, words: dict[str, str]) -> str:
    """One line under the map: what each colour and line means."""
    items = [
        ('fill="none" stroke="#aaa" stroke-width="0.8"', words["zone"]),
        (f'fill="{BLIND}" fill-opacity="0.75"', words["blind"]),
        (f'fill="{OVERLAP}" fill-opacity="0.75"', words["overlap"]),
        ('fill="none" stroke="#555" stroke-dasharray="3 2"', words["subregion"]),
        ('fill="none" stroke="#000" stroke-width="1.8"', words["boundary"]),
    ]
    if not subregions:
        del items[3]
    out, x, y = [], 16.0, height + 8
    for style, text in items:
        out.append(f'<rect x="{x}" y="{y}" width="14" height="10" {style}/>')
        out.append(f'<text x="{x + 19}" y="{y + 9}" font-size="10">{escape(text)}</text>')
        x += 19 + _text_px(text, 10) + 14
    return "".join(out)


def _text_px(text: str, size: float) -> float:
    """Roughly how wide a text is: CJK characters are square, Latin ones about half as wide."""
    return sum(size if ord(ch) >= 0x2E80 else 0.55 * size for ch in text)
