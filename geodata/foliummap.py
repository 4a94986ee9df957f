"""A folium map of coverage layers, rendered as one HTML page that needs no network."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any, cast

import folium
import numpy as np
import shapely
from branca.element import Element, Figure, MacroElement
from folium.template import Template
from shapely.geometry.base import BaseGeometry

from geodata.errors import GeoDataError
from geodata.mapimage import BLIND, OVERLAP, MapLayers
from geodata.readers import Feature

# folium's default assets that a map of GeoJSON layers does not use (jQuery serves popups only).
_UNUSED = {
    "jquery",
    "bootstrap",
    "awesome_markers",
    "bootstrap_css",
    "glyphicons_css",
    "awesome_markers_font_css",
    "awesome_markers_css",
    "awesome_rotate_css",
}
_LEAFLET = {"leaflet": "leaflet.js", "leaflet_css": "leaflet.css"}
# No base map: a white page, and the title over the map, bottom left above the scale bar.
_STYLE = """<style>
.leaflet-container { background: #fff; }
.gm-title { position: absolute; z-index: 1000; left: 10px; bottom: 40px; padding: 4px 10px;
  background: rgba(255,255,255,.9); border-radius: 4px; font: 600 16px/1.4 sans-serif; }
</style>"""
# Seven decimals of a degree are about a centimetre: enough for a map, a third of the bytes.
_DECIMALS = 7


Style = dict[str, Any]
Tooltip = tuple[list[str], list[str]]  # property names and their bilingual labels
ZONES: Style = {"color": "#888", "weight": 0.6, "fillColor": "#888", "fillOpacity": 0.03}
SUBREGIONS: Style = {"color": "#444", "weight": 1.5, "dashArray": "5 4", "fillOpacity": 0}
PIECE: Style = {"weight": 1, "fillOpacity": 0.6}
BOUNDARY: Style = {"color": "#000", "weight": 2.5, "fill": False}


def coverage_map(layers: MapLayers) -> folium.Map:
    """Build a folium map of the layers with tooltips and a layer control, without base tiles."""
    minx, miny, maxx, maxy = layers.outline.bounds
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        tiles=None,
        attribution_control=False,
        zoom_snap=0.25,
    )
    for name, features, style, tooltip in _overlays(layers):
        _overlay(m, name, features, style, tooltip)
    folium.LayerControl(collapsed=False).add_to(m)
    _MetricScale().add_to(m)
    # Keep the region clear of the layer control (top right) and of the title and scale bar.
    m.fit_bounds(
        [[miny, minx], [maxy, maxx]], padding_top_left=(20, 20), padding_bottom_right=(250, 60)
    )
    figure = _figure(m)
    figure.title = layers.title
    figure.header.add_child(Element(_STYLE), name="gridmgr_style")
    figure.html.add_child(Element(f'<div class="gm-title">{escape(layers.title)}</div>'))
    return m


def _overlays(layers: MapLayers) -> list[tuple[str, list[Feature], Style, Tooltip]]:
    """The map's layers from the bottom up: zones of each layer, sub-regions, pieces, outline."""
    by_layer: dict[str, list[Feature]] = {}
    for f in layers.zones:
        by_layer.setdefault(str(f.properties.get("layer", "")), []).append(f)
    zone_tip = (["code", "layer", "area_m2"], ["编码 code", "图层 layer", "面积 m²"])
    piece_tip = (["layer", "area_m2", "zones"], ["图层 layer", "面积 m²", "网格 zones"])
    region = Feature(0, {"name": layers.title}, layers.outline)
    return [
        *((_swatch("#888", f"网格 zones: {n}"), z, ZONES, zone_tip) for n, z in by_layer.items()),
        (
            _swatch("#444", "下级区域 sub-regions"),
            layers.subregions,
            SUBREGIONS,
            (["code", "name"], ["代码 code", "名称 name"]),
        ),
        (
            _swatch(BLIND, "盲区 blind spots"),
            layers.blind,
            {**PIECE, "color": BLIND, "fillColor": BLIND},
            (piece_tip[0][:2], piece_tip[1][:2]),
        ),
        (
            _swatch(OVERLAP, "重叠 overlaps"),
            layers.overlaps,
            {**PIECE, "color": OVERLAP, "fillColor": OVERLAP},
            piece_tip,
        ),
        (_swatch("#000", "区域边界 boundary"), [region], BOUNDARY, (["name"], ["区域 region"])),
    ]


def _swatch(colour: str, name: str) -> str:
    """A layer name for the layer control, after a square of the layer's colour."""
    return f'<span style="color:{colour}">■</span> {escape(name)}'


class _MetricScale(MacroElement):
    """A scale bar in metres only (folium's control_scale adds miles and feet)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        L.control.scale({imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )


def _overlay(
    m: folium.Map,
    name: str,
    features: list[Feature],
    style: Style,
    tooltip: Tooltip,
) -> None:
    """Add one GeoJSON layer (skipped when empty) to the map and its layer control."""
    if not features:
        return
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(_rounded(f.geometry))),
                "properties": {k: _plain(v) for k, v in f.properties.items()},
            }
            for f in features
        ],
    }
    group = folium.FeatureGroup(name=name)
    fields, aliases = tooltip
    folium.GeoJson(
        data,
        style_function=lambda _f: style,
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases),
    ).add_to(group)
    group.add_to(m)


def _rounded(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: np.round(xy, _DECIMALS))


def _plain(value: Any) -> Any:
    """A property as tooltips show it: lists joined, areas to a tenth of a square metre."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return round(value, 1)
    return value


def standalone_html(m: folium.Map, leaflet_dir: str | Path) -> str:
    """Render a folium map as one HTML page with Leaflet inlined and no external asset."""
    leaflet_dir = Path(leaflet_dir)
    figure = _figure(m)
    for element in _tree(figure):
        links = [*getattr(element, "default_js", []), *getattr(element, "default_css", [])]
        unknown = sorted(n for n, _ in links if n not in _UNUSED and n not in _LEAFLET)
        if unknown:
            raise GeoDataError(
                f"地图组件需要联网资源：{', '.join(unknown)}",
                f"map element needs assets from the network: {', '.join(unknown)}",
            )
        if links:
            # On the instance: the class lists are folium's shared defaults.
            element.default_js, element.default_css = [], []
    css = _inline_images(_read(leaflet_dir / _LEAFLET["leaflet_css"]), leaflet_dir)
    js = _read(leaflet_dir / _LEAFLET["leaflet"]).replace("</script", "<\\/script")
    figure.header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css", index=0)
    figure.header.add_child(Element(f"<script>{js}</script>"), name="leaflet", index=1)
    return str(figure.render())


def _figure(m: folium.Map) -> Figure:
    return cast(Figure, m.get_root())  # folium.Map always puts itself in a Figure


def _tree(element: Any) -> Iterator[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _tree(child)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GeoDataError(
            f"找不到地图脚本 {path}（请先运行 npm install）",
            f"map asset {path} not found (run npm install)",
        ) from exc


def _inline_images(css: str, base: Path) -> str:
    """Replace the stylesheet's relative image URLs with data: URIs."""

    def data_uri(match: re.Match[str]) -> str:
        path = base / match.group(1)
        if not path.is_file():
            return match.group(0)
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
