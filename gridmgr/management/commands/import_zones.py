"""import_zones PATH --plan NAME --layer NAME --code-field F --name-field F [...]"""

from argparse import ArgumentParser
from typing import Any

from gridmgr.management.base import GridCommand
from gridmgr.territory.imports import import_zones
from gridmgr.territory.plans import layer_or_new, plan_or_new


class Command(GridCommand):
    help = "Import the zones of one layer into a plan (created as a draft when new)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        self.add_reader_arguments(parser)
        parser.add_argument("--plan", required=True)
        parser.add_argument("--layer", required=True)
        parser.add_argument("--code-field", required=True)
        parser.add_argument("--name-field", required=True)
        parser.add_argument("--parent-field", help="field holding the parent zone's code")
        parser.add_argument("--owner-field", help="field holding the owner's name")

    def run(self, **options: Any) -> None:
        features = self.read(options)
        plan, layer = plan_or_new(options["plan"]), layer_or_new(options["layer"])
        report = import_zones(
            features,
            plan=plan,
            layer=layer,
            code_field=options["code_field"],
            name_field=options["name_field"],
            parent_field=options.get("parent_field"),
            owner_field=options.get("owner_field"),
            repair=options["repair"],
        )
        for note in report.repairs:
            self.stdout.write(f"修复 / repaired: {note}")
        self.stdout.write(
            f"方案“{plan.name}”图层“{layer.name}”：新建 {report.created}，更新 {report.updated} / "
            f"plan '{plan.name}', layer '{layer.name}': "
            f"{report.created} zones created, {report.updated} updated"
        )
