"""One import core for regions and zones, called by the commands (and later the admin).

An import lands whole or not at all: every feature is checked first, and the first problems
are reported together, naming each feature, before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.contrib.gis.db.models import MultiPolygonField
from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.db.models import ExpressionWrapper, OuterRef, Subquery
from django.db.models.functions import Length
from shapely.geometry import MultiPolygon

from geodata.errors import FieldError, GeoDataError
from geodata.measure import areas_m2
from geodata.readers import Feature
from geodata.validate import feature_label, labelled, polygonal
from gridmgr.errors import MAX_REPORTED
from gridmgr.models import GridCode, Layer, Owner, Ownership, Plan, Region, Zone
from gridmgr.models.regions import CODE_LENGTH
from gridmgr.territory.extent import Placed, misplaced


@dataclass
class ImportReport:
    """What an import did (or would do)."""

    created: int = 0
    updated: int = 0
    repairs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class ImportError_(GeoDataError):
    """Several features were refused; nothing was written."""


def _raise_all(errors: list[str]) -> None:
    if errors:
        shown = errors[:MAX_REPORTED]
        more = len(errors) - len(shown)
        tail = [f"……另有 {more} 处 / … and {more} more"] if more else []
        zh = f"导入被拒绝，共 {len(errors)} 处问题，未写入任何数据"
        en = f"import refused: {len(errors)} problem(s), nothing was written"
        raise ImportError_(zh + "\n" + "\n".join(shown + tail), en)


def require_fields(features: Sequence[Feature], *names: str | None) -> None:
    """Fail when the input lacks a named field."""
    present = set().union(*(f.properties for f in features)) if features else set()
    for name in names:
        if name and name not in present:
            known = ", ".join(sorted(present)) or "—"
            raise FieldError(
                f"输入中没有字段“{name}”（现有字段：{known}）",
                f"the input has no field '{name}' (fields: {known})",
            )


def _text(feature: Feature, name: str | None) -> str:
    value = feature.properties.get(name) if name else None
    return "" if value is None else str(value).strip()


def _shape(
    feature: Feature, label: tuple[str, str], repair: bool, report: ImportReport
) -> MultiPolygon:
    if feature.problem:
        raise GeoDataError(*labelled(label, *feature.problem))
    geom, note = polygonal(feature.geometry, label, repair=repair)
    if note:
        report.repairs.append(note)
    return geom


def to_geos(geom: shapely.Geometry) -> Any:
    """A shapely geometry as a GEOS geometry in EPSG:4326."""
    return GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=4326)


def normalise_code(raw: str, level: str, label: tuple[str, str]) -> str:
    """A national code cut to the length of its level (12-digit codes padded with zeros)."""
    want = CODE_LENGTH[Region.Level(level)]
    code = raw.strip()
    if code.endswith(".0"):
        code = code[:-2]
    if len(code) > want and code.isdigit() and set(code[want:]) <= {"0"}:
        code = code[:want]
    if len(code) != want or not code.isdigit():
        raise GeoDataError(
            f"{label[0]}：代码“{raw}”不是 {want} 位数字的{level}代码",
            f"{label[1]}: code '{raw}' is not a {want}-digit {level} code",
        )
    return code


def import_regions(
    features: Sequence[Feature],
    *,
    level: str,
    code_field: str,
    name_field: str,
    parent_field: str | None = None,
    parent_code: str | None = None,
    repair: bool = False,
) -> ImportReport:
    """Create or update regions of one level from features."""
    require_fields(features, code_field, name_field, parent_field)
    report, errors, rows = ImportReport(), [], []
    placed: list[Placed] = []
    parents = {r.code: r for r in Region.objects.all()}
    for f in features:
        label = feature_label(f.index, _text(f, name_field) or None)
        try:
            code = normalise_code(_text(f, code_field), level, label)
            geom = _shape(f, label, repair, report)
            parent = _region_parent(f, level, code, parent_field, parent_code, parents, label)
            rows.append((code, _text(f, name_field) or code, geom, parent))
            placed.append((label, code, geom))
        except GeoDataError as exc:
            errors.append(str(exc))
    # The district itself is where everything else must lie: it is checked for size only.
    errors += misplaced(placed, within_district=level != Region.Level.DISTRICT)
    _raise_all(errors)
    areas: Any = areas_m2([r[2] for r in rows]) if rows else []
    with transaction.atomic():
        for (code, name, geom, parent), area in zip(rows, areas, strict=True):
            _, created = Region.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "level": level,
                    "parent": parent,
                    "boundary": to_geos(geom),
                    "area_m2": float(area),
                },
            )
            report.created += created
            report.updated += not created
    return report


def _region_parent(
    f: Feature,
    level: str,
    code: str,
    parent_field: str | None,
    parent_code: str | None,
    parents: dict[str, Region],
    label: tuple[str, str],
) -> Region | None:
    if level == Region.Level.DISTRICT:
        return None
    upper = Region.Level.DISTRICT if level == Region.Level.SUBDISTRICT else Region.Level.SUBDISTRICT
    raw = _text(f, parent_field) if parent_field else (parent_code or code[: CODE_LENGTH[upper]])
    wanted = normalise_code(raw, upper, label)
    if wanted not in parents:
        raise GeoDataError(
            f"{label[0]}：上级区域 {wanted} 不存在，请先导入",
            f"{label[1]}: parent region {wanted} does not exist; import it first",
        )
    return parents[wanted]


def import_zones(
    features: Sequence[Feature],
    *,
    plan: Plan,
    layer: Layer,
    code_field: str,
    name_field: str,
    parent_field: str | None = None,
    owner_field: str | None = None,
    repair: bool = False,
) -> ImportReport:
    """Create or update the zones of one layer in a plan from features."""
    require_fields(features, code_field, name_field, parent_field, owner_field)
    report, errors, rows = ImportReport(), [], []
    placed: list[Placed] = []
    seen: set[str] = set()
    parents = _parent_zones(plan, layer)
    for f in features:
        code = _text(f, code_field)
        label = feature_label(f.index, _text(f, name_field) or code or None)
        try:
            if not code or code in seen:
                raise GeoDataError(
                    f"{label[0]}：区域代码“{code}”为空或重复",
                    f"{label[1]}: zone code '{code}' is empty or repeated",
                )
            seen.add(code)
            geom = _shape(f, label, repair, report)
            parent = _zone_parent(_text(f, parent_field), parents, label) if parent_field else None
            rows.append((code, _text(f, name_field) or code, geom, parent, _text(f, owner_field)))
            placed.append((label, code, geom))
        except GeoDataError as exc:
            errors.append(str(exc))
    errors += misplaced(placed)
    _raise_all(errors)
    with transaction.atomic():
        save_zones(plan, layer, rows, report)
    return report


def _parent_zones(plan: Plan, layer: Layer) -> dict[str, Zone]:
    if layer.parent_id is None:
        return {}
    zones = Zone.objects.filter(layer_id=layer.parent_id)
    in_plan = {z.code: z for z in zones.filter(plan=plan)}
    return in_plan or {z.code: z for z in zones.filter(active=True)}


def _zone_parent(code: str, parents: dict[str, Zone], label: tuple[str, str]) -> Zone | None:
    if not code:
        return None
    if code not in parents:
        raise GeoDataError(
            f"{label[0]}：上级区域“{code}”不存在",
            f"{label[1]}: parent zone '{code}' does not exist",
        )
    return parents[code]


def save_zones(plan: Plan, layer: Layer, rows: list[tuple], report: ImportReport) -> list[Zone]:
    """Write checked zone rows (code, name, geom, parent, owner name) into a plan."""
    areas: Any = areas_m2([r[2] for r in rows]) if rows else []
    existing = {z.code: z for z in Zone.objects.filter(plan=plan, layer=layer)}
    zones, owners = [], []
    for (code, name, geom, parent, owner), area in zip(rows, areas, strict=True):
        zone = existing.get(code) or Zone(plan=plan, layer=layer, code=code)
        report.updated += zone.pk is not None
        report.created += zone.pk is None
        zone.name, zone.geom, zone.parent, zone.area_m2 = name, to_geos(geom), parent, float(area)
        zone.active = plan.status == Plan.Status.ACTIVE
        if zone.pk is not None:
            zone.version += 1
        zones.append(zone)
        owners.append(owner)
    new = [z for z in zones if z.pk is None]
    Zone.objects.bulk_create(new, batch_size=2000)
    Zone.objects.bulk_update(
        [z for z in zones if z not in new],
        ["name", "geom", "parent", "area_m2", "active", "version"],
        batch_size=2000,
    )
    assign_regions(plan, layer)
    _save_owners(layer, zones, owners)
    if layer.is_unit_grid:
        register_codes([z.code for z in zones], plan)
    return zones


def outer_inner_point() -> PointOnSurface:
    """The inner point of the outer query's zone, for a subquery (an OuterRef has no type)."""
    geom = ExpressionWrapper(OuterRef("geom"), output_field=MultiPolygonField(srid=4326))
    return PointOnSurface(geom)


