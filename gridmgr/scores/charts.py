"""Horizontal bar charts as inline SVG, drawn on the server.

Why hand-written SVG: government intranets often have no internet, so no CDN, and a chart
library in JavaScript would be one more dependency to vendor and audit; a few dozen lines of SVG
need neither, print well, and the labels take the page's (Chinese) fonts because inline SVG text
inherits the page's CSS font.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from gridmgr.i18n import local_pair
from gridmgr.scores.board import MEASURES, Measure, ScoreRow, ranked

WIDTH = 480
LABEL_W = 150
VALUE_W = 56
ROW_H = 22
BAR_H = 14
FONT_PX = 12
TOP = 6
# Bar colours of the page's palette (home.html): green when high is good, amber when bad.
TONES = {"good": "#0f7b4a", "bad": "#b54708", "neutral": "#52606d"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float


def show(measure: Measure, value: float | None) -> str:
    """A value as the page shows it: counts whole, rates in %, hours with one decimal."""
    if value is None:
        return "—"
    if measure.kind == "rate":
        return f"{_number(value * 100, 1)}%"
    if measure.kind == "hours":
        return _number(value, 1)
    return _number(value, 0)


def _number(value: float, decimals: int) -> str:
    """A number as the active language writes it (thousands grouped)."""
    return number_format(round(value, decimals), decimals, use_l10n=True, force_grouping=True)


def clip(text: str, width_px: float) -> str:
    """The text, cut with "…" to fit width_px at FONT_PX (wide characters take a full em)."""
    used, out = 0.0, ""
    for ch in text:
        used += FONT_PX * (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6)
        if used > width_px - FONT_PX:
            return out + "…"
        out += ch
    return out


def bar_chart(measure: Measure, bars: list[Bar]) -> SafeString:
    """An SVG bar chart of one measure, one labelled bar per unit, its value at the bar's end.

    Its title and "no data" are in the active language; the bars' labels are the units' names.
    """
    top = 1.0 if measure.kind == "rate" else max((b.value for b in bars), default=0.0) or 1.0
    span = WIDTH - LABEL_W - VALUE_W
    height = TOP * 2 + ROW_H * max(len(bars), 1)
    title = escape(local_pair(measure))
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{title}" data-measure="{measure.key}">',
        f"<title>{title}</title>",
    ]
    for i, bar in enumerate(bars):
        y = TOP + i * ROW_H
        w = max(span * bar.value / top, 1.0 if bar.value else 0.0)
        text_y = y + ROW_H / 2 + FONT_PX * 0.35
        parts += [
            f"<g><title>{escape(bar.label)}: {escape(show(measure, bar.value))}</title>",
            f'<text x="{LABEL_W - 6}" y="{text_y:.1f}" text-anchor="end" font-size="{FONT_PX}">'
            f"{escape(clip(bar.label, LABEL_W - 6))}</text>",
            f'<rect x="{LABEL_W}" y="{y + (ROW_H - BAR_H) / 2:.1f}" width="{w:.1f}" '
            f'height="{BAR_H}" rx="2" fill="{TONES[measure.tone]}" class="bar"/>',
            f'<text x="{LABEL_W + w + 4:.1f}" y="{text_y:.1f}" font-size="{FONT_PX}" '
            f'class="value">{escape(show(measure, bar.value))}</text></g>',
        ]
    if not bars:
        empty = escape(gettext("无数据"))  # outside the f-string, where makemessages finds it
        parts.append(
            f'<text x="{WIDTH / 2}" y="{TOP + ROW_H / 2 + 4}" text-anchor="middle" '
            f'font-size="{FONT_PX}" class="value">{empty}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def measure_charts(rows: list[ScoreRow], n: int) -> list[tuple[Measure, SafeString]]:
    """One chart per measure of the scoreboard: its n units with the highest values."""
    return [
        (m, bar_chart(m, [Bar(r.name, getattr(r, m.key)) for r in ranked(rows, m.key, n)]))
        for m in MEASURES
    ]
