"""The import of an issue file (CSV or vector points): the one core of every front that imports.

`import_issue_file` reads the file, maps its columns, resolves the categories, refuses bad rows
(all of them listed, nothing written) or skips them, then routes and writes the rest through
gridmgr.routing.issue_import. The command `import_issues` only parses its arguments into an
IssueFile and prints the IssueImportReport; a test or an admin action calls the same function
and gets the same rows. The caller holds the transaction (and rolls it back for a dry run).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection

from geodata.readers import PointTable, read_point_table
from gridmgr.errors import MAX_REPORTED, GridError
from gridmgr.routing.bulk import BulkRouter
from gridmgr.routing.categories import CategoryResolver, read_category_map
from gridmgr.routing.issue_import import IssueBatch, OutsideRows, import_batch

OUTSIDE = "位置不在本区范围内 / lies outside the district"


@dataclass(frozen=True)
class IssueFile:
    """An issue file and where its fields are (the names of its columns)."""

    path: str | Path
    lon_field: str
    lat_field: str
    category_field: str
    id_field: str | None = None
    coord_sys: str = "wgs84"
    srid: int | None = None
    category_map: str | Path | None = None  # CSV: source,category (code or name)


@dataclass
class IssueImportReport:
    """What an import did: rows read, rows refused (file row, why) and the issues written."""

    rows: int
    refused: list[tuple[int, str]]
    issue_ids: np.ndarray
    blind: int
    overlap: int
    created: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        return len(self.issue_ids)


class RowsRefused(GridError):
    """Rows of an issue file that cannot be imported: nothing was written.

    `how_to_skip`: the front's own words for skipping them (Chinese, English), if it has any.
    """

    def __init__(
        self, refused: list[tuple[int, str]], how_to_skip: tuple[str, str] = ("", "")
    ) -> None:
        self.refused = sorted(refused)
        lines = [f"第 {r} 行 / row {r}: {why}" for r, why in self.refused[:MAX_REPORTED]]
        n = len(self.refused)
        super().__init__(
            f"{n} 行被拒绝，未写入任何数据{how_to_skip[0]}：\n" + "\n".join(lines),
            f"{n} rows refused, nothing written{how_to_skip[1]}",
        )


def import_issue_file(
    source: IssueFile,
    *,
    create_categories: bool = False,
    skip_invalid: bool = False,
    keep_indexes: bool = False,
    progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
    timings: dict[str, float] | None = None,
) -> IssueImportReport:
    """Import the issues of a file, each routed to its zones and owners, with their receipts.

    Bad rows (unreadable, unknown category, repeated id, outside the district) are skipped
    with `skip_invalid`; otherwise RowsRefused lists them all and nothing is written.
    `progress` wraps the iterable of chunks (a progress bar); `timings` gets each step's seconds.
    """
    marks = [time.perf_counter()]
    found = _read(source, create_categories, marks)
    router = BulkRouter()
    marks.append(time.perf_counter())
    if timings is not None:
        steps = ("read", "categories", "index")
        timings |= {step: marks[k + 1] - marks[k] for k, step in enumerate(steps)}
    if found.refused and not skip_invalid:
        # Refused already: route every row all the same, so that the refusal lists them all.
        outside = router.route(found.batch.lon, found.batch.lat).outside
        raise RowsRefused(found.refused + found.outside(np.flatnonzero(outside)))
    try:
        done = import_batch(
            found.batch,
            router,
            skip_outside=skip_invalid,
            keep_indexes=keep_indexes,
            progress=progress,
            timings=timings,
        )
    except OutsideRows as exc:
        raise RowsRefused(found.refused + found.outside(exc.rows)) from exc
    routes = done.routes.take(done.written)
    return IssueImportReport(
        rows=found.total,
        refused=sorted(found.refused + found.outside(np.flatnonzero(done.routes.outside))),
        issue_ids=done.ids,
        blind=int(routes.in_blind_spot().sum()),
        overlap=int(routes.in_overlap().sum()),
        created=found.created,
    )


@dataclass
class _FileRows:
    """A file's usable rows as a batch, their numbers in the file, and the rows refused so far."""

    total: int
    batch: IssueBatch
    numbers: np.ndarray  # per batch position, its row in the file (from 1)
    refused: list[tuple[int, str]]
    created: list[str]

    def outside(self, positions: Iterable[int]) -> list[tuple[int, str]]:
        """The rows at these batch positions, refused as outside the district."""
        return [(int(self.numbers[p]), OUTSIDE) for p in positions]


