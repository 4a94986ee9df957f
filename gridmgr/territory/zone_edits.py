"""Edit the zones of a draft plan: create, change (with optimistic locking) and delete.

Who may edit: the command centre everywhere; a sector lead only inside its own sector. For
active zones `access.may_edit_zone` decides; draft zones are in no one's ownership yet, so for
them a sector lead's right is spatial: the zone (before and after the edit) must lie inside the
union of the active zones it owns, up to GRIDMGR_SLIVER_M2 square metres of drawing noise.
"""

from __future__ import annotations

from typing import Any

import shapely
from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.db.models import ProtectedError

from geodata.measure import areas_m2
from gridmgr.access import may_edit_zone, owned_zone_ids
from gridmgr.errors import GridError, PlanError
from gridmgr.models import Account, AccountRole, Layer, Plan, Region, Zone
from gridmgr.territory.imports import register_codes

_OUTSIDE_SQL = """
SELECT ST_Area(ST_Difference(ST_GeomFromEWKB(%s), ST_Union(geom))::geography)
FROM gridmgr_zone WHERE id = ANY(%s)
"""


class ZoneAccessError(GridError):
    """A zone edit by someone who may not make it (outside their sector, wrong role)."""

    http_status = 403


class ZoneConflictError(GridError):
    """A zone edit that clashes with the stored state: a newer version, or rows that use it."""

    http_status = 409

    def __init__(self, zh: str, en: str, current_version: int | None = None) -> None:
        super().__init__(zh, en)
        self.current_version = current_version


class ZoneCodeError(GridError):
    """A zone code already used in the same plan and layer."""


def may_edit(account: Account | None, zone: Zone) -> bool:
    """Whether the account may edit the zone as it is (or is about to be) drawn and placed."""
    return _refusal(account, zone) is None


def _refusal(account: Account | None, zone: Zone) -> tuple[str, str] | None:
    """Why the account may not edit the zone (its outline, layer or parent), or None."""
    if not zone.active and account is not None and account.role == AccountRole.SECTOR_LEAD:
        return _sector_refusal(account, zone)
    return None if may_edit_zone(account, zone) else OUTSIDE_SECTOR


# A sector lead's scope is its sector: every write that places a draft zone (its outline, its
# layer, the zone it hangs under) is checked here, so no field can move a zone out of it.
OUTSIDE_SECTOR = (
    "板块负责人只能编辑本板块内的区域",
    "a sector lead edits inside its own sector only",
)


def _sector_refusal(account: Account, zone: Zone) -> tuple[str, str] | None:
    owned = owned_zone_ids(account)
    roots = list(
        Zone.objects.filter(id__in=owned)
        .exclude(parent_id__in=owned)
        .values_list("id", "layer__rank")
    )
    root_ids = [pk for pk, _ in roots]
    if not _inside(root_ids, zone):
        return OUTSIDE_SECTOR
    if zone.layer.rank < min(rank for _, rank in roots):
        return (
            f"板块负责人不能编辑“{zone.layer.name}”图层的区域：该图层在板块之上",
            f"a sector lead may not edit zones of layer '{zone.layer.name}', above its sector",
        )
    parent = zone.parent
    # An active parent must be one of the lead's zones; a draft one must lie in the sector.
    if (
        parent is not None
        and parent.pk not in owned
        and (parent.active or not _inside(root_ids, parent))
    ):
        return (
            f"上级区域“{parent.code}”不在您负责的板块内：区域只能挂在本板块的区域之下",
            f"parent zone '{parent.code}' is outside your sector: a zone may only hang "
            "under a zone of your own sector",
        )
    return None


def _inside(roots: list[int], zone: Zone) -> bool:
    """Whether the zone lies inside the union of the root zones, up to GRIDMGR_SLIVER_M2."""
    if not roots:
        return False
    # Raw SQL: the geodesic area (::geography) of a zone minus the union of the sector's zones.
    with connection.cursor() as cur:
        cur.execute(_OUTSIDE_SQL, [bytes(zone.geom.ewkb), roots])
        outside = cur.fetchone()[0]
    return outside is not None and outside <= float(settings.GRIDMGR_SLIVER_M2)


