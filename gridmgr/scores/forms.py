"""The scoreboard page's form: the unit type and the period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridmgr.i18n import local_choices, local_message
from gridmgr.scores.board import UNITS, ScoreError, check_period

DEFAULT_DAYS = 30
UNIT_CHOICES = local_choices((u.key, f"{u.zh} / {u.en}") for u in UNITS.values())
ALL_UNITS = "all"
# <input type="date"> takes ISO dates only, whatever the locale formats dates as.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScoreForm(forms.Form):
    """Which scoreboard: a unit type (or all, for the download) and a period of days."""

    unit = forms.ChoiceField(label=_("评价对象"), choices=UNIT_CHOICES)
    start = forms.DateField(label=_("开始"), widget=DATE)
    end = forms.DateField(label=_("结束"), widget=DATE)

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
            self.fields["unit"].choices = [*UNIT_CHOICES, (ALL_UNITS, _("全部"))]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("结束日期早于开始日期"))
        if start and end:
            try:
                check_period(start, end)
            except ScoreError as exc:
                raise forms.ValidationError(local_message(exc)) from None
        return cleaned

    def units(self) -> list[str]:
        """The unit types asked for."""
        unit = self.cleaned_data["unit"]
        return list(UNITS) if unit == ALL_UNITS else [unit]
