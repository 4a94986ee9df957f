"""Two connections sending one key at the same moment open one case: the one function that
answers a taken key (casework.loop.receive, which every front calls) under a real race.

The first report's row is held uncommitted until the second connection is seen waiting on it in
PostgreSQL; then the first commits (or rolls back) and the second must come out with the
first's case (or, the first undone, with its own), never an error and never a twin.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection, transaction

from gridmgr.casework.idempotency import ScopedKey
from gridmgr.casework.loop import Received, receive
from gridmgr.models import Issue, Transition
from tests.loop import spot
from tests.waiting import until
from tests.world import World

KEY = ScopedKey("api:7:sent-twice")


class Undone(Exception):
    """Rolls the first report back after the second has queued behind it."""


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return bool(cur.fetchone()[0])


def race(world: World, first_commits: bool, second_in_transaction: bool) -> list[Received]:
    """The first sender's receipt, then the second's."""
    point, rubbish = spot(world), world.categories["rubbish"]
    inserted, release = threading.Event(), threading.Event()
    got: dict[str, Received] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:  # each thread has its own connection, as two gunicorn workers would
            with transaction.atomic():
                got["first"] = receive(*point, rubbish, idempotency=KEY)
                inserted.set()
                release.wait(60)
                if not first_commits:
                    raise Undone
        except Undone:
            pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            inserted.set()
            connection.close()

    def second() -> None:
        try:
            inserted.wait(60)
            guard = transaction.atomic() if second_in_transaction else contextlib.nullcontext()
            with guard:
                got["second"] = receive(*point, rubbish, idempotency=KEY)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    try:
        until(waiting_on_a_lock, "the second report to wait on the first's row")
    finally:
        release.set()
        for t in threads:
            t.join()
    assert errors == []
    return [got["first"], got["second"]]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_in_transaction", [False, True], ids=["api", "form"])
def test_the_second_of_two_simultaneous_reports_gets_the_firsts_case(
    world: World, second_in_transaction: bool
) -> None:
    first, second = race(world, first_commits=True, second_in_transaction=second_in_transaction)
    assert (first.created, second.created) == (True, False)
    assert second.issue.pk == first.issue.pk
    assert Issue.objects.filter(idempotency_key=KEY.stored).count() == 1
    assert Transition.objects.filter(issue=first.issue).count() == 1


@pytest.mark.django_db(transaction=True)
def test_when_the_first_report_is_undone_the_second_opens_the_case(world: World) -> None:
    first, second = race(world, first_commits=False, second_in_transaction=False)
    assert (first.created, second.created) == (True, True)
    assert list(Issue.objects.filter(idempotency_key=KEY.stored)) == [second.issue]
    assert Transition.objects.filter(issue=second.issue).count() == 1