def _require_draft(plan: Plan) -> None:
    if plan.status != Plan.Status.DRAFT:
        raise PlanError(
            f"方案“{plan.name}”不是草稿，其区域不能修改",
            f"plan '{plan.name}' is not a draft: its zones cannot be edited",
        )


def _require_editor(account: Account | None, zone: Zone) -> None:
    refusal = _refusal(account, zone)
    if refusal is not None:
        zh, en = refusal
        raise ZoneAccessError(
            f"无权编辑区域“{zone.code}”：{zh}", f"you may not edit zone '{zone.code}': {en}"
        )


def _require_free_code(zone: Zone) -> None:
    taken = Zone.objects.filter(plan_id=zone.plan_id, layer_id=zone.layer_id, code=zone.code)
    if taken.exclude(pk=zone.pk).exists():
        raise ZoneCodeError(
            f"区域代码“{zone.code}”在本方案的该图层中已被使用",
            f"zone code '{zone.code}' is already used in this plan and layer",
        )


def _measure(zone: Zone) -> None:
    """Set the zone's area (m²) and its region: the deepest one covering its inner point."""
    shape = shapely.from_wkb(bytes(zone.geom.wkb))
    zone.area_m2 = float(areas_m2([shape])[0])
    inner = shape.point_on_surface()
    regions = Region.objects.by_location(Point(inner.x, inner.y, srid=4326))
    zone.region = min(regions, key=lambda r: (-len(r.code), r.code), default=None)


@transaction.atomic
def create_zone(
    account: Account | None,
    *,
    plan: Plan,
    layer: Layer,
    code: str,
    name: str,
    geom: Any,
    parent: Zone | None = None,
) -> Zone:
    """Add a zone to a draft plan."""
    _require_draft(plan)
    zone = Zone(plan=plan, layer=layer, code=code, name=name, geom=geom, parent=parent)
    _require_editor(account, zone)
    _require_free_code(zone)
    _measure(zone)
    zone.save()
    if layer.is_unit_grid:
        register_codes([code], plan)
    return zone


@transaction.atomic
def change_zone(account: Account | None, zone: Zone, version: int, **changes: Any) -> Zone:
    """Change a draft zone; refused when `version` is not the stored version."""
    zone = Zone.objects.select_for_update().select_related("plan", "layer").get(pk=zone.pk)
    _require_draft(zone.plan)
    _require_editor(account, zone)
    if zone.version != version:
        raise ZoneConflictError(
            f"区域“{zone.code}”已被他人修改（当前版本 {zone.version}，您提交的是 {version}），"
            "请刷新后重新编辑",
            f"zone '{zone.code}' was changed by someone else (now version {zone.version}, "
            f"you sent {version}): reload it and edit again",
            zone.version,
        )
    for name, value in changes.items():
        setattr(zone, name, value)
    _require_editor(account, zone)
    _require_free_code(zone)
    _measure(zone)
    zone.version += 1
    zone.save()
    if zone.layer.is_unit_grid:
        register_codes([zone.code], zone.plan)
    return zone


@transaction.atomic
def delete_zone(account: Account | None, zone: Zone, version: int | None = None) -> None:
    """Delete a draft zone (checking its version when one is given)."""
    zone = Zone.objects.select_for_update().select_related("plan").get(pk=zone.pk)
    _require_draft(zone.plan)
    _require_editor(account, zone)
    if version is not None and zone.version != version:
        raise ZoneConflictError(
            f"区域“{zone.code}”已被他人修改（当前版本 {zone.version}），请刷新后再删除",
            f"zone '{zone.code}' was changed by someone else (now version {zone.version}): "
            "reload it before deleting",
            zone.version,
        )
    try:
        with transaction.atomic():
            zone.delete()
    except ProtectedError:
        raise ZoneConflictError(
            f"区域“{zone.code}”仍被问题或分派记录引用，不能删除",
            f"zone '{zone.code}' is still referenced by issues or routings and cannot be deleted",
        ) from None
