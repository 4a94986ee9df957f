"""What the editor tests share: a draft copied from the world's active unit grid, named users,
and geometry helpers (lines across a cell, the neighbours of the gap)."""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from django.contrib.auth.models import User
from django.test import Client
from shapely.geometry import LineString, MultiPolygon, Polygon

from gridmgr.access import account_of
from gridmgr.editor.drafts import draft_from_active
from gridmgr.models import Account, AccountRole, Plan, Zone
from tests.world import World, full_cells, shape


@dataclass
class Editors:
    centre: User
    lead_s3: User  # sector lead of S3 朝阳门
    worker_s3: User


def make_editors(world: World) -> Editors:
    def user(name: str, role: str, owner_key: str | None) -> User:
        u = User.objects.create_user(name, password=f"{name}-secret-1")
        owner = world.owners[owner_key] if owner_key else None
        Account.objects.create(user=u, role=role, owner=owner)
        return u

    return Editors(
        centre=user("zhongxin", AccountRole.COMMAND_CENTRE, None),
        lead_s3=user("bankuai3", AccountRole.SECTOR_LEAD, "板块长S3"),
        worker_s3=user("wangge3", AccountRole.GRID_WORKER, "网格员S3"),
    )


def grid_draft(world: World, editors: Editors, name: str = "2027 草稿") -> Plan:
    """A draft holding copies of the active unit grids (and their owners)."""
    return draft_from_active(name, [world.grid], editors.centre)


def draft_cells(world: World, plan: Plan, sector: str) -> list[Zone]:
    """The whole 200 m cells of a sub-district in the draft, by code."""
    return full_cells(world.subs[sector], world.grid, plan)


def client_of(user: User) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def acting(user: User) -> Account | None:
    return account_of(user)


def across(zone: Zone, fraction: float = 0.5) -> LineString:
    """A north–south line crossing the zone at `fraction` of its width, from outside to outside."""
    minx, miny, maxx, maxy = shape(zone.geom).bounds
    x = minx + (maxx - minx) * fraction
    pad = (maxy - miny) * 0.2
    return LineString([(x, miny - pad), (x, maxy + pad)])


def neighbour(cells: list[Zone], zone: Zone) -> Zone:
    """A cell sharing an edge (not only a corner) with the zone."""
    outline = shape(zone.geom)
    for other in cells:
        if other.pk != zone.pk and shapely.intersection(outline, shape(other.geom)).length > 0:
            return other
    raise AssertionError(f"no neighbour of {zone.code}")


def as_multi(polygon: Polygon) -> MultiPolygon:
    return MultiPolygon([polygon])
