"""generate_grid --region CODE --plan NAME --layer NAME (--cell-size METRES | --streets PATH)"""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings

from geodata.readers import read_features
from gridmgr.errors import NotFoundError
from gridmgr.management.base import GridCommand
from gridmgr.models import Region
from gridmgr.territory.grids import generate_grid
from gridmgr.territory.plans import layer_or_new, plan_or_new


class Command(GridCommand):
    help = "Generate unit grids clipped to each community (or sub-district), coded by the scheme."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--region", required=True, help="region code")
        parser.add_argument("--plan", required=True)
        parser.add_argument("--layer", required=True)
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--cell-size", type=float, help="square cell side in metres")
        group.add_argument("--streets", help="street centre lines to polygonise into blocks")

    def run(self, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            code = options["region"]
            raise NotFoundError(f"没有代码为 {code} 的区域", f"no region with code {code}")
        streets = None
        if options.get("streets"):
            limit = settings.GRIDMGR_IMPORT_MAX_FEATURES
            streets = [f.geometry for f in read_features(options["streets"], max_features=limit)]
        plan, layer = plan_or_new(options["plan"]), layer_or_new(options["layer"])
        report = generate_grid(
            region,
            plan,
            layer,
            cell_size_m=options.get("cell_size"),
            streets=streets,
            progress=lambda items: self.progress(items, desc="grid"),
        )
        self.stdout.write(
            f"{region.name}：生成单元网格 {report.created} 个 / "
            f"{region.name}: {report.created} unit grids generated in plan '{plan.name}'"
        )
