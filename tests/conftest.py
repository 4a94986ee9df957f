"""Fixtures shared by the gridmgr tests (the worlds themselves live in tests/world.py)."""

from __future__ import annotations

import pytest

from tests.world import World, build_world


@pytest.fixture
def world(db: None) -> World:
    """The mini-district with a gap and an overlap, its plan active, no issues yet."""
    return build_world()
