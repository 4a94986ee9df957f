"""escalate_overdue [--commit]: raise overdue cases one level up their chain of owners (cron)."""

from typing import Any

from gridmgr.casework.escalation import escalate_overdue
from gridmgr.management.base import GridCommand


class Command(GridCommand):
    help = (
        "Escalate overdue cases one level up their chain of owners, with notifications and "
        "e-mail (run from cron every few minutes with --commit)."
    )

    def run(self, **options: Any) -> None:
        steps = escalate_overdue()
        for step in steps:
            self.stdout.write(
                f"#{step.issue.pk} {step.issue.category.code} → 第 {step.level} 级 / level "
                f"{step.level}: {step.owner}"
            )
        self.stdout.write(f"升级 {len(steps)} 件超期案件 / {len(steps)} overdue cases escalated")
