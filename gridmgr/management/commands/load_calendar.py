"""load_calendar PATH.csv [--commit]: holidays and make-up working days (date,kind,name)."""

from argparse import ArgumentParser
from typing import Any

from gridmgr.casework.workcal import load_calendar, read_calendar_csv
from gridmgr.management.base import GridCommand


class Command(GridCommand):
    help = (
        "Load holidays and make-up working days from a CSV with the columns date,kind,name "
        "(kind: holiday or workday), e.g. fixtures/calendar/cn_2026.csv."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("path", help="CSV file: date,kind,name")

    def run(self, **options: Any) -> None:
        rows = read_calendar_csv(options["path"])
        created, updated = load_calendar(rows)
        holidays = sum(row.kind == "holiday" for row in rows)
        self.stdout.write(
            f"日历：{len(rows)} 天（节假日 {holidays}，调休上班 {len(rows) - holidays}），"
            f"新增 {created}，更新 {updated} / calendar: {len(rows)} days ({holidays} holidays, "
            f"{len(rows) - holidays} make-up working days), {created} new, {updated} updated"
        )
