"""A large import builds the issue tables' secondary indexes at its end, and loses none."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from django.db import IntegrityError, connection, transaction

from gridmgr.errors import GridError
from gridmgr.models import Issue, Routing, Transition
from gridmgr.routing import issue_import
from gridmgr.routing.issue_import import IssueBatch, deferred_indexes, insert_batch, route_batch
from tests.world import World, full_cells

INDEXES_SQL = """
SELECT indexdef FROM pg_indexes WHERE tablename IN ('gridmgr_issue', 'gridmgr_routing')
ORDER BY indexdef
"""


def indexes() -> list[str]:
    with connection.cursor() as cur:
        cur.execute(INDEXES_SQL)
        return [row[0] for row in cur.fetchall()]


def batch_of(world: World, n: int, ids: list[str | None]) -> IssueBatch:
    parking = world.categories["parking"]
    lon, lat = world.inside(full_cells(world.subs["S3"], world.grid)[0])
    return IssueBatch(
        lon=np.full(n, lon),
        lat=np.full(n, lat),
        category_id=np.full(n, parking.pk, dtype=np.int64),
        department_id=np.full(n, parking.department_id, dtype=np.int64),
        external_id=ids,
    )


@pytest.fixture
def large_from_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(issue_import, "REBUILD_MIN_ROWS", 3)


@pytest.mark.usefixtures("large_from_3")
def test_large_import_ends_with_the_same_indexes_and_all_rows(world: World) -> None:
    before = indexes()
    batch = batch_of(world, 4, ["R1", "R2", None, None])
    ids = insert_batch(batch, route_batch(batch))
    assert indexes() == before
    assert Issue.objects.filter(pk__in=ids.tolist()).count() == 4
    assert Routing.objects.filter(issue_id__in=ids.tolist()).count() == 8
    assert Issue.objects.filter(external_id="R2").exists()


@pytest.mark.usefixtures("large_from_3")
def test_large_import_that_fails_keeps_the_indexes_and_writes_nothing(world: World) -> None:
    before = indexes()
    batch = batch_of(world, 4, ["R1", "R1", None, None])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_batch(batch, route_batch(batch))
    assert indexes() == before
    assert Issue.objects.count() == Routing.objects.count() == 0


def test_import_small_next_to_the_table_updates_indexes_row_by_row(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = batch_of(world, 3, [None, None, None])
    insert_batch(batch, route_batch(batch))
    with connection.cursor() as cur:
        cur.execute("ANALYZE gridmgr_issue")
    monkeypatch.setattr(issue_import, "REBUILD_MIN_ROWS", 1)
    with transaction.atomic(), deferred_indexes(1):
        assert any("location" in index for index in indexes())  # 1 row next to 3: kept
    with transaction.atomic(), deferred_indexes(3):
        assert not any("location" in index for index in indexes())
    assert any("location" in index for index in indexes())


def test_keep_indexes_leaves_them_in_place_for_readers(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(issue_import, "REBUILD_MIN_ROWS", 1)
    with transaction.atomic(), deferred_indexes(3, enabled=False):  # import_issues --keep-indexes
        assert any("location" in index for index in indexes())


@pytest.mark.django_db(transaction=True)
def test_a_large_import_gives_up_clearly_when_readers_hold_the_tables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(issue_import, "REBUILD_MIN_ROWS", 1)
    monkeypatch.setattr(issue_import, "REBUILD_LOCK_WAIT_S", 0.3)
    reading, done = threading.Event(), threading.Event()

    def reader() -> None:  # a page reading the issue list, in its own transaction
        try:
            with transaction.atomic():
                list(Issue.objects.all()[:1])
                reading.set()
                done.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        assert reading.wait(10)
        before = indexes()
        with (
            pytest.raises(GridError, match="keep-indexes") as refused,
            transaction.atomic(),
            deferred_indexes(3),
        ):
            pass
        assert "未写入任何数据" in str(refused.value)
        assert indexes() == before
    finally:
        done.set()
        thread.join()


FOREIGN_KEYS_SQL = """
SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated
FROM pg_constraint WHERE confrelid = 'gridmgr_issue'::regclass AND contype = 'f' ORDER BY 1, 2
"""


def foreign_keys() -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(FOREIGN_KEYS_SQL)
        return cur.fetchall()


@pytest.mark.usefixtures("large_from_3")
def test_large_import_puts_back_the_primary_key_and_the_keys_that_need_it(world: World) -> None:
    first = batch_of(world, 1, ["P0"])
    (old,) = insert_batch(first, route_batch(first)).tolist()
    step = Transition.objects.create(issue_id=old, action="report", to_status="reported")
    keys = foreign_keys()
    assert {k[0] for k in keys} >= {"gridmgr_transition", "gridmgr_photo", "gridmgr_notification"}
    batch = batch_of(world, 4, ["P1", "P2", None, None])
    with transaction.atomic(), deferred_indexes(4):
        assert foreign_keys() == []  # dropped for the import, with the primary key
        assert not any("pkey" in index for index in indexes())
        insert_batch(batch, route_batch(batch))
    assert foreign_keys() == keys  # back, and checked again (convalidated)
    assert any(index.startswith("CREATE UNIQUE INDEX gridmgr_issue_pkey") for index in indexes())
    step.refresh_from_db()
    # Enforced again: a step naming no issue is refused (checked at once here, not at commit).
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError), transaction.atomic():
        Transition.objects.create(issue_id=old + 10**9, action="report", to_status="reported")
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
