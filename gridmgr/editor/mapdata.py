"""What the zone editor draws: a plan's zones of one layer in the view, at full precision (so
that snapped vertices are the stored ones), each with its version, owners and an `editable`
flag that mirrors zone_edits.may_edit; and the page's configuration.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from gridmgr.access import is_centre, owned_zone_ids
from gridmgr.i18n import local, local_label
from gridmgr.models import Account, AccountRole, Layer, Plan, Region, Zone
from gridmgr.models.owners import Role, current_sql
from gridmgr.viewport.view import BBox, min_zoom

# ST_AsGeoJSON with 15 decimals gives back every stored double exactly (lon/lat below 1000).
_DIGITS = 15

# `editable`: everything for 'all', nothing for 'none'; for 'sector', as zone_edits decides for
# a sector lead: the zone lies in its sector up to GRIDMGR_SLIVER_M2 of drawing noise.
_FEATURES_SQL = f"""
WITH sector AS (SELECT ST_Union(geom) AS g FROM gridmgr_zone WHERE id = ANY(%(roots)s)),
picked AS (
  SELECT z.id, z.code, z.name, z.version, z.area_m2, z.geom FROM gridmgr_zone z
  WHERE z.layer_id = %(layer)s AND {{which}}
    AND z.geom && ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326)
  ORDER BY z.code LIMIT %(limit)s
)
SELECT coalesce(json_agg(json_build_object(
  'type', 'Feature', 'id', p.id,
  'geometry', ST_AsGeoJSON(p.geom, %(digits)s)::json,
  'properties', json_build_object(
    'code', p.code, 'name', p.name, 'version', p.version, 'area_m2', round(p.area_m2::numeric, 1),
    'centre', json_build_array(ST_X(c.pt), ST_Y(c.pt)),
    'editable', CASE %(mode)s WHEN 'all' THEN true WHEN 'none' THEN false
      ELSE coalesce(ST_CoveredBy(p.geom, s.g)
        OR ST_Area(ST_Difference(p.geom, s.g)::geography) <= %(sliver)s, false) END,
    'owners', (SELECT coalesce(json_agg(json_build_object(
        'id', ow.id, 'name', ow.name, 'role', w.role, 'valid_from', w.valid_from)
        ORDER BY w.role, ow.name), '[]'::json)
      FROM gridmgr_ownership w JOIN gridmgr_owner ow ON ow.id = w.owner_id
      WHERE w.zone_id = p.id AND {current_sql("w")})
  )) ORDER BY p.code), '[]'::json)::text
