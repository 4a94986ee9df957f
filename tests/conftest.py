"""Fixtures shared by the gridmgr tests (the worlds themselves live in tests/world.py)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from pytest_django.fixtures import Settings

from gridmgr.models import Region
from tests.loop import People, build_people
from tests.world import World, build_boston, build_world


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashes() -> Iterator[None]:
    """A cheap password hash in every test: the production hasher (PBKDF2) takes ~0.3 s a
    password on an idle core, paid by every test that makes a user with a password or tries a
    login; no test checks the hasher itself, and production keeps its settings."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Every test starts in the default language: a request in English leaves English active
    in the thread (the middleware activates, nothing deactivates), which a later test that
    renders an export directly would otherwise inherit."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="module")
def module_world(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[World | None]:
    """In a module marked `world_per_module`, the world built once, in a transaction rolled back
    when the module ends; each test runs in a savepoint inside it (pytest-django's `db`), so what
    a test changes is still undone before the next. None in other modules. Not for a module with
    live-server (transactional) tests, whose server would not see the uncommitted world, nor one
    with a test that expects an empty database."""
    if request.node.get_closest_marker("world_per_module") is None:
        yield None
        return
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(module_world: World | None, db: None) -> World:
    """The mini-district with a gap and an overlap, its plan active, no issues yet: built for the
    test, or in a `world_per_module` module a copy of the handles of the module's one build (model
    instances a test may change in memory), as Django's TestCase.setUpTestData gives each test."""
    if module_world is None:
        return build_world()
    return copy.deepcopy(module_world, {id(module_world.proj): module_world.proj})


@pytest.fixture
def boston(db: None) -> Region:
    """A Boston district (union of its neighbourhoods), no layers, zones nor plans."""
    return build_boston()


@pytest.fixture
def people(world: World) -> People:
    """Named users of each role in the world (tests/loop.py): centre, grid worker S3, 城管, …"""
    return build_people(world)


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
