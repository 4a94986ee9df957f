"""The shared small world: a named mini-district of three real Dongcheng sub-districts.

`build_world()` (the `world` fixture of tests/conftest.py) builds it through the services
(region import, zone import, grid generation, plan activation) in about 0.3 s; pytest-django
rolls it back after every test. Its shape:

- district 110101 "东城迷你区" = 景山 ∪ 东四 ∪ 朝阳门 (real boundaries, fixtures/dongcheng);
- layer "板块" (sector, rank 0): sectors S1 景山, S2 东四, S3 朝阳门, each with a sector lead
  (板块长S1…); layer "单元网格" (unit grid, rank 1, child of 板块): 200 m cells generated per
  sub-district with one grid worker per sub-district (网格员S1…);
- the gap: one whole interior cell of 东四 retired; the overlap: a 120 m square "X01" (its own
  grid worker) laid over the corner of four 景山 cells;
- territorial owners (属地兜底) for the district and each sub-district; departments 城管 and 交警
  and the categories 01 市容环境 (城管) → 0101 暴露垃圾 (inherits 城管), 0201 违章停车 (交警).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from django.contrib.gis.geos import Point
from shapely.geometry import MultiPolygon, Polygon

from geodata.measure import LocalProjection
from geodata.readers import Feature, read_features
from gridmgr.models import Category, Layer, Owner, Ownership, Plan, Region, Zone
from gridmgr.territory.grids import generate_grid
from gridmgr.territory.imports import import_regions, import_zones, to_geos, union_boundary
from gridmgr.territory.plans import activate_plan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DONGCHENG = FIXTURES / "dongcheng" / "dongcheng_110101_subdistricts.geojson"
BOSTON = FIXTURES / "boston"

SECTORS = {"景山街道": "S1", "东四街道": "S2", "朝阳门街道": "S3"}
CELL_M = 200.0
SINCE = dt.date(2020, 1, 1)
# A vertex shared by the real 景山 and 东四 boundaries.
SUBDISTRICT_BORDER = (116.40987, 39.92956)
# Tiananmen: in Dongcheng (东华门), outside the mini-district.
TIANANMEN = (116.3975, 39.9087)


def shape(geom: Any) -> MultiPolygon:
    """A GEOS geometry (a model's geometry field) as shapely."""
    return shapely.from_wkb(bytes(geom.wkb))


@dataclass
class World:
    """Handles on the mini-district, so that tests name things instead of looking them up."""

    district: Region
    subs: dict[str, Region]  # by sector code S1, S2, S3
    sector: Layer
    grid: Layer
    plan: Plan
    owners: dict[str, Owner]
    categories: dict[str, Category]
    gap: Polygon  # the retired cell of 东四
    gap_code: str
    overlap: Zone  # X01, over the corner of four 景山 cells
    proj: LocalProjection

    def inside(self, zone: Zone) -> tuple[float, float]:
        """A point well inside a zone."""
        p = shape(zone.geom).point_on_surface()
        return p.x, p.y

    def move(self, lon: float, lat: float, east_m: float, north_m: float) -> tuple[float, float]:
        """The point east_m and north_m metres away from (lon, lat)."""
        x, y = self.proj.points_to_metres([lon], [lat])
        lo, la = self.proj.points_to_lonlat(x + east_m, y + north_m)
        return float(lo[0]), float(la[0])

    def gap_centre(self) -> tuple[float, float]:
        c = self.gap.centroid
        return c.x, c.y

    def gap_west(self, inside_m: float) -> tuple[float, float]:
        """A point inside the gap, inside_m metres from the middle of its west edge."""
        minx, miny, _, maxy = self.gap.bounds
        return self.move(minx, (miny + maxy) / 2, inside_m, 0.0)

    def cells_covering(self, lon: float, lat: float) -> list[Zone]:
        return list(
            Zone.objects.active().filter(layer=self.grid).covering(Point(lon, lat, srid=4326))
        )

    def four_cell_corner(self) -> tuple[float, float]:
        """A vertex of 朝阳门 shared by four whole cells (on the border of each)."""
        for cell in full_cells(self.subs["S3"], self.grid):
            for x, y in shape(cell.geom).geoms[0].exterior.coords:
                if len(self.cells_covering(x, y)) == 4:
                    return x, y
        raise AssertionError("no four-cell corner in 朝阳门")


def full_cells(sub: Region, grid: Layer, plan: Plan | None = None) -> list[Zone]:
    """The whole (uncut 200 m × 200 m) cells of a sub-district, active or of a plan, by code."""
    zones = Zone.objects.filter(layer=grid, region=sub).order_by("code")
    zones = zones.filter(plan=plan) if plan is not None else zones.filter(active=True)
    return [z for z in zones if abs(z.area_m2 - CELL_M * CELL_M) < 50]


def dongcheng_features(names: list[str] | None = None) -> list[Feature]:
    """The real Dongcheng sub-districts, optionally only the named ones."""
    features = read_features(DONGCHENG)
    return [f for f in features if names is None or f.properties["name"] in names]


def district_feature(features: list[Feature], code: str, name: str) -> Feature:
    """A district feature whose boundary is the union of the given features."""
    outline = union_boundary([f.geometry for f in features])
    return Feature(1, {"code": code, "name": name}, outline)


def make_owner(name: str, kind: str = Owner.Kind.PERSON) -> Owner:
    return Owner.objects.create(name=name, kind=kind)


def own(
    owner: Owner,
    role: str,
    *,
    zone: Zone | None = None,
    region: Region | None = None,
    since: dt.date = SINCE,
    until: dt.date | None = None,
) -> Ownership:
    return Ownership.objects.create(
        owner=owner, zone=zone, region=region, role=role, valid_from=since, valid_to=until
    )


def square_zone(
    plan: Plan, layer: Layer, code: str, centre: tuple[float, float], side_m: float
) -> Zone:
    """A square zone of side_m metres centred on a lon/lat point (area measured in m²)."""
    proj = LocalProjection(centre[0])
    x, y = proj.points_to_metres([centre[0]], [centre[1]])
    half = side_m / 2
    square = proj.to_lonlat(shapely.box(x[0] - half, y[0] - half, x[0] + half, y[0] + half))
    return Zone.objects.create(
        plan=plan,
        layer=layer,
        code=code,
        name=f"区域{code}",
        geom=to_geos(MultiPolygon([square])),
        area_m2=float(proj.to_metres(square).area),
        active=plan.status == Plan.Status.ACTIVE,
    )


def _regions() -> tuple[Region, dict[str, Region]]:
    subs = dongcheng_features(list(SECTORS))
    district = district_feature(subs, "110101", "东城迷你区")
    import_regions([district], level="district", code_field="code", name_field="name")
    import_regions(subs, level="subdistrict", code_field="code12", name_field="name")
    regions = Region.objects.filter(level=Region.Level.SUBDISTRICT)
    return Region.objects.get(code="110101"), {SECTORS[r.name]: r for r in regions}


def _layers() -> tuple[Layer, Layer]:
    sector = Layer.objects.create(name="板块", name_en="sector", rank=0, owner_role="sector_lead")
    grid = Layer.objects.create(
        name="单元网格",
        name_en="unit grid",
        rank=1,
        parent=sector,
        owner_role="grid_worker",
        is_unit_grid=True,
    )
    return sector, grid


def _sectors(plan: Plan, sector: Layer) -> None:
    features = [
        Feature(
            f.index,
            {"code": code, "name": f.properties["name"], "owner": f"板块长{code}"},
            f.geometry,
        )
        for f in dongcheng_features(list(SECTORS))
        for code in [SECTORS[f.properties["name"]]]
    ]
    import_zones(
        features, plan=plan, layer=sector, code_field="code", name_field="name", owner_field="owner"
    )


def _grid(plan: Plan, district: Region, grid: Layer) -> None:
    generate_grid(district, plan, grid, cell_size_m=CELL_M)
    workers = {name: make_owner(f"网格员{code}") for name, code in SECTORS.items()}
    Ownership.objects.bulk_create(
        Ownership(owner=workers[z.region.name], zone=z, role="grid_worker", valid_from=SINCE)
        for z in Zone.objects.filter(layer=grid).select_related("region")
    )


def _categories(owners: dict[str, Owner]) -> dict[str, Category]:
    city = owners["城管"] = make_owner("城管执法局", Owner.Kind.DEPARTMENT)
    traffic = owners["交警"] = make_owner("交警支队", Owner.Kind.DEPARTMENT)
    appearance = Category.objects.create(
        code="01", kind="event", name="市容环境", name_en="city appearance", department=city
    )
    rubbish = Category.objects.create(
        code="0101",
        kind="event",
        parent=appearance,
        name="暴露垃圾",
        name_en="exposed rubbish",
        limit_value=4,
    )
    parking = Category.objects.create(
        code="0201",
        kind="event",
        name="违章停车",
        name_en="illegal parking",
        department=traffic,
        limit_value=2,
    )
    return {"appearance": appearance, "rubbish": rubbish, "parking": parking}


def _territorial(district: Region, subs: dict[str, Region], owners: dict[str, Owner]) -> None:
    owners["district"] = make_owner("东城区网格化管理中心", Owner.Kind.TEAM)
    own(owners["district"], "territorial", region=district)
    for code, sub in subs.items():
        owners[f"属地{code}"] = make_owner(f"{sub.name}办事处", Owner.Kind.TEAM)
        own(owners[f"属地{code}"], "territorial", region=sub)


def build_world() -> World:
    """Build the mini-district with a gap and an overlap, its plan active, no issues yet."""
    district, subs = _regions()
    sector, grid = _layers()
    plan = Plan.objects.create(name="2026 网格方案")
    _sectors(plan, sector)
    _grid(plan, district, grid)
    gap_cell = full_cells(subs["S2"], grid, plan)[4]
    gap, gap_code = shape(gap_cell.geom).geoms[0], gap_cell.code
    gap_cell.delete()
    overlap_cell = full_cells(subs["S1"], grid, plan)[3]
    minx, miny, maxx, _ = shape(overlap_cell.geom).bounds
    overlap = square_zone(plan, grid, "X01", (maxx, miny), 120.0)
    overlap.region, overlap.parent = subs["S1"], overlap_cell.parent
    overlap.save()
    owners = {o.name: o for o in Owner.objects.all()}
    owners["X01"] = make_owner("重叠区网格员")
    own(owners["X01"], "grid_worker", zone=overlap)
    _territorial(district, subs, owners)
    categories = _categories(owners)
    activate_plan(plan)
    plan.refresh_from_db()
    overlap.refresh_from_db()
    return World(
        district=district,
        subs=subs,
        sector=sector,
        grid=grid,
        plan=plan,
        owners=owners,
        categories=categories,
        gap=gap,
        gap_code=gap_code,
        overlap=overlap,
        proj=LocalProjection(116.41),
    )


BOSTON_NEIGHBOURHOODS = BOSTON / "boston_neighborhoods_valid.geojson"
BOSTON_RAW = BOSTON / "boston_neighborhoods.geojson"
BOSTON_311 = BOSTON / "boston_311_2015_sample5000.geojson"
BOSTON_STREETS = BOSTON / "boston_common_osm_streets.geojson"


def build_boston() -> Region:
    """A Boston "district" 999999 whose boundary is the union of the (valid) neighbourhoods."""
    neighbourhoods = read_features(BOSTON_NEIGHBOURHOODS)
    district = district_feature(neighbourhoods, "999999", "波士顿 / Boston")
    import_regions([district], level="district", code_field="code", name_field="name")
    return Region.objects.get(code="999999")
