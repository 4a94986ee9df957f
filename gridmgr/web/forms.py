"""Forms of the web pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from gridmgr.services.scores import UNITS

DEFAULT_DAYS = 30
UNIT_CHOICES = [(u.key, f"{u.zh} / {u.en}") for u in UNITS.values()]
ALL_UNITS = "all"
# <input type="date"> takes ISO dates only, whatever the locale formats dates as.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScoreForm(forms.Form):
    """Which scoreboard: a unit type (or all, for the download) and a period of days."""

    unit = forms.ChoiceField(label="评价对象 / unit", choices=UNIT_CHOICES)
    start = forms.DateField(label="开始 / from", widget=DATE)
    end = forms.DateField(label="结束 / to", widget=DATE)

    def __init__(self, query: QueryDict, *, allow_all: bool = False) -> None:
        """Bind the query string over the defaults: sectors over the last 30 days."""
        today = timezone.localdate()
        data: dict[str, Any] = {
            "unit": "sector",
            "start": today - dt.timedelta(days=DEFAULT_DAYS - 1),
            "end": today,
        }
        data.update({k: v for k, v in query.items() if v})
        super().__init__(data)
        if allow_all:
            self.fields["unit"].choices = [*UNIT_CHOICES, (ALL_UNITS, "全部 / all")]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError("结束日期早于开始日期 / the end is before the start")
        return cleaned

    def units(self) -> list[str]:
        """The unit types asked for."""
        unit = self.cleaned_data["unit"]
        return list(UNITS) if unit == ALL_UNITS else [unit]
