"""Server-side SVG bar charts: escaped labels, clipped to fit, bars scaled to the measure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.utils import translation

from gridmgr.scores.board import MEASURES
from gridmgr.scores.charts import Bar, bar_chart, clip, show

SVG = "{http://www.w3.org/2000/svg}"
RATE = next(m for m in MEASURES if m.key == "closure_rate")
COUNT = next(m for m in MEASURES if m.key == "registered")


def bars_of(svg: str) -> list[float]:
    return [float(r.get("width", 0)) for r in ET.fromstring(svg).iter(f"{SVG}rect")]


def test_chart_is_well_formed_svg_with_escaped_labels() -> None:
    svg = bar_chart(COUNT, [Bar("<东四> & 景山", 3)])
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["<东四> & 景山", "3"]
    assert root.get("aria-label") == "立案数"
    with translation.override("en"):
        assert ET.fromstring(bar_chart(COUNT, [])).get("aria-label") == "registered"


def test_counts_scale_to_the_largest_and_rates_to_100_percent() -> None:
    assert bars_of(bar_chart(COUNT, [Bar("a", 4), Bar("b", 2)])) == [274.0, 137.0]
    assert bars_of(bar_chart(RATE, [Bar("a", 0.5)])) == [137.0]


def test_long_chinese_labels_are_clipped() -> None:
    label = "东城区城市管理综合行政执法局第一执法队"
    assert clip(label, 144).endswith("…") and len(clip(label, 144)) < len(label)
    assert clip("景山街道", 144) == "景山街道"


def test_values_are_shown_as_counts_percentages_and_hours() -> None:
    hours = next(m for m in MEASURES if m.kind == "hours")
    assert [show(COUNT, 3), show(RATE, 2 / 3), show(hours, 7), show(RATE, None)] == [
        "3",
        "66.7%",
        "7.0",
        "—",
    ]


def test_a_chart_without_units_says_so() -> None:
    assert "无数据" in bar_chart(COUNT, [])
    with translation.override("en"):
        assert "no data" in bar_chart(COUNT, [])


def test_bars_are_green_when_high_is_good_and_amber_when_high_is_bad() -> None:
    rework = next(m for m in MEASURES if m.key == "rework_rate")
    fills = [
        next(ET.fromstring(bar_chart(m, [Bar("a", 0.5)])).iter(f"{SVG}rect")).get("fill")
        for m in (RATE, rework)
    ]
    assert fills == ["#0f7b4a", "#b54708"]