FROM picked p CROSS JOIN sector s CROSS JOIN LATERAL (SELECT ST_PointOnSurface(p.geom) AS pt) c
"""


def sector_roots(account: Account) -> list[int]:
    """The top zones of what a sector lead owns: its sector, as zone_edits measures it."""
    owned = owned_zone_ids(account)
    return list(
        Zone.objects.filter(id__in=owned).exclude(parent_id__in=owned).values_list("id", flat=True)
    )


def edit_mode(account: Account | None, plan: Plan, of_plan: bool) -> str:
    """'all', 'sector' or 'none': what the account may edit among these zones."""
    if not of_plan or plan.status != Plan.Status.DRAFT:
        return "none"
    if is_centre(account):
        return "all"
    if account is not None and account.role == AccountRole.SECTOR_LEAD:
        return "sector"
    return "none"


def zones_geojson(
    account: Account | None, plan: Plan, layer: Layer, bbox: BBox, zoom: int | None = None
) -> str:
    """The plan's zones of the layer in the view (the active ones, read-only, if it has none).

    As on the map page, a crowded unit-grid layer waits for GRIDMGR_MAP_UNIT_GRID_MIN_ZOOM.
    """
    of_plan = Zone.objects.filter(plan=plan, layer=layer).exists()
    which = "z.plan_id = %(plan)s" if of_plan else "z.active"
    mode = edit_mode(account, plan, of_plan)
    cap = int(settings.GRIDMGR_MAP_MAX_FEATURES)
    params: dict[str, Any] = {
        "layer": layer.pk,
        "plan": plan.pk,
        "limit": cap,
        "digits": _DIGITS,
        "mode": mode,
        "roots": sector_roots(account) if mode == "sector" and account else [],
        "sliver": float(settings.GRIDMGR_SLIVER_M2),
        "day": timezone.localdate(),
        **bbox.params(),
    }
    meta: dict[str, Any] = {"layer": layer.pk, "plan": plan.pk, "of_plan": of_plan, "mode": mode}
    zones = Zone.objects.filter(layer=layer, **({"plan": plan} if of_plan else {"active": True}))
    count = zones.filter(geom__bboverlaps=bbox.polygon()).order_by()[: cap + 1].count()
    crowded = count >= int(settings.GRIDMGR_MAP_SPARSE_FEATURES)
    if count > cap or (zoom is not None and zoom < min_zoom(layer) and crowded):
        meta.update(too_many=count, min_zoom=min_zoom(layer), count=0)
        return _collection("[]", meta)
    # Raw SQL: PostgreSQL builds the GeoJSON, owners and sector test included, in one statement.
    with connection.cursor() as cur:
        cur.execute(_FEATURES_SQL.format(which=which), params)
        features = cur.fetchone()[0]
    meta["count"] = count
    return _collection(features, meta)


def _collection(features: str, meta: dict[str, Any]) -> str:
    return f'{{"type":"FeatureCollection","meta":{json.dumps(meta)},"features":{features}}}'


def _layer(layer: Layer) -> dict[str, Any]:
    return {
        "id": layer.pk,
        "name": layer.name,
        "name_en": layer.name_en,
        "owner_role": layer.owner_role,
        "is_unit_grid": layer.is_unit_grid,
        "parent": layer.parent_id,
    }


def _bounds() -> list[float] | None:
    district = Region.objects.district()
    return list(district.boundary.extent) if district is not None else None


# Why a user may start no draft, or may not edit what the editor shows: (zh, en).
NO_DRAFT_LEAD = (
    "只有区网格化管理中心可以新建草稿方案。管理中心新建草稿后，您可以在其中修改本板块的区域。",
    "Only the command centre may start a draft plan. Once it has, you can edit your sector's "
    "zones in that draft.",
)
NO_DRAFT_OTHER = (
    "只有区网格化管理中心可以新建草稿方案；您的账号只能查看区域。",
    "Only the command centre may start a draft plan; your account may only view zones.",
)
READ_ONLY_PLAN = ("该方案不是草稿：只读", "This plan is not a draft: read only")
READ_ONLY_LAYER = (
    "该草稿不含此图层的区域：显示的是生效区域，只读",
    "This draft holds no zones of this layer: the active zones are shown, read only",
)
READ_ONLY_ROLE = (
    "您的账号只能查看区域：修改区域需要管理中心或板块负责人账号",
    "Your account may only view zones: editing needs a command centre or sector lead account",
)


def why_no_draft(account: Account | None) -> str:
    """Why the account may start no draft ("" when it may), in the active language."""
    if is_centre(account):
        return ""
    lead = account is not None and account.role == AccountRole.SECTOR_LEAD
    return local(*(NO_DRAFT_LEAD if lead else NO_DRAFT_OTHER))


def read_only_reason(account: Account | None, plan: Plan, layer: Layer) -> str:
    """Why the editor shows the plan's layer read-only ("" when the account may edit it)."""
    of_plan = Zone.objects.filter(plan=plan, layer=layer).exists()
    if edit_mode(account, plan, of_plan) != "none":
        return ""
    if plan.status != Plan.Status.DRAFT:
        return local(*READ_ONLY_PLAN)
    return local(*(READ_ONLY_LAYER if not of_plan else READ_ONLY_ROLE))


def page_config(
    account: Account | None, plan: Plan | None, layer: Layer | None, focus: BBox | None = None
) -> dict[str, Any]:
    """What the editor page needs to start: the plan, its layers, the drafts, the roles."""
    layers = list(Layer.objects.all())
    drafts = Plan.objects.filter(status=Plan.Status.DRAFT).annotate(n=Count("zones"))
    config: dict[str, Any] = {
        "plan": None,
        "layer": _layer(layer) if layer is not None else None,
        "layers": [_layer(la) for la in layers],
        "drafts": [{"id": p.pk, "name": p.name, "zones": p.n} for p in drafts.order_by("name")],
        "roles": [{"value": v, "label": local_label(label)} for v, label in Role.choices],
        "today": timezone.localdate().isoformat(),
        "bounds": _bounds(),
        "is_centre": is_centre(account),
        "role": account.role if account is not None else None,
        "why_no_draft": why_no_draft(account),
        "read_only": read_only_reason(account, plan, layer) if plan and layer else "",
        "focus": [focus.minx, focus.miny, focus.maxx, focus.maxy] if focus else None,
    }
    if plan is not None:
        used = set(plan.zones.order_by().values_list("layer_id", flat=True).distinct())
        config["plan"] = {
            "id": plan.pk,
            "name": plan.name,
            "status": plan.status,
            "status_label": local_label(plan.get_status_display()),
            "layers": sorted(used),
        }
    return config


def default_layer(plan: Plan) -> Layer | None:
    """The layer to edit first: the plan's lowest (most detailed) one."""
    return (
        Layer.objects.filter(zones__plan=plan).distinct().order_by("-rank", "name").first()
        or Layer.objects.order_by("-rank").first()
    )
