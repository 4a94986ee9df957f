"""load_calendar reads holidays and make-up days from CSV; the 2026 China calendar is a fixture."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gridmgr.casework.workcal import Calendar
from gridmgr.models import CalendarDay

CN_2026 = Path(__file__).resolve().parents[2] / "fixtures" / "calendar" / "cn_2026.csv"


def run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("load_calendar", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_a_dry_run_writes_nothing(db: None) -> None:
    out = run(str(CN_2026))
    assert "39 days (33 holidays, 6 make-up working days)" in out and "dry run" in out
    assert not CalendarDay.objects.exists()


def test_the_2026_calendar_loads_and_reloads_without_duplicates(db: None) -> None:
    assert "39 new, 0 updated" in run(str(CN_2026), "--commit")
    assert "0 new, 39 updated" in run(str(CN_2026), "--commit")
    cal = Calendar()
    spring = [dt.date(2026, 2, 15) + dt.timedelta(days=k) for k in range(9)]
    assert not any(cal.is_working_day(day) for day in spring)
    assert cal.is_working_day(dt.date(2026, 2, 14)) and cal.is_working_day(dt.date(2026, 2, 28))
    assert cal.is_working_day(dt.date(2026, 1, 4))  # a Sunday
    assert not cal.is_working_day(dt.date(2026, 10, 7))
    assert cal.is_working_day(dt.date(2026, 10, 8))


def test_unreadable_rows_are_refused_with_their_line_numbers(db: None, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "date,kind,name\n2026-01-01,holiday,元旦\n2026-13-01,holiday,x\n2026-01-02,party,y\n"
    )
    with pytest.raises(CommandError) as refused:
        run(str(path), "--commit")
    assert "calendar rows 3, 4 not understood" in str(refused.value)
    assert "日历文件第 3, 4 行无法识别" in str(refused.value)
    assert not CalendarDay.objects.exists()


def test_chinese_kinds_are_understood(db: None, tmp_path: Path) -> None:
    path = tmp_path / "cn.csv"
    path.write_text("date,kind,name\n2027-01-01,休,元旦\n2027-01-04,班,调休\n", encoding="utf-8")
    run(str(path), "--commit")
    assert dict(CalendarDay.objects.values_list("date", "kind")) == {
        dt.date(2027, 1, 1): "holiday",
        dt.date(2027, 1, 4): "workday",
    }


def test_a_missing_file_is_a_clear_error(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="文件不存在.*file not found"):
        run(str(tmp_path / "none.csv"))