def _read(source: IssueFile, create_categories: bool, marks: list[float]) -> _FileRows:
    """Read the file and resolve its categories (a time mark after each)."""
    table = read_point_table(
        source.path,
        lon_field=source.lon_field,
        lat_field=source.lat_field,
        coord_sys=source.coord_sys,
        srid=source.srid,
    )
    marks.append(time.perf_counter())
    mapping = read_category_map(source.category_map) if source.category_map else {}
    resolver = CategoryResolver(mapping, create=create_categories)
    batch, numbers, refused = _batch(table, source, resolver)
    marks.append(time.perf_counter())
    return _FileRows(len(table), batch, numbers, refused, resolver.created or [])


def _batch(
    table: PointTable, source: IssueFile, resolver: CategoryResolver
) -> tuple[IssueBatch, np.ndarray, list[tuple[int, str]]]:
    """The usable rows as a batch, their file rows (from 1) and the rows refused so far."""
    name = source.category_field
    if name not in table.columns:
        raise GridError(f"没有类别字段“{name}”", f"no category field '{name}'")
    cats, deps, _unknown = resolver.resolve(table.columns[name])
    refused = [(r, why) for r, why in table.bad]
    unknown = np.flatnonzero((cats < 0) & table.ok)
    # Only the unknown values as text: the whole column costs ~0.1 s a million rows.
    for row, value in zip(
        unknown, np.asarray(table.columns[name][unknown], dtype=str), strict=True
    ):
        refused.append((int(row) + 1, f"未知类别 / unknown category: {value}"))
    ok = table.ok & (cats >= 0)
    ids: list[str | None] | None = None
    if source.id_field:
        ids, ok = _ids(table, source.id_field, ok, refused)
    batch = IssueBatch(table.lon[ok], table.lat[ok], cats[ok], deps[ok], external_id=ids)
    return batch, np.flatnonzero(ok) + 1, refused


def _ids(
    table: PointTable, name: str, ok: np.ndarray, refused: list[tuple[int, str]]
) -> tuple[list[str | None], np.ndarray]:
    """The external ids of the usable rows; rows repeating an id are refused."""
    if name not in table.columns:
        raise GridError(f"没有编号字段“{name}”", f"no id field '{name}'")
    ids = external_ids(table.columns[name])
    clash = clashing_ids(ids, ok)
    for row in np.flatnonzero(clash):
        refused.append(
            (int(row) + 1, f"编号重复或已导入 / external id repeated or imported: {ids[row]}")
        )
    ok = ok & ~clash
    return [ids[r] for r in np.flatnonzero(ok)], ok


def external_ids(column: np.ndarray) -> list[str | None]:
    """A column of external ids as text; blank and null values are no id."""
    # v != v: a null in a numeric column arrives as NaN.
    texts = ("" if v is None or v != v else str(v).strip() for v in column.tolist())
    return [text or None for text in texts]


def clashing_ids(ids: list[str | None], rows: np.ndarray) -> np.ndarray:
    """Per row (among `rows`): its external id repeats an earlier row's or an imported issue's."""
    wanted = [r for r in np.flatnonzero(rows).tolist() if ids[r] is not None]
    # Raw SQL: one array parameter; an `__in` of a million ids would be a million placeholders.
    with connection.cursor() as cur:
        cur.execute(
            "SELECT external_id FROM gridmgr_issue WHERE external_id = ANY(%s)",
            [[ids[r] for r in wanted]],
        )
        seen = {row[0] for row in cur.fetchall()}
    clash = np.zeros(len(ids), dtype=bool)
    for r in wanted:
        clash[r] = ids[r] in seen
        seen.add(ids[r])
    return clash
