"""Working calendar: deadlines in working hours or working days.

Hand-written: the calendar libraries on PyPI know national holidays but not a city's own
working periods and make-up working days (调休), which are configured here and in CalendarDay.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from gridmgr.models import CalendarDay


@lru_cache(maxsize=8)
def _periods(spec: tuple[str, ...]) -> list[tuple[dt.time, dt.time]]:
    out = []
    for item in spec:
        start, end = item.split("-")
        out.append((dt.time.fromisoformat(start), dt.time.fromisoformat(end)))
    return sorted(out)


def working_periods() -> list[tuple[dt.time, dt.time]]:
    """The working periods of a working day (local time)."""
    return _periods(tuple(settings.GRIDMGR_WORKING_HOURS))


class Calendar:
    """Which days are working days: weekly pattern plus holidays and make-up days."""

    def __init__(self) -> None:
        self.exceptions = dict(CalendarDay.objects.values_list("date", "kind"))
        self.workdays = set(settings.GRIDMGR_WORKDAYS)

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.exceptions.get(day)
        if kind == CalendarDay.Kind.HOLIDAY:
            return False
        if kind == CalendarDay.Kind.WORKDAY:
            return True
        return day.isoweekday() in self.workdays

    def add_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The moment `hours` working hours after `start`."""
        tz = timezone.get_current_timezone()
        local = timezone.localtime(start, tz)
        left = dt.timedelta(hours=hours)
        day = local.date()
        for _ in range(3660):
            if self.is_working_day(day):
                for begin, end in working_periods():
                    p_start = dt.datetime.combine(day, begin, tzinfo=tz)
                    p_end = dt.datetime.combine(day, end, tzinfo=tz)
                    if p_end <= local:
                        continue
                    frm = max(p_start, local)
                    if frm + left <= p_end:
                        return frm + left
                    left -= p_end - frm
            day += dt.timedelta(days=1)
        raise ValueError("no working time within ten years")

    def add_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The end of the `days`-th working day after the day of `start`."""
        tz = timezone.get_current_timezone()
        day = timezone.localtime(start, tz).date()
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        end = working_periods()[-1][1]
        return dt.datetime.combine(day, end, tzinfo=tz)


def due_time(start: dt.datetime, value: int | None, unit: str) -> dt.datetime | None:
    """The deadline of a time limit counted from `start`, or None without a limit."""
    if not value:
        return None
    cal = Calendar()
    return cal.add_hours(start, value) if unit == "hours" else cal.add_days(start, value)
