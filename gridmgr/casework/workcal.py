"""Working calendar: deadlines in working hours or working days.

Hand-written: the calendar libraries on PyPI know national holidays but not a city's own
working periods and make-up working days (调休), which are configured here and in CalendarDay.
Holidays and make-up days are loaded from CSV (date,kind,name), e.g. fixtures/calendar/cn_2026.csv.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from geodata.inputs import check_input_file
from gridmgr.errors import GridError
from gridmgr.models import CalendarDay, Category

# Spellings accepted in the kind column of a calendar CSV.
KINDS = {
    "holiday": CalendarDay.Kind.HOLIDAY,
    "休": CalendarDay.Kind.HOLIDAY,
    "节假日": CalendarDay.Kind.HOLIDAY,
    "workday": CalendarDay.Kind.WORKDAY,
    "班": CalendarDay.Kind.WORKDAY,
    "调休上班": CalendarDay.Kind.WORKDAY,
}


class CalendarFileError(GridError):
    """A calendar CSV that cannot be read."""


@lru_cache(maxsize=8)
def _periods(spec: tuple[str, ...]) -> list[tuple[dt.time, dt.time]]:
    out = []
    for item in spec:
        start, end = item.split("-")
        out.append((dt.time.fromisoformat(start), dt.time.fromisoformat(end)))
    return sorted(out)


def working_periods() -> list[tuple[dt.time, dt.time]]:
    """The working periods of a working day, in the city's time (settings.TIME_ZONE)."""
    return _periods(tuple(settings.GRIDMGR_WORKING_HOURS))


def working_day_hours() -> float:
    """The working hours of one working day."""
    day = dt.date.min
    spans = (
        dt.datetime.combine(day, e) - dt.datetime.combine(day, b) for b, e in working_periods()
    )
    return sum(span.seconds for span in spans) / 3600


class Calendar:
    """Which days are working days: weekly pattern plus holidays and make-up days."""

    def __init__(self, exceptions: Mapping[dt.date, str] | None = None) -> None:
        """The calendar of the given holidays and make-up days, else of those in CalendarDay."""
        self._given = exceptions
        self.workdays = set(settings.GRIDMGR_WORKDAYS)

    @cached_property
    def exceptions(self) -> dict[dt.date, str]:
        # Read when first needed: most steps of a case never count working time.
        if self._given is not None:
            return dict(self._given)
        return dict(CalendarDay.objects.values_list("date", "kind"))

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.exceptions.get(day)
        if kind == CalendarDay.Kind.HOLIDAY:
            return False
        if kind == CalendarDay.Kind.WORKDAY:
            return True
        return day.isoweekday() in self.workdays

    def add_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The moment `hours` working hours after `start`."""
        tz = timezone.get_default_timezone()
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

    def working_time(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """The working time between two moments (zero if `end` is not after `start`)."""
        tz = timezone.get_default_timezone()
        total = dt.timedelta()
        day, last = timezone.localtime(start, tz).date(), timezone.localtime(end, tz).date()
        while day <= last:
            if self.is_working_day(day):
                for begin, finish in working_periods():
                    frm = max(dt.datetime.combine(day, begin, tzinfo=tz), start)
                    to = min(dt.datetime.combine(day, finish, tzinfo=tz), end)
                    total += max(to - frm, dt.timedelta())
            day += dt.timedelta(days=1)
        return total

    def hours_before(self, moment: dt.datetime, hours: float) -> dt.datetime:
        """The moment `hours` working hours before `moment` (the inverse of `add_hours`)."""
        tz = timezone.get_default_timezone()
        local = timezone.localtime(moment, tz)
        left = dt.timedelta(hours=hours)
        day = local.date()
        for _ in range(3660):
            if self.is_working_day(day):
                for begin, end in reversed(working_periods()):
                    p_start = dt.datetime.combine(day, begin, tzinfo=tz)
                    to = min(dt.datetime.combine(day, end, tzinfo=tz), local)
                    if to <= p_start:
                        continue
                    if to - left >= p_start:
                        return to - left
                    left -= to - p_start
            day -= dt.timedelta(days=1)
        raise ValueError("no working time within ten years")

    def add_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The end of the `days`-th working day after the day of `start`."""
        tz = timezone.get_default_timezone()
        day = timezone.localtime(start, tz).date()
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        end = working_periods()[-1][1]
        return dt.datetime.combine(day, end, tzinfo=tz)


def due_time(
    start: dt.datetime, value: int | None, unit: str, cal: Calendar | None = None
) -> dt.datetime | None:
    """The deadline of a time limit counted from `start`, or None without a limit."""
    if not value:
        return None
    cal = cal or Calendar()
    return cal.add_hours(start, value) if unit == "hours" else cal.add_days(start, value)


def category_limit(category: Category) -> tuple[int | None, str]:
    """The time limit (value, unit) of a category, inherited from its parent when unset."""
    if category.limit_value or category.parent_id is None:
        return category.limit_value, category.limit_unit
    parent = Category.objects.get(pk=category.parent_id)
    return parent.limit_value, parent.limit_unit


@dataclass(frozen=True)
class CalendarRow:
    date: dt.date
    kind: str
    name: str


def read_calendar_csv(path: str | Path) -> list[CalendarRow]:
    """The rows of a calendar CSV with the columns date,kind,name (kind: holiday or workday)."""
    check_input_file(Path(path))
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            records = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarFileError(
            f"无法读取日历文件 {path}（需 UTF-8 编码的 CSV）",
            f"cannot read calendar file {path} (a UTF-8 CSV is needed): {exc}",
        ) from exc
    rows, bad = [], []
    for line, record in enumerate(records, start=2):
        try:
            day = dt.date.fromisoformat((record.get("date") or "").strip())
            kind = KINDS[(record.get("kind") or "").strip().lower()]
        except (ValueError, KeyError):
            bad.append(line)
            continue
        rows.append(CalendarRow(day, kind, (record.get("name") or "").strip()[:50]))
    if bad:
        lines = ", ".join(str(n) for n in bad[:20])
        raise CalendarFileError(
            f"日历文件第 {lines} 行无法识别（需要 date,kind,name；kind 为 holiday 或 workday）",
            f"calendar rows {lines} not understood (need date,kind,name; kind holiday or workday)",
        )
    return rows


@transaction.atomic
def load_calendar(rows: list[CalendarRow]) -> tuple[int, int]:
    """Create or update one CalendarDay per row; returns (created, updated)."""
    created = updated = 0
    for row in rows:
        _, new = CalendarDay.objects.update_or_create(
            date=row.date, defaults={"kind": row.kind, "name": row.name}
        )
        created, updated = created + new, updated + (not new)
    return created, updated


def load_calendar_csv(path: str | Path) -> tuple[int, int]:
    """Load a calendar CSV (see `read_calendar_csv`); returns (created, updated)."""
    return load_calendar(read_calendar_csv(path))
