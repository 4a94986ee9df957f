"""The zone editor's use cases: a draft copied from the active plan, new zones with fresh codes,
and cut, split and merge computed with shapely. Every change of an existing zone goes through
gridmgr.territory.zone_edits, which checks the editor's rights and the zone's version.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import shapely
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.gis.db.models.functions import GeometryDistance
from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from shapely.geometry import LineString, MultiLineString, MultiPolygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import split

from geodata.grid import make_codes
from geodata.validate import polygonal
from gridmgr.access import account_of, is_centre
from gridmgr.errors import GridError, PlanError
from gridmgr.models import Account, AccountRole, GridCode, Layer, Ownership, Plan, Region, Zone
from gridmgr.models.owners import unended_sql
from gridmgr.territory.extent import require_in_district
from gridmgr.territory.grids import code12, covering_parents, next_sequence
from gridmgr.territory.imports import to_geos
from gridmgr.territory.zone_edits import (
    ZoneAccessError,
    ZoneConflictError,
    change_zone,
    create_zone,
    delete_zone,
)

# Attempts at issuing a fresh unit-grid code when another editor takes the same one meanwhile.
_CODE_TRIES = 20
ZONE_LABEL = ("区域范围", "zone boundary")

_COPY_ZONES_SQL = """
INSERT INTO gridmgr_zone
  (plan_id, layer_id, code, name, parent_id, region_id, geom, area_m2, active, version, updated_at)
SELECT %(plan)s, z.layer_id, z.code, z.name, z.parent_id, z.region_id, z.geom, z.area_m2,
  false, 1, %(now)s
FROM gridmgr_zone z WHERE z.active AND z.layer_id = ANY(%(layers)s)
"""

# A copied zone whose parent was copied too points at the parent's copy (same layer and code).
_RELINK_PARENTS_SQL = """
UPDATE gridmgr_zone c SET parent_id = np.id
FROM gridmgr_zone op, gridmgr_zone np
WHERE c.plan_id = %(plan)s AND op.id = c.parent_id
  AND np.plan_id = %(plan)s AND np.layer_id = op.layer_id AND np.code = op.code
"""

_COPY_OWNERSHIPS_SQL = f"""
INSERT INTO gridmgr_ownership (owner_id, zone_id, region_id, role, valid_from, valid_to)
SELECT o.owner_id, n.id, NULL, o.role, o.valid_from, o.valid_to
FROM gridmgr_ownership o
JOIN gridmgr_zone z ON z.id = o.zone_id AND z.active AND z.layer_id = ANY(%(layers)s)
JOIN gridmgr_zone n ON n.plan_id = %(plan)s AND n.layer_id = z.layer_id AND n.code = z.code
WHERE {unended_sql("o")}
"""


class EditorError(GridError):
    """An editor operation that cannot be done as asked (a line that does not split, …)."""


def draft_from_active(
    name: str, layers: Sequence[Layer], user: AbstractBaseUser | AnonymousUser | None
) -> Plan:
    """A new draft plan holding copies of the active zones of the layers and their owners."""
    if not is_centre(account_of(user)):
        raise ZoneAccessError(
            "只有区网格化管理中心可以新建草稿方案", "only the command centre may start a draft plan"
        )
    name = name.strip()
    if not name or not layers:
        raise PlanError("请填写方案名称并选择图层", "give the plan a name and choose its layers")
    if Plan.objects.filter(name=name).exists():
        raise PlanError(f"方案名称“{name}”已被使用", f"a plan named '{name}' already exists")
    layer_ids = sorted({layer.pk for layer in layers})
    params: dict[str, Any] = {"layers": layer_ids, "now": timezone.now()}
    params["day"] = timezone.localdate()
    who = user.get_username() if user is not None else ""
    with transaction.atomic():
        plan = Plan.objects.create(
            name=name, note=f"基于生效方案复制 / copied from the active plan by {who}"
        )
        params["plan"] = plan.pk
        # Raw SQL: INSERT … SELECT copies zones and owners inside PostgreSQL, one statement each.
        with connection.cursor() as cur:
            cur.execute(_COPY_ZONES_SQL, params)
            if cur.rowcount == 0:
                raise PlanError(
                    "所选图层没有生效的区域可复制", "the chosen layers have no active zones to copy"
                )
            cur.execute(_RELINK_PARENTS_SQL, params)
            cur.execute(_COPY_OWNERSHIPS_SQL, params)
    return plan


def draft_to_fix(user: AbstractBaseUser | AnonymousUser | None, layer: Layer) -> Plan | None:
    """The draft in which the user fixes a spot of `layer`: the newest draft holding the
    layer's zones, else (for the centre) a new copy of the active ones; None for a sector lead
    when there is no such draft, as only the centre starts drafts."""
    account = account_of(user)
    if not (is_centre(account) or (account and account.role == AccountRole.SECTOR_LEAD)):
        raise ZoneAccessError(
            "只有管理中心和板块负责人可以修改区域", "only the centre and sector leads edit zones"
        )
    drafts = Plan.objects.filter(status=Plan.Status.DRAFT, zones__layer=layer).distinct()
    found = drafts.order_by("-created_at", "-pk").first()
    if found is not None or not is_centre(account):
        return found
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    return draft_from_active(f"修复{layer.name} {stamp}", [layer], user)


def shape_of(zone: Zone) -> BaseGeometry:
    """A zone's geometry as shapely."""
    return shapely.from_wkb(bytes(zone.geom.wkb))


