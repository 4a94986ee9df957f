"""Named users of each role in the small world, and helpers of the closed-loop tests.

`build_people(world)` (the `people` fixture of tests/conftest.py) adds, in 朝阳门 (sector S3):
- centre (区网格化管理中心), inspector (督查);
- worker: grid worker acting as 网格员S3, who owns every unit grid of 朝阳门;
- handler: department handler acting for 城管执法局 (市容环境, 暴露垃圾);
- lead: sector lead acting as 板块长S3;
- leader: 挂钩领导S3, an owner (no login) linked to sector S3, with an e-mail address.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from PIL import ExifTags, Image

from gridmgr.casework.loop import apply, receive
from gridmgr.models import Account, AccountRole, Category, Issue, Owner, Zone
from tests.world import World, full_cells, make_owner, own

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class People:
    centre: User
    worker: User
    handler: User
    inspector: User
    lead: User
    leader: Owner


def user(name: str, role: str, owner: Owner | None = None) -> User:
    account = User.objects.create_user(name, email=f"{name}@example.org")
    Account.objects.create(user=account, role=role, owner=owner)
    return account


def build_people(world: World) -> People:
    sector = Zone.objects.active().get(layer=world.sector, code="S3")
    leader = make_owner("挂钩领导S3")
    leader.email = "leader@example.org"
    leader.save()
    own(leader, "linked_leader", zone=sector)
    return People(
        centre=user("centre", AccountRole.COMMAND_CENTRE),
        worker=user("worker", AccountRole.GRID_WORKER, world.owners["网格员S3"]),
        handler=user("handler", AccountRole.DEPARTMENT, world.owners["城管"]),
        inspector=user("inspector", AccountRole.INSPECTOR),
        lead=user("lead", AccountRole.SECTOR_LEAD, world.owners["板块长S3"]),
        leader=leader,
    )


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A moment in Beijing time: at(2026, 3, 6, 16) is Friday 6 March 2026, 16:00."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def spot(world: World, k: int = 0) -> tuple[float, float]:
    """A point well inside the k-th whole unit grid of 朝阳门 (owned by 网格员S3)."""
    return world.inside(full_cells(world.subs["S3"], world.grid)[k])


def jpeg(colour: tuple[int, int, int] = (200, 30, 30), gps: bool = False) -> bytes:
    """A small real JPEG, optionally carrying a GPS position and a camera make in its EXIF."""
    exif = Image.Exif()
    if gps:
        exif[ExifTags.Base.Make] = "PhoneMaker"
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(
            {
                ExifTags.GPS.GPSLatitudeRef: "N",
                ExifTags.GPS.GPSLatitude: (39.0, 55.0, 12.0),
                ExifTags.GPS.GPSLongitudeRef: "E",
                ExifTags.GPS.GPSLongitude: (116.0, 25.0, 30.0),
            }
        )
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG", exif=exif)
    return out.getvalue()


def dispatched(
    world: World, people: People, when: dt.datetime, category: Category | None = None, k: int = 0
) -> Issue:
    """A case reported by the grid worker, registered and dispatched by the centre at `when`."""
    issue, _ = receive(
        *spot(world, k),
        category or world.categories["rubbish"],
        source="grid_worker",
        actor=people.worker,
        now=when,
    )
    apply(issue, "register", people.centre, now=when)
    apply(issue, "dispatch", people.centre, now=when)
    return issue
