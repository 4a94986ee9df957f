"""One demo login per role, each acting as a real owner of the demo district."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from gridmgr.models import Account, AccountRole, Owner, Ownership, Zone


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    owner: str
    note: str


def _zone_owner(role: str, zone: Zone | None) -> Owner | None:
    if zone is None:
        return None
    found = Ownership.objects.current().filter(zone=zone, role=role).select_related("owner")
    first = found.first()
    return first.owner if first else None


def _busiest_grid() -> Zone | None:
    """The owned unit grid with the most issues, so the grid worker has work to see."""
    return (
        Zone.objects.active()
        .filter(layer__is_unit_grid=True, ownerships__role="grid_worker")
        .annotate(n=Count("routing", filter=Q(routing__issue__status="reported")))
        .order_by("-n", "code")
        .first()
    )


def _picks() -> list[tuple[str, str, Owner | None, str]]:
    grid = _busiest_grid()
    package = grid.parent if grid else None
    sector = package.parent if package else None
    department = Owner.objects.filter(kind="department", name__contains="综合行政执法").first()
    centre = Owner.objects.filter(kind="department", name__contains="网格化管理中心").first()
    return [
        ("zhongxin", AccountRole.COMMAND_CENTRE, centre, "区网格化管理中心 / command centre"),
        ("bankuai", AccountRole.SECTOR_LEAD, _zone_owner("sector_lead", sector), f"{sector}"),
        ("guagou", AccountRole.LINKED_LEADER, _zone_owner("linked_leader", sector), f"{sector}"),
        (
            "zhudian",
            AccountRole.STATIONED_CADRE,
            _zone_owner("stationed_cadre", package),
            f"{package}",
        ),
        ("wanggeyuan", AccountRole.GRID_WORKER, _zone_owner("grid_worker", grid), f"{grid}"),
        ("chengguan", AccountRole.DEPARTMENT, department, f"{department}"),
        ("ducha", AccountRole.INSPECTOR, None, "督查 / inspector"),
        ("lingdao", AccountRole.VIEWER, None, "领导查看 / viewer"),
    ]


def ensure_demo_accounts(password: str) -> list[DemoAccount]:
    """Create (or reset) one login per role; returns what was made."""
    users = get_user_model().objects
    made = []
    for username, role, owner, note in _picks():
        user, _ = users.get_or_create(username=username)
        user.is_active = True
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        Account.objects.update_or_create(user=user, defaults={"role": role, "owner": owner})
        made.append(DemoAccount(username, role, owner.name if owner else "—", note))
    return made
