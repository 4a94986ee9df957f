"""Routing receipts are stored once per distinct content (receipt sets) and read per issue."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from gridmgr.casework.report import report_issue
from gridmgr.models import Issue, Receipt, Routing
from gridmgr.routing import issue_import, receipts
from gridmgr.routing.bulk import BulkRouter
from gridmgr.routing.issue_import import OutsideRows, import_batch, insert_batch, route_batch
from gridmgr.routing.point import route_point
from tests.gridmgr.test_assign_in_bulk import batch_of
from tests.world import TIANANMEN, World, full_cells


def spread(world: World, cell, k: int) -> list[tuple[float, float]]:
    lon, lat = world.inside(cell)
    return [world.move(lon, lat, 3.0 * i, -2.0 * i) for i in range(k)]


def test_issues_routed_alike_share_one_set_of_receipts(world: World) -> None:
    cell = full_cells(world.subs["S3"], world.grid)[0]
    points = spread(world, cell, 12)
    singles = [report_issue(lon, lat, world.categories["parking"]) for lon, lat in points[:2]]
    batch = batch_of(world, points[2:])
    ids = insert_batch(batch, route_batch(batch))
    sets = set(
        Issue.objects.filter(pk__in=[*ids.tolist(), *(i.pk for i in singles)]).values_list(
            "receipt_set", flat=True
        )
    )
    assert len(sets) == 1 and None not in sets
    (shared,) = sets
    # One receipt per layer for the twelve issues, and each issue still reads its own.
    assert Receipt.objects.filter(set_id=shared).count() == 2
    assert Routing.objects.filter(issue_id__in=ids.tolist()).count() == 2 * len(ids)
    assert {r.zone for r in Routing.objects.filter(issue=singles[0], layer=world.grid)} == {cell}


def test_single_and_bulk_paths_name_the_same_set(world: World) -> None:
    cell = full_cells(world.subs["S1"], world.grid)[0]
    points = [
        world.inside(cell),
        world.gap_centre(),
        world.move(*world.inside(world.overlap), 30, 30),
    ]
    singles = [report_issue(lon, lat, world.categories["parking"]) for lon, lat in points]
    batch = batch_of(world, points)
    bulk = Issue.objects.in_bulk(insert_batch(batch, route_batch(batch)).tolist())
    assert [i.receipt_set for i in singles] == [bulk[k].receipt_set for k in sorted(bulk)]
    assert len({i.receipt_set for i in singles}) == 3


def test_the_set_id_is_the_digest_of_the_receipts(world: World) -> None:
    cell = full_cells(world.subs["S2"], world.grid)[0]
    issue = report_issue(*world.inside(cell), world.categories["parking"])
    route = route_point(*world.inside(cell))
    assert issue.receipt_set == receipts.set_id(route.layers)
    row = receipts.content_row(route.layers)
    assert issue.receipt_set == uuid.UUID(bytes=receipts.digest(row))
    many = np.stack([row, row + 1])
    assert receipts.digests(many).tobytes() == receipts.digest(row) + receipts.digest(row + 1)
    # Another zone, another set.
    other = full_cells(world.subs["S2"], world.grid)[1]
    assert receipts.set_id(route_point(*world.inside(other)).layers) != issue.receipt_set


def groups(first: np.ndarray, inverse: np.ndarray) -> list[int]:
    """Each row's group, numbered by first appearance; checks `first` names a row of each."""
    assert all(inverse[row] == g for g, row in enumerate(first.tolist()))
    seen: dict[int, int] = {}
    return [seen.setdefault(int(g), len(seen)) for g in inverse]


def test_grouping_survives_a_hash_collision(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [np.array([1, 2, 1, 3, 2], dtype=np.int64), np.array([7, 8, 7, 9, 8], dtype=np.int64)]
    assert groups(*receipts.group_rows(rows)) == [0, 1, 0, 2, 1]
    # Every row hashed alike: the check against each group's first row catches it.
    monkeypatch.setattr(receipts, "_mix", lambda h: np.zeros_like(h))
    assert groups(*receipts.group_rows(rows)) == [0, 1, 0, 2, 1]


def test_import_in_chunks_writes_every_row_with_its_own_route(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(issue_import, "IMPORT_CHUNK", 2)
    cells = (
        full_cells(world.subs["S1"], world.grid)[:3] + full_cells(world.subs["S3"], world.grid)[:4]
    )
    points = [world.inside(c) for c in cells]
    done = import_batch(batch_of(world, points), BulkRouter())
    assert done.written.tolist() == list(range(7))
    issues = Issue.objects.in_bulk(done.ids.tolist())
    for k, issue_id in enumerate(done.ids.tolist()):
        issue = issues[issue_id]
        assert (issue.location.x, issue.location.y) == pytest.approx(points[k])
        assert issue.zone == cells[k]
        assert issue.routings.get(layer=world.grid).zone == cells[k]


def test_an_outside_row_in_a_later_chunk_writes_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(issue_import, "IMPORT_CHUNK", 2)
    cells = full_cells(world.subs["S1"], world.grid)[:5]
    points = [world.inside(c) for c in cells]
    points[4:4] = [TIANANMEN]  # row 4 (0-based), in the third chunk, outside the district
    points.append((TIANANMEN[0] + 0.01, TIANANMEN[1]))
    issues, sets = Issue.objects.count(), Receipt.objects.count()
    with pytest.raises(OutsideRows) as caught:
        import_batch(batch_of(world, points), BulkRouter())
    assert caught.value.rows == [4, 6]
    assert (Issue.objects.count(), Receipt.objects.count()) == (issues, sets)
    done = import_batch(batch_of(world, points), BulkRouter(), skip_outside=True)
    assert done.written.tolist() == [0, 1, 2, 3, 5]
    assert Issue.objects.count() == issues + 5
    assert done.routes.outside.tolist() == [False] * 4 + [True, False, True]
