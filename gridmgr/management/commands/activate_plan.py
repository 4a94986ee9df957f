"""activate_plan NAME: make a plan the active one for its layers and re-route open issues."""

from argparse import ArgumentParser
from typing import Any

from gridmgr.management.base import GridCommand
from gridmgr.territory.plans import activate_plan, get_plan, moved_text, preview_plan


class Command(GridCommand):
    help = "Preview and activate a zone plan (open issues are re-routed)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("name")

    def run(self, **options: Any) -> None:
        plan = get_plan(options["name"])
        preview = preview_plan(plan)
        layers = "、".join(preview.layers)
        self.stdout.write(f"方案“{plan.name}”（图层 / layers：{layers}）：{moved_text(preview)}")
        for move in preview.moves[:20]:
            self.stdout.write(f"  {move.layer}: {move.from_owner} → {move.to_owner}: {move.count}")
        moved = activate_plan(plan)
        self.stdout.write(f"已生效 / activated: {moved_text(moved, done=True)}")
