"""The citizen form's limit per address holds under parallel posts and has no clock-hour window."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from gridmgr.models import Issue
from tests.loop import spot
from tests.world import World

LIMIT = 20


def filled_form(client: Client, world: World) -> dict[str, str]:
    """A complete report form, after showing the page (which gives the browser its session)."""
    assert client.get("/report/").status_code == 200
    lon, lat = spot(world)
    key = uuid.uuid4().hex
    rubbish = str(world.categories["rubbish"].pk)
    return {"key": key, "lon": f"{lon:.7f}", "lat": f"{lat:.7f}", "category": rubbish}


@pytest.mark.django_db(transaction=True)
def test_sixty_parallel_posts_from_one_address_open_exactly_the_limit(
    world: World, settings: Any
) -> None:
    settings.GRIDMGR_REPORT_LIMIT_PER_HOUR = LIMIT
    forms = []
    for _ in range(60):
        browser = Client(REMOTE_ADDR="203.0.113.7")
        forms.append((browser, filled_form(browser, world)))
    start = threading.Barrier(len(forms))
    codes: list[int] = []
    errors: list[BaseException] = []

    def post(browser: Client, form: dict[str, str]) -> None:
        try:  # each thread has its own database connection, as a gunicorn worker would
            start.wait()
            codes.append(browser.post("/report/", form).status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=pair) for pair in forms]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Issue.objects.count() == LIMIT
    assert sorted(codes) == [302] * LIMIT + [429] * (60 - LIMIT)


def test_the_allowance_refills_over_time_not_at_the_top_of_the_hour(
    client: Client, world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.GRIDMGR_REPORT_LIMIT_PER_HOUR = LIMIT
    clock = [timezone.make_aware(dt.datetime(2026, 3, 2, 10, 59, 30))]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])

    def post() -> int:
        return client.post("/report/", filled_form(Client(), world)).status_code

    assert [post() for _ in range(LIMIT)] == [302] * LIMIT
    assert post() == 429
    clock[0] += dt.timedelta(minutes=1)  # a new clock hour: no new allowance
    assert post() == 429
    clock[0] += dt.timedelta(minutes=2)  # 3 minutes since: one case's worth (60 min / 20)
    assert [post(), post()] == [302, 429]
    clock[0] += dt.timedelta(hours=1)  # a quiet hour refills the whole allowance, no more
    assert [post() for _ in range(LIMIT + 1)] == [302] * LIMIT + [429]
    assert Issue.objects.count() == 2 * LIMIT + 1
