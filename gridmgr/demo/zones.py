"""The demo's zones and their owners: sectors, package areas with stations, unit grids, faults.

Package areas start as Voronoi cells of their stations and are then snapped to the unit grids
whose inner point they hold, so that every unit grid nests in exactly one package area.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils import timezone
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geodata.grid import make_codes
from geodata.measure import LocalProjection, areas_m2
from gridmgr.demo import data
from gridmgr.errors import GridError
from gridmgr.models import Layer, Owner, Ownership, Plan, Region, Station, Zone
from gridmgr.models.owners import Role
from gridmgr.territory.grids import code12, link_parents, next_sequence
from gridmgr.territory.imports import ImportReport, save_zones, to_geos, union_boundary

Sector = tuple[Zone, MultiPolygon, list[Region]]


class DemoError(GridError):
    """The demo cannot be loaded into this database."""


@dataclass
class Faults:
    """The deliberate faults of the demo, and the areas where issues must fall to show them."""

    holes: list[str] = field(default_factory=list)  # codes of the deleted unit grids
    unowned: list[str] = field(default_factory=list)
    overlap: str = ""
    spots: list[tuple[BaseGeometry, int]] = field(default_factory=list)  # (lon/lat area, issues)


class People:
    """Distinct Chinese names and well-formed phone numbers, drawn from the demo's seed."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.surnames, self.given = list(data.SURNAMES), data.given_names()
        self.phones: set[str] = set()

    def name(self) -> str:
        while True:
            name = str(self.rng.choice(self.surnames)) + str(self.rng.choice(self.given))
            if name not in self.names:
                self.names.add(name)
                return name

    def phone(self, prefix: str = "138", digits: int = 8) -> str:
        while True:
            phone = f"{prefix}{int(self.rng.integers(0, 10**digits)):0{digits}d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def person(self, organisation: str) -> Owner:
        """A new (unsaved) person with a mobile number."""
        return Owner(name=self.name(), organisation=organisation, phone=self.phone())

    def office(self, name: str, name_en: str) -> Owner:
        """A new (unsaved) department with a Beijing landline."""
        phone = self.phone("010-6", 7)
        return Owner(kind=Owner.Kind.DEPARTMENT, name=name, name_en=name_en, phone=phone)


def since() -> dt.date:
    """The day the demo's owners took office: before the first demo issue."""
    return timezone.localdate() - dt.timedelta(days=data.ISSUE_DAYS + 30)


def own(
    owner: Owner, role: str, zone: Zone | None = None, region: Region | None = None
) -> Ownership:
    """An (unsaved) ownership since the demo's start."""
    return Ownership(owner=owner, zone=zone, region=region, role=role, valid_from=since())


def shape(region: Region | Zone) -> MultiPolygon:
    """The outline of a region or zone as a shapely geometry."""
    geom = region.boundary if isinstance(region, Region) else region.geom
    return shapely.from_wkb(bytes(geom.wkb))


def short_name(region: Region) -> str:
    """A sub-district's name without 街道 (北新桥街道 → 北新桥)."""
    return region.name.removesuffix("街道")


def polygonal(geom: BaseGeometry) -> MultiPolygon:
    """The polygons of a geometry (overlay may add lines or points) as a MultiPolygon."""
    return MultiPolygon([p for p in shapely.get_parts(geom) if isinstance(p, Polygon)])


