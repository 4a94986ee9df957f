"""Property-based run of every operation of the OpenAPI schema: no input makes a 5xx.

Schemathesis loads the schema from the Django app itself at collection (in-process WSGI; the
schema needs no database), then sends generated requests, valid and invalid, as the centre,
in the test's database transaction. (`schemathesis.pytest.from_fixture` would build the world
once for all operations, but schemathesis 4.32 uses `Node._nodeid`, gone in pytest 9.2.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from gridmgr.models import Account, AccountRole, Station
from tests.gridmgr.api_client import draft_with_zones, issue_in, login
from tests.world import World

pytestmark = pytest.mark.slow


@pytest.fixture
def same_connection() -> Iterator[None]:
    """Keep the test's connection (and transaction) open across WSGI calls, as Django's
    test client does: the request signals would close it otherwise."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def centre_token(world: World, same_connection: None) -> str:
    """The centre's token, in a world with issues, a draft plan and a station to find."""
    login("zhongxin", AccountRole.COMMAND_CENTRE, world.owners["district"])
    issue_in(world, "S1")
    issue_in(world, "S3", "rubbish")
    draft_with_zones(world)
    Station.objects.create(name="驻点", location=world.overlap.geom.point_on_surface)
    return str(Account.objects.get(user__username="zhongxin").user.auth_token.key)


schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_makes_a_server_error(case: schemathesis.Case, centre_token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Token {centre_token}"}, checks=[not_a_server_error]
    )
