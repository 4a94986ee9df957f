"""import_issues PATH --lon-field F --lat-field F --category-field F [...]"""

from argparse import ArgumentParser
from typing import Any

from gridmgr.management.base import GridCommand, coord_sys
from gridmgr.routing.issue_file import IssueFile, RowsRefused, import_issue_file

HOW_TO_SKIP = ("（可加 --skip-invalid 跳过）", " (use --skip-invalid to skip them)")


class Command(GridCommand):
    help = "Import issues from CSV or GeoJSON and assign each one to its zones and owners."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("path")
        parser.add_argument("--lon-field", required=True)
        parser.add_argument("--lat-field", required=True)
        parser.add_argument("--category-field", required=True)
        parser.add_argument("--id-field", help="field holding the issue's external id")
        parser.add_argument(
            "--coord-sys", choices=["wgs84", "cgcs2000", "gcj02", "bd09"], default="wgs84"
        )
        parser.add_argument("--srid", type=int, help="EPSG code of projected input")
        parser.add_argument("--category-map", help="CSV: source,category (code or name)")
        parser.add_argument("--create-categories", action="store_true")
        parser.add_argument("--skip-invalid", action="store_true")
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="keep the issue indexes during a large import (slower, but the issue pages "
            "keep reading meanwhile; by default an import of 100,000 issues or more rebuilds "
            "them at its end and locks readers out until then)",
        )

    def run(self, **options: Any) -> None:
        source = IssueFile(
            options["path"],
            lon_field=options["lon_field"],
            lat_field=options["lat_field"],
            category_field=options["category_field"],
            id_field=options.get("id_field"),
            coord_sys=coord_sys(options),
            srid=options.get("srid"),
            category_map=options.get("category_map"),
        )
        try:
            report = import_issue_file(
                source,
                create_categories=options["create_categories"],
                skip_invalid=options["skip_invalid"],
                keep_indexes=options["keep_indexes"],
                progress=lambda steps: self.progress(list(steps), desc="issues"),
            )
        except RowsRefused as exc:
            raise RowsRefused(exc.refused, HOW_TO_SKIP) from None
        for r, why in report.refused:
            self.stdout.write(f"跳过 / skipped row {r}: {why}")
        if report.created:
            self.stdout.write(f"新建类别 / categories created: {', '.join(report.created)}")
        self.stdout.write(
            f"问题：共 {report.rows} 行，导入 {report.written}，拒绝 {len(report.refused)}，"
            f"盲区 {report.blind}，重叠 {report.overlap} / "
            f"issues: {report.rows} rows, {report.written} assigned, {len(report.refused)} "
            f"refused, {report.blind} in blind spots, {report.overlap} in overlaps"
        )
