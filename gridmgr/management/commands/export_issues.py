"""export_issues --format csv|geojson --output PATH"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from gridmgr.management.base import GridCommand
from gridmgr.routing.issue_export import export_issues


class Command(GridCommand):
    help = "Export every issue with its zone per layer and routing flags."
    writes = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--format", choices=["csv", "geojson"], default="csv")
        parser.add_argument("--output", required=True, help="file path, or - for stdout")

    def run(self, **options: Any) -> None:
        out = options["output"]
        path = None if out == "-" else Path(out)
        count = export_issues(path, options["format"], out=self.stdout)
        if path is not None:
            self.stdout.write(f"已导出 {count} 件问题 / exported {count} issues to {path}")
