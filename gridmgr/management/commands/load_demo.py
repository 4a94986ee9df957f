"""load_demo [--commit] [--once]: the demo district, Beijing Dongcheng, in an empty database."""

from argparse import ArgumentParser
from typing import Any

from gridmgr.demo.load import DemoSummary, database_empty, demo_loaded, load_demo
from gridmgr.management.base import GridCommand


class Command(GridCommand):
    help = "Load the demo district (Beijing Dongcheng): regions, zones, owners, categories, issues."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--once",
            action="store_true",
            help="do nothing if the demo is already loaded or the database holds other data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"] and demo_loaded():
            self.stdout.write("演示区已载入，跳过 / the demo is already loaded: nothing to do")
            return
        if options["once"] and not database_empty():
            self.stdout.write(
                "数据库中已有其他数据，不载入演示区 / the database holds other data: demo not loaded"
            )
            return
        super().handle(*args, **options)

    def run(self, **options: Any) -> None:
        summary = load_demo(progress=lambda step: self.stderr.write(f"… {step}"))
        self.report(summary)

    def report(self, s: DemoSummary) -> None:
        out = self.stdout.write
        out(f"东城区演示数据（{s.seconds:.1f} 秒）/ Dongcheng demo district ({s.seconds:.1f} s)")
        regions = "，".join(f"{level} {n}" for level, n in s.regions.items())
        out(f"  区域 / regions: {regions}")
        for layer, n in s.zones.items():
            out(f"  {layer}: {n} 个生效区域 / active zones")
        out(f"  责任人 / owners: {s.owners}（责任关系 / ownerships {s.ownerships}）")
        out(f"  驻点 / stations: {s.stations}；问题类别 / categories: {s.categories}")
        out(
            f"  问题 / issues: {s.issues}，盲区 / in blind spots: {s.blind_issues}，"
            f"重叠 / in overlaps: {s.overlap_issues}"
        )
        statuses = "，".join(f"{status} {n}" for status, n in sorted(s.statuses.items()))
        out(f"  状态 / statuses: {statuses}")
        if s.history is not None:
            h = s.history
            out(
                f"  办理过程 / history: 步骤 / steps {h.transitions}，通知 / notifications "
                f"{h.notifications}，照片 / photos {h.photos}，受理编号 / tracking numbers {h.tracked}"
            )
        f = s.faults
        out(f"  故意留的盲区（已删网格）/ holes (deleted grids): {', '.join(f.holes)}")
        out(f"  无人负责的网格 / grids without owner: {', '.join(f.unowned)}")
        out(f"  与相邻网格重叠的补划网格 / grid overlapping its neighbours: {f.overlap}")
