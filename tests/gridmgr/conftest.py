"""Fixtures of the zone-editor tests (tests/gridmgr/test_editor_*.py).

A test module that means something else by `draft` (test_api_zones, test_cmd_activate_plan)
defines its own, which takes precedence there.
"""

from __future__ import annotations

import pytest

from gridmgr.models import Plan
from tests.gridmgr.editor_cases import Editors, grid_draft, make_editors
from tests.world import World


@pytest.fixture
def editors(world: World) -> Editors:
    """The command centre, the sector lead of S3 and a grid worker of S3 (editor_cases)."""
    return make_editors(world)


@pytest.fixture
def draft(world: World, editors: Editors) -> Plan:
    """A draft holding copies of the active unit grids and their owners."""
    return grid_draft(world, editors)