def add_sectors(plan: Plan, layer: Layer, subs: dict[str, Region], people: People) -> list[Sector]:
    """The sectors, each the union of neighbouring sub-districts, with a lead and a leader."""
    members = [[subs[code] for code in codes] for _, _, codes in data.SECTORS]
    rows = [
        (code, name, union_boundary([shape(r) for r in regions]), None, "")
        for (code, name, _codes), regions in zip(data.SECTORS, members, strict=True)
    ]
    zones = save_zones(plan, layer, rows, ImportReport())
    leads = [people.person(f"{regions[0].name}党工委") for regions in members]
    # A linked district leader supervises two sectors.
    leaders = [people.person("东城区人民政府") for _ in range(0, len(zones), 2)]
    Owner.objects.bulk_create(leads + leaders)
    ownerships = [own(lead, Role.SECTOR_LEAD, z) for lead, z in zip(leads, zones, strict=True)]
    ownerships += [own(leaders[k // 2], Role.LINKED_LEADER, z) for k, z in enumerate(zones)]
    Ownership.objects.bulk_create(ownerships)
    return [(z, row[2], m) for z, row, m in zip(zones, rows, members, strict=True)]


def package_count(outline: BaseGeometry) -> int:
    """How many package areas a sector is cut into (one cadre per ~PACKAGE_KM2)."""
    km2 = float(areas_m2([outline])[0]) / 1e6
    return int(np.clip(round(km2 / data.PACKAGE_KM2), data.PACKAGE_MIN, data.PACKAGE_MAX))


def full_cell_centres(plan: Plan, layer: Layer, regions: list[Region]) -> np.ndarray:
    """Centres (lon/lat rows) of the whole, unclipped unit grids of some regions."""
    zones = Zone.objects.filter(plan=plan, layer=layer, region__in=regions).order_by("code")
    full = zones.filter(area_m2__gt=0.999 * data.CELL_SIZE_M**2).values_list("geom", flat=True)
    centres = shapely.centroid(shapely.from_wkb([bytes(g.wkb) for g in full]))
    return np.column_stack([shapely.get_x(centres), shapely.get_y(centres)])


def station_points(candidates: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k well-spread points among candidates (lon/lat rows), by k-means in metres."""
    proj = LocalProjection(float(candidates[:, 0].mean()))
    x, y = proj.points_to_metres(candidates[:, 0], candidates[:, 1])
    pts = np.column_stack([x, y])
    centres = pts[rng.choice(len(pts), size=k, replace=False)]
    for _ in range(15):
        label = np.argmin(((pts[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
        for j in range(k):
            if (label == j).any():
                centres[j] = pts[label == j].mean(axis=0)
    # A station stands at the centre of the grid of its cluster nearest the cluster's centre.
    members = [np.flatnonzero(label == j) for j in range(k)]
    best = [m[np.argmin(((pts[m] - centres[j]) ** 2).sum(-1))] for j, m in enumerate(members)]
    return candidates[best]


def voronoi_cells(outline: BaseGeometry, points: np.ndarray) -> list[MultiPolygon]:
    """The Voronoi cells of the points (in metres) clipped to the area, in point order."""
    proj = LocalProjection.around(outline)
    x, y = proj.points_to_metres(points[:, 0], points[:, 1])
    extent = proj.to_metres(outline).envelope.buffer(1000.0)
    sites = shapely.multipoints(np.column_stack([x, y]))
    cells = shapely.voronoi_polygons(sites, extend_to=extent, ordered=True)
    clipped = shapely.intersection(proj.to_lonlat(shapely.get_parts(cells)), outline)
    return [polygonal(c) for c in clipped]


def add_package_areas(
    plan: Plan,
    layers: dict[str, Layer],
    sectors: list[Sector],
    people: People,
    rng: np.random.Generator,
) -> None:
    """Cut each sector into package areas around stations, each with a stationed cadre."""
    rows, stations = [], []
    namer = StationNamer([r for _, _, regions in sectors for r in regions])
    for sector, outline, regions in sectors:
        candidates = full_cell_centres(plan, layers["unit"], regions)
        points = station_points(candidates, package_count(outline), rng)
        for k, (point, cell) in enumerate(zip(points, voronoi_cells(outline, points), strict=True)):
            name, region = namer.name(point)
            rows.append((f"{sector.code}-{k + 1:02d}", f"{name}包片区", cell, sector, ""))
            stations.append((name, point, region))
    zones = save_zones(plan, layers["package"], rows, ImportReport())
    link_parents(plan, layers["unit"])
    snap_to_children(zones)
    cadres = [people.person(region.name + "办事处") for _, _, region in stations]
    Owner.objects.bulk_create(cadres)
    Station.objects.bulk_create(
        Station(
            name=name,
            location=Point(float(point[0]), float(point[1]), srid=4326),
            package_area=zone,
            cadre=cadre,
            address=f"北京市东城区{region.name}",
        )
        for (name, point, region), zone, cadre in zip(stations, zones, cadres, strict=True)
    )
    Ownership.objects.bulk_create(
        own(c, Role.STATIONED_CADRE, z) for c, z in zip(cadres, zones, strict=True)
    )


def snap_to_children(zones: list[Zone]) -> None:
    """Make each zone the union of its child zones, so that children nest in it exactly."""
    children: dict[int, list[bytes]] = {}
    for parent_id, geom in Zone.objects.filter(parent__in=zones).values_list("parent_id", "geom"):
        children.setdefault(parent_id, []).append(bytes(geom.wkb))
    keep = [z for z in zones if z.pk in children]
    merged = [without_dust(shapely.union_all(shapely.from_wkb(children[z.pk]))) for z in keep]
    for zone, geom, area in zip(keep, merged, areas_m2(merged), strict=True):
        zone.geom, zone.area_m2 = to_geos(geom), float(area)
    Zone.objects.bulk_update(keep, ["geom", "area_m2"])


def without_dust(geom: BaseGeometry) -> MultiPolygon:
    """The polygons of a union without the numerical pinholes left between clipped cells."""
    # A pinhole touching a child makes GEOS overlay count the whole child as outside its parent.
    tolerance = float(settings.GRIDMGR_SLIVER_M2)
    parts = []
    for part in polygonal(geom).geoms:
        rings = [Polygon(r) for r in part.interiors]
        area = areas_m2(rings) if rings else np.zeros(0)
        holes = [r.exterior for r, a in zip(rings, area, strict=True) if a >= tolerance]
        parts.append(Polygon(part.exterior, holes))
    return MultiPolygon(parts)


class StationNamer:
    """Names stations after their sub-district: 北新桥驻点, 北新桥第二驻点, …"""

    ORDINALS = ("", "第二", "第三", "第四", "第五", "第六", "第七", "第八")

    def __init__(self, regions: list[Region]) -> None:
        self.regions = regions
        self.shapes = [shape(r) for r in regions]
        self.used: dict[str, int] = {}

    def name(self, point: np.ndarray) -> tuple[str, Region]:
        inside = shapely.intersects_xy(self.shapes, float(point[0]), float(point[1]))
        region = self.regions[int(np.argmax(inside))]
        k = self.used.get(region.code, 0)
        self.used[region.code] = k + 1
        return f"{short_name(region)}{self.ORDINALS[k]}驻点", region


def add_faults(plan: Plan, layer: Layer, subs: dict[str, Region]) -> tuple[Faults, list[int]]:
    """Cut the holes, draw the overlapping grid, pick the unowned grids (their ids returned)."""
    faults = Faults()
    for code in data.HOLE_SUBDISTRICTS:
        _cut_hole(Lattice(plan, layer, subs[code]), faults)
    _draw_overlap(plan, layer, Lattice(plan, layer, subs[data.OVERLAP_SUBDISTRICT]), faults)
    unowned = _pick_unowned(Lattice(plan, layer, subs[data.UNOWNED_SUBDISTRICT]), faults)
    return faults, unowned


def add_grid_workers(
    cells: Iterable[tuple[int, int]], subs: dict[str, Region], people: People
) -> None:
    """One grid worker per CELLS_PER_WORKER consecutive (zone id, region id) cells."""
    by_region: dict[int, list[int]] = {}
    for zone_id, region_id in cells:
        by_region.setdefault(region_id, []).append(zone_id)
    names = {r.pk: r.name for r in subs.values()}
    workers, pairs = [], []
    for region_id, zone_ids in by_region.items():
        for start in range(0, len(zone_ids), data.CELLS_PER_WORKER):
            worker = people.person(names.get(region_id, data.DISTRICT_NAME) + "网格站")
            workers.append(worker)
            pairs += [(worker, z) for z in zone_ids[start : start + data.CELLS_PER_WORKER]]
    Owner.objects.bulk_create(workers, batch_size=2000)
    Ownership.objects.bulk_create(
        (
            Ownership(owner=w, zone_id=z, role=Role.GRID_WORKER, valid_from=since())
            for w, z in pairs
        ),
        batch_size=5000,
    )


class Lattice:
    """The unit grids of one sub-district, indexed by (column, row) of the lattice in metres."""

    def __init__(self, plan: Plan, layer: Layer, region: Region) -> None:
        self.region = region
        zones = Zone.objects.filter(plan=plan, layer=layer, region=region).order_by("code")
        self.zones = list(zones)
        self.proj = LocalProjection.around(shape(region))
        self.metres = self.proj.to_metres(np.array([shape(z) for z in self.zones], dtype=object))
        size = data.CELL_SIZE_M
        full = shapely.area(self.metres) > 0.999 * size * size
        centre = shapely.centroid(self.metres)
        x, y = shapely.get_x(centre), shapely.get_y(centre)
        col, row = np.rint((x - x[full][0]) / size), np.rint((y - y[full][0]) / size)
        self.at = {(int(col[i]), int(row[i])): int(i) for i in np.flatnonzero(full)}
        target = self.proj.to_metres(shape(region).point_on_surface())
        order = np.argsort(np.hypot(x - target.x, y - target.y), kind="stable")
        self.by_distance = [int(i) for i in order if full[i]]

    def block(self, width: int, height: int) -> list[int]:
        """Whole cells forming a width×height block near the region's centre, ringed by whole cells."""
        where = {i: key for key, i in self.at.items()}
        for i in self.by_distance:
            c, r = where[i]
            ring = [(c + dc, r - dr) for dc in range(-1, width + 1) for dr in range(-1, height + 1)]
            if all(key in self.at for key in ring):
                return [self.at[(c + dc, r - dr)] for dr in range(height) for dc in range(width)]
        raise DemoError(
            f"{self.region.name}找不到完整的网格块",
            f"no whole block of grids in {self.region.name_en}",
        )

    def lonlat(self, geom: BaseGeometry) -> BaseGeometry:
        """A geometry in this lattice's metres, in lon/lat."""
        return self.proj.to_lonlat(geom)


def _cut_hole(lattice: Lattice, faults: Faults) -> None:
    """Retire a 2×2 block of grids, whose middle lies beyond the nearest-zone distance."""
    block = lattice.block(2, 2)
    hole = shapely.union_all([lattice.metres[i] for i in block])
    faults.holes += [lattice.zones[i].code for i in block]
    # Issues farther than GRIDMGR_NEAREST_ZONE_M from every grid fall back to the territory.
    middle = hole.buffer(-(float(settings.GRIDMGR_NEAREST_ZONE_M) + 10.0))
    if not middle.is_empty:
        faults.spots.append((lattice.lonlat(middle), 4))
    Zone.objects.filter(pk__in=[lattice.zones[i].pk for i in block]).delete()


def _draw_overlap(plan: Plan, layer: Layer, lattice: Lattice, faults: Faults) -> None:
    """Add a grid (next free code) drawn across two neighbours, covering 30% of each."""
    west, _east = lattice.block(2, 1)
    minx, miny, maxx, maxy = lattice.metres[west].bounds
    reach = 0.3 * (maxx - minx)
    band = shapely.box(maxx - reach, miny, maxx + reach, maxy)
    prefix = code12(lattice.region)
    code = make_codes(prefix, 1, settings.GRIDMGR_GRID_CODE_SCHEME, next_sequence(prefix))[0]
    name = f"{lattice.region.name}{code[12:]}号网格（补划）"
    row = (code, name, MultiPolygon([lattice.lonlat(band)]), lattice.zones[west].parent, "")
    faults.overlap = save_zones(plan, layer, [row], ImportReport())[0].code
    faults.spots.append((lattice.lonlat(band.buffer(-5.0)), 6))


def _pick_unowned(lattice: Lattice, faults: Faults) -> list[int]:
    """Two neighbouring grids whose worker has left: no owner, so the fallback takes them."""
    pair = lattice.block(2, 1)
    faults.unowned = [lattice.zones[i].code for i in pair]
    faults.spots += [(lattice.lonlat(lattice.metres[i].buffer(-10.0)), 2) for i in pair]
    return [lattice.zones[i].pk for i in pair]
