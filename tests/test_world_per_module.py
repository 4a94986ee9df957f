"""A `world_per_module` module shares one build of the world, yet each test starts from it
unchanged: what a test writes is rolled back, what it changes on its handles is its own copy.
The two tests run in file order (--dist loadfile keeps a file on one worker)."""

from __future__ import annotations

import pytest

from gridmgr.models import Plan, Zone
from tests.world import World

pytestmark = pytest.mark.world_per_module
SEEN: dict[str, object] = {}


def test_a_test_changes_the_world(world: World) -> None:
    SEEN["plan"] = world.plan.pk
    world.overlap.delete()
    Plan.objects.filter(pk=world.plan.pk).update(name="改过的方案")
    world.plan.name = "改过的方案"


def test_the_next_test_gets_the_same_world_unchanged(world: World) -> None:
    assert world.plan.pk == SEEN.get("plan", world.plan.pk)  # the same build, not a new one
    assert Zone.objects.filter(pk=world.overlap.pk).exists()
    assert world.plan.name == "2026 网格方案"
    assert Plan.objects.get(pk=world.plan.pk).name == "2026 网格方案"
