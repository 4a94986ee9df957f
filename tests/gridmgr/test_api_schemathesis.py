"""Property-based run of every operation of the API's OpenAPI schema: no request makes a 5xx,
every status is documented and every response matches its documented schema.

Schemathesis loads the schema from the Django app itself at collection (in-process WSGI; the
schema needs no database), then sends generated requests, valid and invalid, as the command
centre's real account (tests/loop.py), in the test's database transaction, over the mini
district with issues, a draft plan with zones, an ownership and a station. Three path
parameters in four name one of those objects, so bodies and queries meet real data; the
fourth keeps the generated value (404s). (`schemathesis.pytest.from_fixture` would build the
world once for all operations, but schemathesis 4.32 uses `Node._nodeid`, gone in pytest 9.2.)
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from gridmgr.models import Ownership, Station
from tests.gridmgr.api_client import draft_with_zones, issue_in
from tests.loop import People
from tests.world import World

pytestmark = pytest.mark.slow

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


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
def real_ids(world: World, people: People, same_connection: None) -> dict[str, str]:
    """An object of each resource, by the path's resource name, in a world with data."""
    issue = issue_in(world, "S1")
    issue_in(world, "S3", "rubbish")
    plan, zone, _ = draft_with_zones(world)
    station = Station.objects.create(name="驻点", location=world.overlap.geom.point_on_surface)
    ownership = Ownership.objects.filter(zone__isnull=False).first()
    assert ownership is not None
    return {
        "regions": world.subs["S1"].code,
        "layers": str(world.grid.pk),
        "categories": str(world.categories["parking"].pk),
        "plans": str(plan.pk),
        "zones": str(zone.pk),
        "owners": str(world.owners["网格员S3"].pk),
        "ownerships": str(ownership.pk),
        "stations": str(station.pk),
        "issues": str(issue.pk),
    }


def aim_at_real_objects(case: schemathesis.Case, real_ids: dict[str, str]) -> None:
    """Point three cases in four at a real object (a checksum of the case picks which)."""
    if not case.path_parameters or zlib.crc32(repr(case.path_parameters).encode()) % 4 == 0:
        return
    resource = case.path.split("/")[2]
    for name in case.path_parameters:
        case.path_parameters[name] = real_ids[resource]


schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_request_as_documented(
    case: schemathesis.Case, people: People, real_ids: dict[str, str]
) -> None:
    aim_at_real_objects(case, real_ids)
    token = Token.objects.get_or_create(user=people.centre)[0].key
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
