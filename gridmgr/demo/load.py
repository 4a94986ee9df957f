"""Load the demo district, Beijing Dongcheng: regions, three layers of zones, owners, issues.

Everything is drawn from one seed, so two loads give the same district. The demo carries
deliberate faults (two holes, two unowned grids, one grid drawn across two neighbours) so that
coverage reports and the blind-spot and overlap flags of issues have something to show. The
issues come with 60 days of the closed loop behind them (gridmgr.demo.history), timed on the
2026 working calendar, with the demo accounts (gridmgr.demo.accounts) as the people acting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from geodata.readers import Feature, read_features
from gridmgr.casework.workcal import load_calendar_csv
from gridmgr.demo import data
from gridmgr.demo.accounts import ensure_demo_accounts
from gridmgr.demo.history import HistorySummary, add_history
from gridmgr.demo.issues import add_categories, add_issues
from gridmgr.demo.zones import (
    DemoError,
    Faults,
    People,
    add_faults,
    add_grid_workers,
    add_package_areas,
    add_sectors,
    own,
    shape,
)
from gridmgr.models import Category, Issue, Layer, Owner, Ownership, Plan, Region, Station, Zone
from gridmgr.models.owners import Role
from gridmgr.territory.grids import generate_grid
from gridmgr.territory.imports import import_regions, union_boundary
from gridmgr.territory.plans import activate_plan

# The working calendar of the demo's year: holidays and make-up working days (调休).
CALENDAR = "fixtures/calendar/cn_2026.csv"

__all__ = ["DemoError", "DemoSummary", "database_empty", "demo_loaded", "load_demo"]


@dataclass
class DemoSummary:
    """What the database holds once the demo is loaded."""

    regions: dict[str, int]
    zones: dict[str, int]
    owners: int
    ownerships: int
    stations: int
    categories: int
    issues: int
    blind_issues: int
    overlap_issues: int
    faults: Faults
    statuses: dict[str, int] = field(default_factory=dict)
    history: HistorySummary | None = None
    seconds: float = 0.0


def demo_loaded() -> bool:
    """Whether the demo plan exists already."""
    return Plan.objects.filter(name=data.PLAN_NAME).exists()


def database_empty() -> bool:
    """Whether the database holds no regions, layers or plans (the demo needs a clean start)."""
    return not (Region.objects.exists() or Layer.objects.exists() or Plan.objects.exists())


def load_demo(progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Build the demo district in an empty database, in one transaction."""
    if not database_empty():
        raise DemoError(
            "数据库中已有区域、图层或方案，演示区只能载入空数据库",
            "the database already holds regions, layers or plans; the demo needs an empty one",
        )
    step = progress or (lambda _message: None)
    started = time.perf_counter()
    rng = np.random.default_rng(data.SEED)
    people = People(rng)
    now = timezone.now()
    with transaction.atomic():
        step("工作日历 / working calendar")
        load_calendar_csv(settings.BASE_DIR / CALENDAR)
        step("区域 / regions")
        district, subs = add_regions()
        departments = add_departments(people)
        add_territorial_owners(district, subs, departments["centre"], people)
        layers = add_layers()
        plan = Plan.objects.create(name=data.PLAN_NAME, note="演示数据 / demo data")
        step("板块与单元网格 / sectors and unit grids")
        sectors = add_sectors(plan, layers["sector"], subs, people)
        generate_grid(district, plan, layers["unit"], cell_size_m=data.CELL_SIZE_M)
        step("驻点包片区 / package areas")
        add_package_areas(plan, layers, sectors, people, rng)
        faults, unowned = add_faults(plan, layers["unit"], subs)
        cells = Zone.objects.filter(plan=plan, layer=layers["unit"]).exclude(pk__in=unowned)
        add_grid_workers(cells.order_by("code").values_list("id", "region_id"), subs, people)
        activate_plan(plan)
        step("问题 / issues")
        categories = add_categories(departments)
        made = add_issues(shape(district), faults.spots, categories, rng, now)
        step("办理过程 / case history")
        # The accounts first (no usable password: demo_admin sets it), so the steps have actors.
        ensure_demo_accounts(None)
        history = add_history(rng, made.duplicates, now)
    summary = summarise(faults)
    summary.history = history
    summary.seconds = time.perf_counter() - started
    return summary


