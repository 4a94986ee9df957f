"""import_regions PATH --level L --code-field F --name-field F [--parent-field F | --parent CODE]"""

from argparse import ArgumentParser
from typing import Any

from gridmgr.management.base import GridCommand
from gridmgr.models import Region
from gridmgr.territory.imports import import_regions


class Command(GridCommand):
    help = "Import administrative regions (district, sub-districts, communities) from a file."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        self.add_reader_arguments(parser)
        parser.add_argument("--level", required=True, choices=Region.Level.values)
        parser.add_argument("--code-field", required=True)
        parser.add_argument("--name-field", required=True)
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--parent-field", help="field holding the parent region's code")
        group.add_argument("--parent", help="code of the parent region of every feature")

    def run(self, **options: Any) -> None:
        features = self.read(options)
        report = import_regions(
            features,
            level=options["level"],
            code_field=options["code_field"],
            name_field=options["name_field"],
            parent_field=options.get("parent_field"),
            parent_code=options.get("parent"),
            repair=options["repair"],
        )
        for note in report.repairs:
            self.stdout.write(f"修复 / repaired: {note}")
        self.stdout.write(
            f"区域：新建 {report.created}，更新 {report.updated} / "
            f"regions: {report.created} created, {report.updated} updated"
        )
