"""Write the synthetic district into the bench database: regions, layers, zones, owners."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.utils import timezone
from numpy.typing import NDArray

from bench.db import copy_rows, execute
from bench.world import DISTRICT_CODE, Grid, World
from geodata.grid import make_codes
from geodata.measure import areas_m2
from gridmgr.models import Category, Layer, Owner, Ownership, Plan, PlanActivation, Region

SINCE = dt.date.today() - dt.timedelta(days=30)
# Leaf categories and their parents: parents carry the department, leaves inherit it.
CATEGORIES = {
    "01": ("市容环境", "City appearance", ["暴露垃圾", "乱堆物料", "道路不洁", "违规广告"]),
    "02": ("设施管理", "Public facilities", ["井盖缺损", "路灯不亮", "护栏损坏", "积水"]),
}


@dataclass
class Loaded:
    """Ids of what was written."""

    district: Region
    subdistricts: list[Region]
    layers: dict[str, Layer]
    plan: Plan
    categories: list[str]
    zone_ids: dict[str, NDArray[np.int64]] = field(default_factory=dict)


def _ewkb(geoms: NDArray[np.object_]) -> list[str]:
    return list(shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True))


def _next_ids(table: str, n: int) -> NDArray[np.int64]:
    """n fresh ids for a table, moving its identity sequence past them."""
    seq = execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])[0][0]
    first = execute("SELECT nextval(%s)", [seq])[0][0]
    execute("SELECT setval(%s, %s)", [seq, first + n])
    return np.arange(first, first + n, dtype=np.int64)


def _owners(prefix: str, n: int, kind: str = "person") -> NDArray[np.int64]:
    ids = _next_ids("gridmgr_owner", n)
    copy_rows(
        "gridmgr_owner",
        ["id", "kind", "name", "name_en", "organisation", "phone", "email"],
        ((int(i), kind, f"{prefix}{k + 1}", "", "", "", "") for k, i in enumerate(ids)),
    )
    return ids


def _ownerships(owners: NDArray, role: str, *, zones: NDArray) -> None:
    copy_rows(
        "gridmgr_ownership",
        ["role", "valid_from", "owner_id", "zone_id"],
        ((role, SINCE, int(o), int(z)) for o, z in zip(owners, zones, strict=True)),
    )


def _regions(world: World) -> tuple[Region, list[Region]]:
    area = areas_m2([world.district], world.proj)[0]
    from gridmgr.territory.imports import to_geos

    district = Region.objects.create(
        code=DISTRICT_CODE,
        name="基准区",
        name_en="Bench district",
        level=Region.Level.DISTRICT,
        boundary=to_geos(world.district),
        area_m2=float(area),
    )
    subs = []
    for k, (geom, a) in enumerate(
        zip(world.subdistricts, areas_m2(world.subdistricts, world.proj), strict=True)
    ):
        subs.append(
            Region.objects.create(
                code=f"{DISTRICT_CODE}{k + 1:03d}",
                name=f"第{k + 1}街道",
                name_en=f"Sub-district {k + 1}",
                level=Region.Level.SUBDISTRICT,
                parent=district,
                boundary=to_geos(geom),
                area_m2=float(a),
            )
        )
    people = _owners("属地责任人", len(subs) + 1)
    for owner, region in zip(people, [district, *subs], strict=True):
        Ownership.objects.create(
            owner_id=int(owner), region=region, role="territorial", valid_from=SINCE
        )
    return district, subs


def _categories() -> list[str]:
    leaves = []
    for code, (name, name_en, children) in CATEGORIES.items():
        dept = Owner.objects.create(kind="department", name=f"{name}部门", name_en=name_en)
        parent = Category.objects.create(
            code=code, kind="event", name=name, name_en=name_en, department=dept
        )
        for k, child in enumerate(children):
            leaf = Category.objects.create(
                code=f"{code}{k + 1:02d}", kind="event", parent=parent, name=child, name_en=child
            )
            leaves.append(leaf.code)
    return leaves


def _deepest_region(geoms: NDArray[np.object_], loaded: Loaded, world: World) -> NDArray:
    """The sub-district holding each zone's inner point (else the district)."""
    subs = np.asarray(world.subdistricts, dtype=object)
    inner = shapely.point_on_surface(geoms)
    pt, sub = shapely.STRtree(subs).query(inner, predicate="within")
    ids = np.full(len(geoms), loaded.district.pk, dtype=np.int64)
    ids[pt] = np.array([r.pk for r in loaded.subdistricts], dtype=np.int64)[sub]
    return ids


