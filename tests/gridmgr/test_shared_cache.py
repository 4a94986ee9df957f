"""The coverage analyses are cached in the database, shared by every worker, computed once."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from django.db import connection

from gridmgr.coverage.cache import computed_once, layer_key
from gridmgr.maps import data as mapdata
from gridmgr.models import Zone
from tests.gridmgr.coverage_page_client import fresh_cache
from tests.waiting import until
from tests.world import World


def waiting_for_a_lock() -> int:
    """Sessions of this test database blocked on an advisory lock."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return int(cur.fetchone()[0])


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures(fresh_cache.__name__)
def test_concurrent_misses_compute_once_and_share_the_result() -> None:
    calls: list[int] = []
    answers: list[list[int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def slow() -> list[int]:
        calls.append(1)
        # Computes only once the three other threads have missed too and wait for the lock.
        until(lambda: waiting_for_a_lock() >= 3, "the other threads to wait for the lock", 30)
        return [42]

    def worker() -> None:
        try:  # each thread has its own database connection, as a gunicorn worker would
            start.wait(30)
            answers.append(computed_once("gridmgr:test:once", list, slow, 60))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert calls == [1]
    assert answers == [[42]] * 4
    with connection.cursor() as cur:  # the value lives in the database cache's table
        cur.execute("SELECT count(*) FROM gridmgr_cache")
        assert cur.fetchone()[0] == 1


@pytest.mark.django_db
def test_the_map_coverage_key_changes_when_a_zone_is_edited(world: World) -> None:
    before = layer_key("gridmgr:map:coverage:", world.grid)
    assert layer_key("gridmgr:map:coverage:", world.grid) == before
    zone = Zone.objects.filter(layer=world.grid, active=True).first()
    assert zone is not None
    zone.name += "（改）"
    zone.save()
    assert layer_key("gridmgr:map:coverage:", world.grid) != before


@pytest.mark.django_db
@pytest.mark.usefixtures(fresh_cache.__name__)
def test_the_map_reads_its_coverage_from_the_cache(world: World) -> None:
    first = mapdata.layer_coverage(world.grid)
    key = layer_key("gridmgr:map:coverage:", world.grid)
    assert isinstance(cache.get(key), mapdata.LayerCoverageMap)
    assert mapdata.layer_coverage(world.grid).features == first.features
