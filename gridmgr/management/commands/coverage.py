"""coverage --region CODE [--layer NAME] --format json|geojson|csv|html|pdf|xlsx|gpkg --output PATH|-
[--crs wgs84|cgcs2000|cgcs2000-gk3|EPSG:CODE] (GeoPackage only)"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from gridmgr.coverage.analysis import analyse
from gridmgr.coverage.files import FORMATS, check_crs, check_output, write_coverage
from gridmgr.coverage.gpkg import srid_for
from gridmgr.errors import NotFoundError
from gridmgr.management.base import GridCommand
from gridmgr.models import Layer, Region


class Command(GridCommand):
    help = "Analyse coverage of a region (blind spots, overlaps, coverage %); --commit stores a snapshot."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--region", required=True)
        parser.add_argument("--layer", help="one layer (default: all layers)")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument(
            "--output", default="-", help="file path, or - for stdout (not for pdf, xlsx, gpkg)"
        )
        parser.add_argument(
            "--crs",
            default="wgs84",
            help="coordinate system of the GeoPackage: wgs84 (default), cgcs2000 (EPSG:4490), "
            "cgcs2000-gk3 (the CGCS2000 Gauss-Kruger 3-degree zone of the region, metres), "
            "or EPSG:4491-4554",
        )

    def run(self, **options: Any) -> None:
        out = options["output"]
        path = None if out == "-" else Path(out)
        check_output(options["format"], path)
        check_crs(options["format"], options["crs"])
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            code = options["region"]
            raise NotFoundError(f"没有代码为 {code} 的区域", f"no region with code {code}")
        if options["format"] == "gpkg":
            srid_for(region, options["crs"])  # a bad --crs stops before the analysis
        layers = list(Layer.objects.order_by("rank"))
        if options.get("layer"):
            layers = [lay for lay in layers if options["layer"] in (lay.name, lay.name_en)]
            if not layers:
                name = options["layer"]
                raise NotFoundError(f"没有名为“{name}”的图层", f"no layer named '{name}'")
        reports = analyse(region, layers, commit=options["commit"])
        write_coverage(reports, options["format"], path, self.stdout, region, options["crs"])
        for r in reports:
            self.stderr.write(
                f"{r.region_name} / {r.layer}: 覆盖率 coverage {r.coverage_pct:.3f}%, "
                f"盲区 blind {r.blind_m2:,.1f} m² ({len(r.blind)}), "
                f"重叠 overlap {r.overlap_m2:,.1f} m² ({len(r.overlaps)})"
            )
