"""activate_plan NAME: make a plan the active one for its layers and re-route open issues."""

from argparse import ArgumentParser
from typing import Any

from gridmgr.management.base import GridCommand
from gridmgr.services.plans import activate_plan, get_plan, preview_plan


class Command(GridCommand):
    help = "Preview and activate a zone plan (open issues are re-routed)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("name")

    def run(self, **options: Any) -> None:
        plan = get_plan(options["name"])
        preview = preview_plan(plan)
        self.stdout.write(
            f"方案“{plan.name}”（图层：{'、'.join(preview.layers)}）：{preview.open_issues} 件在办问题中 "
            f"{preview.moved} 件将改派 / plan '{plan.name}' (layers: {', '.join(preview.layers)}): "
            f"{preview.moved} of {preview.open_issues} open issues would move"
        )
        for move in preview.moves[:20]:
            self.stdout.write(f"  {move.layer}: {move.from_owner} → {move.to_owner}: {move.count}")
        rerouted = activate_plan(plan)
        self.stdout.write(f"已重新分派 {rerouted} 件在办问题 / re-routed {rerouted} open issues")