def _inner_point(geom: BaseGeometry) -> tuple[float, float]:
    p = geom.point_on_surface()
    return float(p.x), float(p.y)


def _grid_area_at(x: float, y: float) -> Region | None:
    """The deepest region below the district covering a point (where unit grids are numbered)."""
    regions = Region.objects.by_location(Point(x, y, srid=4326)).exclude(
        level=Region.Level.DISTRICT
    )
    return min(regions, key=lambda r: (-len(r.code), r.code), default=None)


def issue_grid_code(prefix12: str, plan: Plan) -> str:
    """Issue the next never-used unit-grid code under a 12-digit prefix (registered at once)."""
    scheme = str(settings.GRIDMGR_GRID_CODE_SCHEME)
    for _ in range(_CODE_TRIES):
        code = make_codes(prefix12, 1, scheme, start=next_sequence(prefix12))[0]
        try:
            with transaction.atomic():
                GridCode.objects.create(
                    code=code, prefix=code[:12], sequence=int(code[12:] or 0), first_plan=plan
                )
            return code
        except IntegrityError:
            continue  # another editor took it meanwhile: take the next one
    raise EditorError("无法分配新的网格编码，请重试", "could not issue a new grid code: try again")


def next_layer_code(layer: Layer, like: str) -> str:
    """The next code of a non-unit layer after the codes shaped like `like` (BK03 → BK07)."""
    found = re.fullmatch(r"(.*?)(\d+)", like)
    prefix, width = (found.group(1), len(found.group(2))) if found else (f"{like}-", 2)
    taken = Zone.objects.filter(layer=layer, code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(c[len(prefix) :]) for c in taken if c[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:0{width}d}"


def fresh_code(plan: Plan, layer: Layer, geom: BaseGeometry, like: str | None = None) -> str:
    """A code no zone of the layer has ever had: from the GridCode registry for unit grids."""
    x, y = _inner_point(geom)
    if layer.is_unit_grid:
        if like is not None and len(like) >= 12 and like[:12].isdigit():
            return issue_grid_code(like[:12], plan)
        area = _grid_area_at(x, y) or Region.objects.district()
        if area is None:
            raise EditorError("新区域不在任何行政区内", "the new zone lies in no region")
        return issue_grid_code(code12(area), plan)
    if like is None:
        nearest = (
            Zone.objects.filter(plan=plan, layer=layer)
            .annotate(d=GeometryDistance("geom", Point(x, y, srid=4326)))
            .order_by("d", "code")
            .values_list("code", flat=True)
            .first()
        )
        like = nearest or "Z00"
    return next_layer_code(layer, like)


def parent_for(plan: Plan, layer: Layer, geom: BaseGeometry) -> Zone | None:
    """The parent-layer zone (of the plan, else active) covering the zone's inner point."""
    if layer.parent_id is None:
        return None
    x, y = _inner_point(geom)
    return covering_parents(plan, layer.parent_id, Point(x, y, srid=4326)).first()


def default_name(layer: Layer, code: str, geom: BaseGeometry) -> str:
    """A unit grid is called '<region>NNN号网格' as generated grids are; other zones by code."""
    if layer.is_unit_grid:
        area = _grid_area_at(*_inner_point(geom))
        return f"{area.name if area else ''}{code[12:]}号网格"
    return f"{layer.name}{code}"


def as_area(geom: BaseGeometry) -> MultiPolygon:
    """A drawn geometry as a valid MultiPolygon in the district (refused with a bilingual
    message otherwise)."""
    area = polygonal(geom, ZONE_LABEL)[0]
    require_in_district(area, ZONE_LABEL)
    return area


@transaction.atomic
def draw_zone(
    account: Account | None, plan: Plan, layer: Layer, geom: BaseGeometry, name: str = ""
) -> Zone:
    """Add a drawn zone to a draft plan, with a fresh code and its parent zone."""
    area = as_area(geom)
    code = fresh_code(plan, layer, area)
    return create_zone(
        account,
        plan=plan,
        layer=layer,
        code=code,
        name=name.strip() or default_name(layer, code, area),
        geom=to_geos(area),
        parent=parent_for(plan, layer, area),
    )


@transaction.atomic
def cut_zone(
    account: Account | None, zone: Zone, version: int, cutter: BaseGeometry
) -> Zone | None:
    """Cut a polygon out of a draft zone; a zone cut away entirely is deleted (None)."""
    rest = shapely.difference(shape_of(zone), cutter)
    parts = [p for p in shapely.get_parts(rest) if p.geom_type == "Polygon" and p.area > 0]
    if not parts:
        delete_zone(account, zone, version)
        return None
    return change_zone(account, zone, version, geom=to_geos(as_area(MultiPolygon(parts))))


def split_pieces(geom: BaseGeometry, line: BaseGeometry) -> tuple[MultiPolygon, MultiPolygon]:
    """The two pieces a line cuts a zone into, the larger first."""
    if not isinstance(line, LineString | MultiLineString):
        raise EditorError("分割线须为折线", "the split line must be a line")
    pieces = [p for p in shapely.get_parts(split(geom, line)) if p.geom_type == "Polygon"]
    if len(pieces) != 2:
        raise EditorError(
            f"分割线须恰好把区域分成两块（现在是 {len(pieces)} 块）：请从区域外画到区域外",
            f"the line must cut the zone into exactly two pieces (it makes {len(pieces)}): "
            "draw it from outside the zone, across, to outside",
        )
    big, small = sorted(pieces, key=lambda p: (-p.area, p.centroid.x, p.centroid.y))
    return as_area(MultiPolygon([big])), as_area(MultiPolygon([small]))


@transaction.atomic
def split_zone(
    account: Account | None, zone: Zone, version: int, line: BaseGeometry
) -> tuple[Zone, Zone]:
    """Split a draft zone by a line: the larger piece keeps the code, the other gets a new one."""
    zone = Zone.objects.select_related("plan", "layer").get(pk=zone.pk)
    keep, other = split_pieces(shape_of(zone), line)
    kept = change_zone(account, zone, version, geom=to_geos(keep))
    code = fresh_code(zone.plan, zone.layer, other, like=zone.code)
    new = create_zone(
        account,
        plan=zone.plan,
        layer=zone.layer,
        code=code,
        name=default_name(zone.layer, code, other),
        geom=to_geos(other),
        parent=zone.parent,
    )
    # The new piece keeps the owners of the zone it was cut from: no blind spot appears.
    day = timezone.localdate()
    held = Ownership.objects.filter(zone=kept).unended(day)
    Ownership.objects.bulk_create(
        Ownership(
            owner_id=o.owner_id, zone=new, role=o.role, valid_from=o.valid_from, valid_to=o.valid_to
        )
        for o in held
    )
    return kept, new


def _check_version(zone: Zone, version: int) -> None:
    if zone.version != version:
        raise ZoneConflictError(
            f"区域“{zone.code}”已被他人修改（当前版本 {zone.version}，您提交的是 {version}），"
            "请刷新后重试",
            f"zone '{zone.code}' was changed by someone else (now version {zone.version}, "
            f"you sent {version}): reload and try again",
            zone.version,
        )


@transaction.atomic
def merge_zones(
    account: Account | None, keep: Zone, keep_version: int, other: Zone, other_version: int
) -> Zone:
    """Merge two adjacent zones of one draft plan and layer: `keep` keeps its code."""
    if keep.pk == other.pk:
        raise EditorError("请选择两个不同的区域", "choose two different zones")
    locked = {
        z.pk: z
        for z in Zone.objects.select_for_update(of=("self",))
        .select_related("plan", "layer")
        .filter(pk__in=[keep.pk, other.pk])
        .order_by("pk")
    }
    keep, other = locked[keep.pk], locked[other.pk]
    if (keep.plan_id, keep.layer_id) != (other.plan_id, other.layer_id):
        raise EditorError(
            "只能合并同一方案同一图层的区域", "only zones of the same plan and layer can be merged"
        )
    _check_version(keep, keep_version)
    _check_version(other, other_version)
    a, b = shape_of(keep), shape_of(other)
    merged = shapely.union(a, b)
    parts = len(shapely.get_parts(merged))
    if parts >= len(shapely.get_parts(a)) + len(shapely.get_parts(b)):
        raise EditorError(
            f"区域“{keep.code}”与“{other.code}”不相邻（须共用一段边界）",
            f"zones '{keep.code}' and '{other.code}' are not adjacent (they must share an edge)",
        )
    delete_zone(account, other, other_version)
    return change_zone(account, keep, keep_version, geom=to_geos(as_area(merged)))
