"""Give many zones of a draft plan one owner in one step (the editor's side-panel form).

Each zone is sent with the version the editor saw; one stale zone refuses the whole request,
so that two people assigning owners at once never overwrite each other silently. An owner
assignment counts as an edit: every zone's version goes up by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from gridmgr.editor.drafts import EditorError
from gridmgr.errors import NotFoundError, PlanError
from gridmgr.models import Account, Owner, Ownership, Plan, Zone
from gridmgr.models.owners import Role
from gridmgr.territory.zone_edits import ZoneAccessError, ZoneConflictError, may_edit


@dataclass(frozen=True)
class NewPerson:
    """A person to create as the owner: a name and a phone number."""

    name: str
    phone: str = ""


def _owner(owner: Owner | NewPerson) -> Owner:
    if isinstance(owner, Owner):
        return owner
    name, phone = owner.name.strip(), owner.phone.strip()
    if not name:
        raise EditorError("请填写责任人姓名", "give the new owner's name")
    return Owner.objects.create(kind=Owner.Kind.PERSON, name=name, phone=phone)


def _locked(versions: dict[int, int]) -> list[Zone]:
    zones = list(
        Zone.objects.select_for_update(of=("self",))
        .select_related("plan", "layer")
        .filter(pk__in=list(versions))
        .order_by("pk")
    )
    missing = set(versions) - {z.pk for z in zones}
    if missing:
        raise NotFoundError(
            f"区域 {sorted(missing)} 不存在（可能已被他人删除），请刷新",
            f"zones {sorted(missing)} do not exist (someone may have deleted them): reload",
        )
    return zones


def _check(account: Account | None, zones: list[Zone], versions: dict[int, int]) -> None:
    for zone in zones:
        if zone.plan.status != Plan.Status.DRAFT:
            raise PlanError(
                f"方案“{zone.plan.name}”不是草稿，不能在此指定责任人",
                f"plan '{zone.plan.name}' is not a draft: assign owners in a draft",
            )
        if not may_edit(account, zone):
            raise ZoneAccessError(
                f"无权为区域“{zone.code}”指定责任人：板块负责人只能编辑本板块内的区域",
                f"you may not assign an owner to zone '{zone.code}': "
                "a sector lead edits inside its own sector only",
            )
    stale = [z for z in zones if z.version != versions[z.pk]]
    if stale:
        codes = "、".join(z.code for z in stale)
        raise ZoneConflictError(
            f"区域 {codes} 已被他人修改，请刷新后重试",
            f"zones {', '.join(z.code for z in stale)} were changed by someone else: "
            "reload and try again",
            stale[0].version if len(stale) == 1 else None,
        )


@transaction.atomic
def assign_owner(
    account: Account | None,
    versions: dict[int, int],
    owner: Owner | NewPerson,
    role: str,
    valid_from: dt.date,
) -> tuple[Owner, list[Zone]]:
    """Make `owner` the `role` of every zone (id → version seen) from `valid_from` on."""
    if not versions:
        raise EditorError("请先选择区域", "select one or more zones first")
    if role not in Role.values:
        raise EditorError(f"未知的责任角色“{role}”", f"unknown owner role '{role}'")
    zones = _locked(versions)
    _check(account, zones, versions)
    person = _owner(owner)
    ids = [z.pk for z in zones]
    same_role = Ownership.objects.filter(zone_id__in=ids, role=role)
    # Earlier holders of the role hand over the day before; later-starting ones are replaced.
    same_role.filter(valid_from__gte=valid_from).delete()
    same_role.unended(valid_from).update(valid_to=valid_from - dt.timedelta(days=1))
    Ownership.objects.bulk_create(
        Ownership(owner=person, zone_id=i, role=role, valid_from=valid_from) for i in ids
    )
    Zone.objects.filter(pk__in=ids).update(version=F("version") + 1)
    return person, list(Zone.objects.filter(pk__in=ids).order_by("code"))


def zone_versions(pairs: Sequence[Sequence[int]]) -> dict[int, int]:
    """Read [[zone id, version], …] as a mapping (the request's shape)."""
    try:
        return {int(z): int(v) for z, v in pairs}
    except (TypeError, ValueError):
        raise EditorError(
            "区域列表格式应为 [[编号, 版本], …]", "zones must be a list of [id, version] pairs"
        ) from None
