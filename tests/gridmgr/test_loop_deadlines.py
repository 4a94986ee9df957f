"""Deadlines count working time: weekdays, working hours, holidays and make-up working days."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from gridmgr.casework.workcal import (
    Calendar,
    category_limit,
    due_time,
    load_calendar_csv,
    working_day_hours,
)
from gridmgr.models import Category
from tests.loop import People, at, dispatched
from tests.world import World

CN_2026 = Path(__file__).resolve().parents[2] / "fixtures" / "calendar" / "cn_2026.csv"


@pytest.fixture
def cal(db: None) -> Calendar:
    load_calendar_csv(CN_2026)
    return Calendar()


def test_hours_carry_over_the_weekend(cal: Calendar) -> None:
    # Friday 16:00 + 4 h: 1.5 h on Friday, 2.5 h from Monday 08:30.
    assert cal.add_hours(at(2026, 3, 6, 16), 4) == at(2026, 3, 9, 11)


def test_hours_skip_the_lunch_break(cal: Calendar) -> None:
    assert cal.add_hours(at(2026, 3, 2, 11), 2) == at(2026, 3, 2, 14, 30)
    assert cal.add_hours(at(2026, 3, 2, 12, 30), 1) == at(2026, 3, 2, 14, 30)


def test_hours_skip_a_holiday(cal: Calendar) -> None:
    # Qingming: Saturday 4 April to Monday 6 April 2026.
    assert cal.add_hours(at(2026, 4, 3, 16), 4) == at(2026, 4, 7, 11)


def test_a_make_up_sunday_counts(cal: Calendar) -> None:
    # New Year: 1–3 January off, Sunday 4 January worked.
    assert cal.add_hours(at(2025, 12, 31, 16), 4) == at(2026, 1, 4, 11)


def test_days_end_with_the_working_day(cal: Calendar) -> None:
    assert cal.add_days(at(2026, 3, 6, 10), 1) == at(2026, 3, 9, 17, 30)
    assert cal.add_days(at(2026, 3, 2, 10), 3) == at(2026, 3, 5, 17, 30)


def test_days_skip_the_spring_festival_and_count_its_make_up_saturday(cal: Calendar) -> None:
    # Saturday 14 February is worked; 15–23 February are off.
    assert cal.add_days(at(2026, 2, 13, 10), 1) == at(2026, 2, 14, 17, 30)
    assert cal.add_days(at(2026, 2, 13, 10), 2) == at(2026, 2, 24, 17, 30)


def test_working_time_between_two_moments(cal: Calendar) -> None:
    assert cal.working_time(at(2026, 3, 6, 16), at(2026, 3, 9, 9)).total_seconds() == 2 * 3600
    assert cal.working_time(at(2026, 2, 14, 17), at(2026, 2, 24, 8)).total_seconds() == 1800
    assert cal.working_time(at(2026, 3, 9), at(2026, 3, 6)).total_seconds() == 0


def test_the_working_hours_are_a_setting(settings: Settings, cal: Calendar) -> None:
    settings.GRIDMGR_WORKING_HOURS = ["09:00-17:00"]
    assert cal.add_hours(at(2026, 3, 6, 16), 4) == at(2026, 3, 9, 12)


def test_no_limit_means_no_deadline(cal: Calendar) -> None:
    assert due_time(at(2026, 3, 2, 9), None, "hours") is None


def test_dispatch_sets_the_deadline_from_the_category(world: World, people: People) -> None:
    load_calendar_csv(CN_2026)
    parking = dispatched(world, people, at(2026, 4, 3, 17), category=world.categories["parking"])
    assert parking.due_at == at(2026, 4, 7, 10)  # 0.5 h on Friday, Qingming, 1.5 h on Tuesday


def test_a_category_without_a_limit_inherits_its_parents(world: World, people: People) -> None:
    appearance = world.categories["appearance"]
    appearance.limit_value, appearance.limit_unit = 2, Category.LimitUnit.DAYS
    appearance.save()
    graffiti = Category.objects.create(
        code="0102", kind="event", parent=appearance, name="乱涂乱画"
    )
    assert category_limit(graffiti) == (2, "days")
    issue = dispatched(world, people, at(2026, 3, 6, 10), category=graffiti)
    assert issue.due_at == at(2026, 3, 10, 17, 30)


def test_hours_before_goes_back_over_a_holiday_the_weekend_and_lunch(cal: Calendar) -> None:
    # The inverse of the cases above: Qingming (4–6 April 2026), then the weekend before it.
    assert cal.hours_before(at(2026, 4, 7, 11), 4) == at(2026, 4, 3, 16)
    assert cal.hours_before(at(2026, 3, 9, 11), 4) == at(2026, 3, 6, 16)
    assert cal.hours_before(at(2026, 3, 2, 14, 30), 2) == at(2026, 3, 2, 11)


def test_a_working_day_has_seven_and_a_half_hours() -> None:
    assert working_day_hours() == 7.5  # 08:30–12:00 and 13:30–17:30
