"""One demo login per role, each acting as a real owner of the demo district."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count

from gridmgr.models import Account, AccountRole, Owner, Ownership, Routing, Zone


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    owner: str
    note: str


def _zone_owner(role: str, zone: Zone | None) -> Owner | None:
    if zone is None:
        return None
    return Ownership.objects.current().filter(zone=zone, role=role).holder()


def _busiest_grid() -> Zone | None:
    """The owned unit grid with the most issues, so the grid worker has work to see.

    All issues count, whatever their status: the pick is the same before and after the demo's
    history is written (load_demo makes the accounts first, demo_admin later finds the same).
    """
    owned = dict(
        Zone.objects.active()
        .filter(layer__is_unit_grid=True, ownerships__role="grid_worker")
        .values_list("pk", "code")
        .distinct()
    )
    if not owned:
        return None
    # Counted on the receipts (a hash join of issues and receipt sets), then picked here.
    counts = dict(
        Routing.objects.filter(zone_id__in=list(owned))
        .values("zone_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("zone_id", "n")
    )
    busiest = min(owned, key=lambda pk: (-counts.get(pk, 0), owned[pk]))
    return Zone.objects.get(pk=busiest)


def _department(name: str) -> Owner | None:
    return Owner.objects.filter(kind="department", name__contains=name).order_by("pk").first()


def _picks() -> list[tuple[str, str, Owner | None, str]]:
    grid = _busiest_grid()
    package = grid.parent if grid else None
    sector = package.parent if package else None
    department = _department("综合行政执法")
    centre = _department("网格化管理中心")
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
        # The other departments of the demo's focus categories, so that every demo case has a
        # real handler in its history (gridmgr/demo/history.py).
        ("chengguanwei", AccountRole.DEPARTMENT, _department("城市管理委员会"), "城管委"),
        ("jiaojing", AccountRole.DEPARTMENT, _department("交通支队"), "交警 / traffic police"),
        ("ducha", AccountRole.INSPECTOR, None, "督查 / inspector"),
        ("lingdao", AccountRole.VIEWER, None, "领导查看 / viewer"),
    ]


def ensure_demo_accounts(password: str | None) -> list[DemoAccount]:
    """Create (or reset) one login per role; returns what was made.

    With password None (load_demo, whose history needs real actors) new users get an unusable
    password and existing ones keep theirs: demo_admin gives them the demo password later. An
    account keeps the owner it already acts for, so the handlers named in the demo's history
    stay the owners they acted as, however often demo_admin runs.
    """
    users = get_user_model().objects
    made = []
    for username, role, picked, note in _picks():
        user, created = users.get_or_create(username=username)
        user.is_active = True
        if password is None:
            if created:
                user.set_unusable_password()
        elif not user.check_password(password):
            user.set_password(password)
        user.save()
        earlier = Account.objects.filter(user=user, role=role).select_related("owner").first()
        owner = earlier.owner if earlier is not None and earlier.owner is not None else picked
        Account.objects.update_or_create(user=user, defaults={"role": role, "owner": owner})
        made.append(DemoAccount(username, role, owner.name if owner else "—", note))
    return made
