"""What the REST API tests share: one named login per role in the mini-district, and calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gridmgr.casework.loop import receive
from gridmgr.models import Account, AccountRole, Issue, Owner, Plan, Zone
from tests.world import World, full_cells, square_zone


@dataclass
class Clients:
    """API clients, each signed in with a token as one person of the mini-district."""

    centre: APIClient
    lead_s1: APIClient  # sector lead of S1 景山
    worker_s3: APIClient  # grid worker of every cell of S3 朝阳门
    city: APIClient  # department 城管 (categories 01, 0101)
    traffic: APIClient  # department 交警 (category 0201)
    inspector: APIClient
    viewer: APIClient
    nobody: APIClient  # signed in, but without an account (no role)
    anonymous: APIClient


def login(username: str, role: str | None = None, owner: Owner | None = None) -> APIClient:
    """A client with the token of a new user playing `role` for `owner`."""
    user = User.objects.create(username=username)  # no password: tokens only, and fast
    if role is not None:
        Account.objects.create(user=user, role=role, owner=owner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def make_clients(world: World) -> Clients:
    o = world.owners
    return Clients(
        centre=login("zhongxin", AccountRole.COMMAND_CENTRE, o["district"]),
        lead_s1=login("bankuai1", AccountRole.SECTOR_LEAD, o["板块长S1"]),
        worker_s3=login("wangge3", AccountRole.GRID_WORKER, o["网格员S3"]),
        city=login("chengguan", AccountRole.DEPARTMENT, o["城管"]),
        traffic=login("jiaojing", AccountRole.DEPARTMENT, o["交警"]),
        inspector=login("ducha", AccountRole.INSPECTOR),
        viewer=login("lingdao", AccountRole.VIEWER),
        nobody=login("youke"),
        anonymous=APIClient(),
    )


def url(name: str, *args: Any) -> str:
    return reverse(f"api:{name}", args=args)


def report(client: APIClient, point: tuple[float, float], category: str, **extra: Any) -> Any:
    """POST a report at a WGS84 point; returns the response."""
    body = {"lon": point[0], "lat": point[1], "category": category, **extra}
    return client.post(url("issue-list"), body, format="json")


def cell(world: World, sector: str, index: int = 0) -> Zone:
    """A whole unit-grid cell of a sector (S1, S2, S3), in code order."""
    return full_cells(world.subs[sector], world.grid)[index]


def issue_in(world: World, sector: str, category: str = "parking", index: int = 0) -> Issue:
    """An issue reported (through the service) inside a cell of the sector."""
    point = world.inside(cell(world, sector, index))
    return receive(*point, world.categories[category])[0]


def draft_with_zones(world: World) -> tuple[Plan, Zone, Zone]:
    """A draft plan with a 100 m unit-grid square inside S1 and one inside S2."""
    plan = Plan.objects.create(name="2027 草稿")
    inside_s1 = square_zone(plan, world.grid, "D1", world.inside(cell(world, "S1", 5)), 100.0)
    inside_s2 = square_zone(plan, world.grid, "D2", world.inside(cell(world, "S2", 5)), 100.0)
    return plan, inside_s1, inside_s2


def square(lon: float, lat: float, half_deg: float = 0.0004) -> dict[str, Any]:
    """A GeoJSON Polygon: a small square around (lon, lat)."""
    x0, x1, y0, y1 = lon - half_deg, lon + half_deg, lat - half_deg, lat + half_deg
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}
