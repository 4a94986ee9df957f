"""What the navigation tests share: one login per role, named like the demo's accounts
(gridmgr/demo/accounts.py), acting for owners of the small world, and the top bar each
role must see.

In 朝阳门 (sector S3): bankuai leads the sector, guagou is its linked leader, zhudian the
stationed cadre of one of its grids, wanggeyuan the grid worker of all its grids; chengguan
handles 城管执法局's cases (市容环境, 暴露垃圾).
"""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.test import Client

from gridmgr.models import Account, AccountRole, Owner, Zone
from tests.world import World, full_cells, make_owner, own

PASSWORD = "nav-secret-1"

# The top bar of each login: its work list first, then the pages its role may open, in order.
TOP_BAR = {
    "zhongxin": ["overview", "map", "issues", "coverage", "editor", "scores", "api"],
    "bankuai": ["work", "overview", "map", "issues", "coverage", "editor", "scores", "api"],
    "guagou": ["overview", "map", "issues", "coverage", "scores", "api"],
    "zhudian": ["work", "map", "issues", "coverage", "scores", "api"],
    "wanggeyuan": ["work", "map", "issues", "coverage", "scores", "api"],
    "chengguan": ["work", "map", "issues", "coverage", "scores", "api"],
    "ducha": ["work", "overview", "map", "issues", "coverage", "scores", "api"],
    "lingdao": ["overview", "map", "issues", "coverage", "scores", "api"],
    "admin": ["overview", "map", "issues", "coverage", "editor", "scores", "api", "admin"],
}
OWN_OPEN = "/issues/?mine=1&status=open&sort=due"
# Where each login lands.
LANDING = {
    "zhongxin": "/overview/",
    "bankuai": OWN_OPEN,
    "guagou": "/scores/",
    "zhudian": OWN_OPEN,
    "wanggeyuan": OWN_OPEN,
    "chengguan": OWN_OPEN,
    "ducha": "/issues/?status=handled&sort=due",
    "lingdao": "/scores/",
    "admin": "/overview/",
}
# Every staff page of the top bar, by its key (gridmgr.pages.PAGES).
PAGE_URLS = {
    "overview": "/overview/",
    "map": "/map/",
    "issues": "/issues/",
    "coverage": "/coverage/",
    "editor": "/editor/",
    "scores": "/scores/",
    "api": "/api/docs/",
    "admin": "/admin/",
}
TOP_BAR_LINK = re.compile(r'<a href="([^"]+)" data-page="([a-z]+)"')


def make_logins(world: World) -> dict[str, User]:
    """One user per role (and a superuser, 'admin'), all with PASSWORD."""
    sector = Zone.objects.active().get(layer=world.sector, code="S3")
    linked = make_owner("挂钩领导S3")
    own(linked, "linked_leader", zone=sector)
    cadre = make_owner("驻点干部S3")
    own(cadre, "stationed_cadre", zone=full_cells(world.subs["S3"], world.grid)[0])
    acting: dict[str, tuple[str, Owner | None]] = {
        "zhongxin": (AccountRole.COMMAND_CENTRE, world.owners["district"]),
        "bankuai": (AccountRole.SECTOR_LEAD, world.owners["板块长S3"]),
        "guagou": (AccountRole.LINKED_LEADER, linked),
        "zhudian": (AccountRole.STATIONED_CADRE, cadre),
        "wanggeyuan": (AccountRole.GRID_WORKER, world.owners["网格员S3"]),
        "chengguan": (AccountRole.DEPARTMENT, world.owners["城管"]),
        "ducha": (AccountRole.INSPECTOR, None),
        "lingdao": (AccountRole.VIEWER, None),
    }
    users = {}
    for name, (role, owner) in acting.items():
        users[name] = User.objects.create_user(name, password=PASSWORD)
        Account.objects.create(user=users[name], role=role, owner=owner)
    users["admin"] = User.objects.create_superuser("admin", password=PASSWORD)
    return users


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def top_bar(html: str) -> list[tuple[str, str]]:
    """The (key, address) of each entry of a page's top bar."""
    bar = html.split('<nav class="top"', 1)[1].split("</nav>", 1)[0]
    return [(key, url.replace("&amp;", "&")) for url, key in TOP_BAR_LINK.findall(bar)]