def assign_regions(plan: Plan, layer: Layer) -> None:
    """Set each zone's region: the deepest region that covers its inner point."""
    deepest = (
        Region.objects.filter(boundary__covers=outer_inner_point())
        .order_by(Length("code").desc())
        .values("pk")[:1]
    )
    Zone.objects.filter(plan=plan, layer=layer).update(region=Subquery(deepest))


def _save_owners(layer: Layer, zones: list[Zone], names: list[str]) -> None:
    pairs = [(z, n) for z, n in zip(zones, names, strict=True) if n]
    if not pairs:
        return
    known = {o.name: o for o in Owner.objects.filter(name__in={n for _, n in pairs})}
    for name in {n for _, n in pairs} - set(known):
        known[name] = Owner.objects.create(name=name)
    Ownership.objects.filter(zone__in=[z for z, _ in pairs], role=layer.owner_role).delete()
    Ownership.objects.bulk_create(
        Ownership(owner=known[n], zone=z, role=layer.owner_role) for z, n in pairs
    )


def register_codes(codes: list[str], plan: Plan | None) -> None:
    """Record unit-grid codes as issued, so that they are never reused."""
    GridCode.objects.bulk_create(
        [
            GridCode(code=c, prefix=c[:12], sequence=int(c[12:] or 0), first_plan=plan)
            for c in codes
        ],
        ignore_conflicts=True,
        batch_size=5000,
    )


def union_boundary(geoms: Sequence[shapely.Geometry]) -> MultiPolygon:
    """The dissolved outline of several polygons, as a MultiPolygon."""
    merged = shapely.union_all(shapely.make_valid(list(geoms)))
    parts = [g for g in shapely.get_parts(merged) if g.geom_type == "Polygon"]
    return MultiPolygon(parts)
