"""import_issues PATH --lon-field F --lat-field F --category-field F [...]"""

from argparse import ArgumentParser
from typing import Any, NoReturn

import numpy as np

from geodata.readers import PointTable, read_point_table
from gridmgr.errors import GridError
from gridmgr.management.base import GridCommand, coord_sys
from gridmgr.routing.bulk import BulkRouter
from gridmgr.routing.categories import CategoryResolver, read_category_map
from gridmgr.routing.issue_import import (
    IssueBatch,
    OutsideRows,
    clashing_ids,
    external_ids,
    import_batch,
)
from gridmgr.territory.imports import MAX_REPORTED


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
        table = read_point_table(
            options["path"],
            lon_field=options["lon_field"],
            lat_field=options["lat_field"],
            coord_sys=coord_sys(options),
            srid=options.get("srid"),
        )
        batch, refused = self._batch(table, options)
        router = BulkRouter()
        skip = options["skip_invalid"]
        if refused and not skip:
            # Refused already: route every row all the same, so that the report lists them all.
            outside = np.flatnonzero(router.route(batch.lon, batch.lat).outside).tolist()
            self._refuse(refused + self._outside(outside))
        try:
            done = import_batch(
                batch,
                router,
                skip_outside=skip,
                keep_indexes=options["keep_indexes"],
                progress=lambda steps: self.progress(list(steps), desc="issues"),
            )
        except OutsideRows as exc:
            self._refuse(refused + self._outside(exc.rows))
        refused = sorted(refused + self._outside(np.flatnonzero(done.routes.outside).tolist()))
        for r, why in refused:
            self.stdout.write(f"跳过 / skipped row {r}: {why}")
        routes = done.routes.take(done.written)
        self._summary(len(table), len(done.written), refused, routes)

    def _outside(self, rows: list[int]) -> list[tuple[int, str]]:
        return [(int(self.rows[r]), "位置不在本区范围内 / lies outside the district") for r in rows]

    def _refuse(self, refused: list[tuple[int, str]]) -> NoReturn:
        refused = sorted(refused)
        lines = [f"第 {r} 行 / row {r}: {why}" for r, why in refused[:MAX_REPORTED]]
        raise GridError(
            f"{len(refused)} 行被拒绝，未写入任何数据（可加 --skip-invalid 跳过）：\n"
            + "\n".join(lines),
            f"{len(refused)} rows refused, nothing written (use --skip-invalid to skip them)",
        )

    def _batch(self, table: PointTable, options: dict[str, Any]) -> tuple[IssueBatch, list]:
        path = options.get("category_map")
        mapping = read_category_map(path) if path else {}
        resolver = CategoryResolver(mapping, create=options["create_categories"])
        field = options["category_field"]
        if field not in table.columns:
            raise GridError(f"没有类别字段“{field}”", f"no category field '{field}'")
        cats, deps, unknown = resolver.resolve(table.columns[field])
        refused = [(r, why) for r, why in table.bad]
        values = np.asarray(table.columns[field], dtype=str)
        for row in np.flatnonzero((cats < 0) & table.ok):
            refused.append((int(row) + 1, f"未知类别 / unknown category: {values[row]}"))
        ok = table.ok & (cats >= 0)
        ids: list[str | None] | None = None
        if options.get("id_field"):
            ids, ok = self._ids(table, options["id_field"], ok, refused)
        self.rows = np.flatnonzero(ok) + 1
        batch = IssueBatch(table.lon[ok], table.lat[ok], cats[ok], deps[ok], external_id=ids)
        self.created = resolver.created or []
        return batch, refused

    def _ids(
        self, table: PointTable, field: str, ok: np.ndarray, refused: list
    ) -> tuple[list[str | None], np.ndarray]:
        """The external ids of the usable rows; rows repeating an id are refused."""
        if field not in table.columns:
            raise GridError(f"没有编号字段“{field}”", f"no id field '{field}'")
        ids = external_ids(table.columns[field])
        clash = clashing_ids(ids, ok)
        for row in np.flatnonzero(clash):
            refused.append(
                (int(row) + 1, f"编号重复或已导入 / external id repeated or imported: {ids[row]}")
            )
        ok = ok & ~clash
        return [ids[r] for r in np.flatnonzero(ok)], ok

    def _summary(self, total: int, written: int, refused: list, routes: Any) -> None:
        blind = int(routes.in_blind_spot().sum())
        overlap = int(routes.in_overlap().sum())
        if self.created:
            self.stdout.write(f"新建类别 / categories created: {', '.join(self.created)}")
        self.stdout.write(
            f"问题：共 {total} 行，导入 {written}，拒绝 {len(refused)}，盲区 {blind}，重叠 {overlap} / "
            f"issues: {total} rows, {written} assigned, {len(refused)} refused, "
            f"{blind} in blind spots, {overlap} in overlaps"
        )