def _parent_of(geoms: NDArray[np.object_], parents: NDArray[np.object_], ids: NDArray) -> NDArray:
    """The parent zone id holding each zone's inner point (-1 if none)."""
    inner = shapely.point_on_surface(geoms)
    pt, par = shapely.STRtree(np.asarray(parents, dtype=object)).query(inner, predicate="within")
    out = np.full(len(geoms), -1, dtype=np.int64)
    out[pt] = ids[par]
    return out


def load_zones(
    loaded: Loaded,
    world: World,
    layer: Layer,
    plan: Plan,
    geoms: NDArray[np.object_],
    parents: NDArray[np.int64],
    active: bool = True,
) -> NDArray[np.int64]:
    """COPY the zones of one layer with one owner each; returns their ids."""
    ids = _next_ids("gridmgr_zone", len(geoms))
    regions = _deepest_region(geoms, loaded, world)
    areas = areas_m2(geoms, world.proj)
    codes = make_codes(f"{DISTRICT_CODE}000000", len(geoms), "20", start=int(ids[0]))
    now = timezone.now()
    rows = (
        (
            int(ids[k]),
            codes[k],
            f"{layer.name_en} {k + 1}",
            wkb,
            float(areas[k]),
            active,
            1,
            now,
            layer.pk,
            int(parents[k]) if parents[k] >= 0 else None,
            plan.pk,
            int(regions[k]),
        )
        for k, wkb in enumerate(_ewkb(geoms))
    )
    copy_rows(
        "gridmgr_zone",
        [
            "id",
            "code",
            "name",
            "geom",
            "area_m2",
            "active",
            "version",
            "updated_at",
            "layer_id",
            "parent_id",
            "plan_id",
            "region_id",
        ],
        rows,
    )
    _ownerships(_owners(f"{layer.name}负责人", len(ids)), layer.owner_role, zones=ids)
    return ids


def load_world(world: World, grid: Grid) -> Loaded:
    """Write the district with its sectors, package areas and one unit-grid layer."""
    district, subs = _regions(world)
    sector = Layer.objects.create(name="板块", name_en="sector", rank=0, owner_role="sector_lead")
    package = Layer.objects.create(
        name="包片", name_en="package", rank=1, parent=sector, owner_role="stationed_cadre"
    )
    unit = Layer.objects.create(
        name="网格",
        name_en="grid",
        rank=2,
        parent=package,
        owner_role="grid_worker",
        is_unit_grid=True,
    )
    plan = Plan.objects.create(name="bench", status=Plan.Status.ACTIVE, activated_at=timezone.now())
    for layer in (sector, package, unit):
        PlanActivation.objects.create(plan=plan, layer=layer, started_at=timezone.now())
    loaded = Loaded(district, subs, {"sector": sector, "package": package, "grid": unit}, plan, [])
    loaded.categories = _categories()
    sectors = np.asarray(world.sectors, dtype=object)
    packages = np.asarray(world.packages, dtype=object)
    none = np.full(len(sectors), -1, dtype=np.int64)
    s_ids = load_zones(loaded, world, sector, plan, sectors, none)
    p_ids = load_zones(loaded, world, package, plan, packages, s_ids[world.package_sector])
    g_ids = load_zones(
        loaded, world, unit, plan, grid.cells, _parent_of(grid.cells, packages, p_ids)
    )
    loaded.zone_ids = {"sector": s_ids, "package": p_ids, "grid": g_ids}
    execute("ANALYZE")
    return loaded


def swap_grid(loaded: Loaded, world: World, grid: Grid) -> NDArray[np.int64]:
    """Make another grid the active unit-grid layer (in a plan of its own)."""
    plan = Plan.objects.create(
        name=f"bench-{len(grid)}", status=Plan.Status.ACTIVE, activated_at=timezone.now()
    )
    unit = loaded.layers["grid"]
    execute("UPDATE gridmgr_zone SET active = false WHERE layer_id = %s", [unit.pk])
    packages = np.asarray(world.packages, dtype=object)
    parents = _parent_of(grid.cells, packages, loaded.zone_ids["package"])
    ids = load_zones(loaded, world, unit, plan, grid.cells, parents)
    loaded.zone_ids["grid"] = ids
    execute("ANALYZE")
    return ids


def cells_table(name: str, geoms: NDArray[np.object_]) -> None:
    """A bare table of cells for the raw PostGIS figures (no gridmgr involved)."""
    execute(f"DROP TABLE IF EXISTS {name}")
    execute(f"CREATE TABLE {name} (id serial PRIMARY KEY, geom geometry(MultiPolygon, 4326))")
    copy_rows(name, ["geom"], ((w,) for w in _ewkb(geoms)))
    execute(f"ANALYZE {name}")
