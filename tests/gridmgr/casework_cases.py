"""What the case-work page tests share: logged-in clients and a few cases around the world.

`cases(world)` reports, through the services:
- s3_rubbish: 暴露垃圾 in 朝阳门 (S3, grid worker 网格员S3, department 城管) on Monday 2 March 2026;
- s3_parking: 违章停车 in 朝阳门 (department 交警) on Tuesday 3 March 2026;
- s1_rubbish: 暴露垃圾 in 景山 (S1, 网格员S1) on Wednesday 4 March 2026;
- blind: 暴露垃圾 in the gap of 东四 (S2): a blind spot, on Thursday 5 March 2026.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.test import Client

from gridmgr.casework.loop import receive
from gridmgr.models import Issue
from tests.loop import at, spot
from tests.world import World, full_cells


@dataclass
class Cases:
    s3_rubbish: Issue
    s3_parking: Issue
    s1_rubbish: Issue
    blind: Issue


def cases(world: World) -> Cases:
    rubbish, parking = world.categories["rubbish"], world.categories["parking"]
    s1 = world.inside(full_cells(world.subs["S1"], world.grid)[0])
    return Cases(
        s3_rubbish=receive(*spot(world, 0), rubbish, now=at(2026, 3, 2, 9)).issue,
        s3_parking=receive(*spot(world, 1), parking, now=at(2026, 3, 3, 9)).issue,
        s1_rubbish=receive(*s1, rubbish, now=at(2026, 3, 4, 9)).issue,
        blind=receive(*world.gap_centre(), rubbish, now=at(2026, 3, 5, 9)).issue,
    )


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def offered(page: str) -> list[str]:
    """The actions whose forms a case sheet shows."""
    return re.findall(r'data-action="(\w+)"', page)


def grid_code(issue: Issue) -> str:
    """The code of the unit grid an issue was routed to."""
    assert issue.zone is not None
    return issue.zone.code


def number(issue: Issue) -> str:
    assert issue.tracking_number is not None
    return issue.tracking_number


def detail(issue: Issue) -> str:
    return f"/issues/{issue.pk}/"