def summarise(faults: Faults | None = None) -> DemoSummary:
    """Count what the database holds."""
    regions = Region.objects.values_list("level").annotate(n=Count("id")).order_by("level")
    zones = Zone.objects.active().values_list("layer__name", "layer__rank").annotate(n=Count("id"))
    return DemoSummary(
        regions={str(Region.Level(level).label): n for level, n in regions},
        zones={name: n for name, _rank, n in zones.order_by("layer__rank")},
        owners=Owner.objects.count(),
        ownerships=Ownership.objects.count(),
        stations=Station.objects.count(),
        categories=Category.objects.count(),
        issues=Issue.objects.count(),
        blind_issues=Issue.objects.filter(in_blind_spot=True).count(),
        overlap_issues=Issue.objects.filter(in_overlap=True).count(),
        faults=faults or Faults(),
        statuses=dict(Issue.objects.values_list("status").annotate(n=Count("id")).order_by()),
    )


def english_name(pinyin: str) -> str:
    """A sub-district's English name from the fixture's pinyin (donghuamenjiedao → Donghuamen)."""
    base = pinyin.strip().lower().removesuffix("jiedao")
    return data.PINYIN_FIXES.get(base, base).capitalize()


def add_regions() -> tuple[Region, dict[str, Region]]:
    """The district (the dissolved sub-districts) and its 17 sub-districts, by code."""
    features = read_features(settings.BASE_DIR / data.FIXTURE)
    outline = union_boundary([f.geometry for f in features])
    whole = Feature(1, {"code": data.DISTRICT_CODE, "name": data.DISTRICT_NAME}, outline)
    import_regions([whole], level=Region.Level.DISTRICT, code_field="code", name_field="name")
    import_regions(features, level=Region.Level.SUBDISTRICT, code_field="code12", name_field="name")
    english = {
        str(f.properties["code12"])[:9]: english_name(f.properties["pinyin"]) for f in features
    }
    regions = list(Region.objects.filter(code__startswith=data.DISTRICT_CODE))
    for region in regions:
        region.name_en = english.get(region.code, data.DISTRICT_NAME_EN)
    Region.objects.bulk_update(regions, ["name_en"])
    district = next(r for r in regions if r.level == Region.Level.DISTRICT)
    return district, {r.code: r for r in regions if r.level == Region.Level.SUBDISTRICT}


def add_departments(people: People) -> dict[str, Owner]:
    """The functional departments (条线部门) and the district's command centre."""
    made = {key: people.office(name, en) for key, (name, en) in data.DEPARTMENTS.items()}
    for owner in made.values():
        owner.organisation = "北京市东城区"
    Owner.objects.bulk_create(made.values())
    return made


def add_territorial_owners(
    district: Region, subs: dict[str, Region], centre: Owner, people: People
) -> None:
    """The territorial fallback (属地兜底): each sub-district's office, then the command centre."""
    offices = [
        people.office(f"{r.name}办事处", f"{r.name_en} Sub-district Office") for r in subs.values()
    ]
    Owner.objects.bulk_create(offices)
    rows = [own(centre, Role.TERRITORIAL, region=district)]
    rows += [
        own(o, Role.TERRITORIAL, region=r) for o, r in zip(offices, subs.values(), strict=True)
    ]
    Ownership.objects.bulk_create(rows)


def add_layers() -> dict[str, Layer]:
    """Sector → package area → unit grid."""
    made: dict[str, Layer] = {}
    parent = None
    for spec in data.LAYERS:
        parent = Layer.objects.create(
            name=spec.name,
            name_en=spec.name_en,
            rank=spec.rank,
            parent=parent,
            owner_role=spec.owner_role,
            is_unit_grid=spec.is_unit_grid,
        )
        made[spec.key] = parent
    return made
