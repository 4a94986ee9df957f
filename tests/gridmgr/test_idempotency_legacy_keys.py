"""Keys stored before idempotency keys were scoped are retired where no sender can reach them."""

from __future__ import annotations

import importlib

from django.db import connection

from gridmgr.casework.idempotency import Sender
from gridmgr.casework.loop import receive
from gridmgr.models import Issue
from tests.loop import spot
from tests.world import World

MIGRATION = importlib.import_module("gridmgr.migrations.0008_scoped_idempotency_keys")


def test_old_global_keys_are_retired_and_open311_keys_kept(world: World) -> None:
    rubbish = world.categories["rubbish"]
    api, squatted, open311 = (receive(*spot(world), rubbish).issue for _ in range(3))
    centre = Sender("api", "7")
    keys = {api.pk: "k-centre-1", squatted.pk: "api:7:k-1", open311.pk: "open311:5:x"}
    for pk, key in keys.items():
        Issue.objects.filter(pk=pk).update(idempotency_key=key)
    Issue.objects.filter(pk=open311.pk).update(source="open311")
    with connection.cursor() as cur:
        cur.execute(MIGRATION.RETIRE)
    stored = dict(Issue.objects.values_list("pk", "idempotency_key"))
    assert stored[api.pk] == f"legacy:{api.pk}:k-centre-1"
    assert stored[squatted.pk] == f"legacy:{squatted.pk}:api:7:k-1"
    assert stored[open311.pk] == "open311:5:x"
    # A key planted before the rule in user 7's namespace no longer answers user 7.
    mine = receive(*spot(world), rubbish, idempotency=centre.key("k-1"))
    assert mine.created and mine.issue.pk != squatted.pk
