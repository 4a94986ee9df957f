"""Fixtures shared by the gridmgr tests (the worlds themselves live in tests/world.py)."""

from __future__ import annotations

import pytest

from gridmgr.models import Region
from tests.world import World, build_boston, build_world


@pytest.fixture
def world(db: None) -> World:
    """The mini-district with a gap and an overlap, its plan active, no issues yet."""
    return build_world()


@pytest.fixture
def boston(db: None) -> Region:
    """A Boston district (union of its neighbourhoods), no layers, zones nor plans."""
    return build_boston()
