"""The web bench's database: the Dongcheng demo plus a generated layer of about 30k unit grids.

The dense layer is cut by the app's own grid generation (gridmgr.territory.grids.generate_grid, per
sub-district, 20-digit codes: the 15-digit scheme numbers at most 999 grids a sub-district)
in a plan of its own, activated, below the demo's package areas: the map page, the tile
endpoint and the coverage report all see it as a real unit-grid layer.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from bench.intake_server import setup_database

WEB_DB = "gridmgr_bench_web"
LAYER_NAME, LAYER_NAME_EN = "密集单元网格", "Dense unit grid"
PLAN_NAME = "基准：密集单元网格 / bench: dense unit grid"
USERNAME = "zhongxin"  # the demo's command centre: sees every zone and issue
PASSWORD = "gridmgr-demo"


@dataclass(frozen=True)
class Fixture:
    """What the figures need: the database, the dense layer, a sub-district, a login."""

    url: str
    layer_id: int
    cells: int
    cell_m: float
    subdistrict_code: str
    subdistrict_name: str
    username: str
    password: str
    setup_s: float


def dense_layer(cells: int) -> int:
    """Cut the district into about `cells` unit grids, in a new layer and an active plan;
    returns the layer's id."""
    from django.db import transaction
    from django.test import override_settings

    from gridmgr.models import Layer, Plan, Region
    from gridmgr.territory.grids import generate_grid
    from gridmgr.territory.plans import activate_plan

    # All or nothing: a layer left without its cells would be taken as built by --reuse-db.
    with transaction.atomic():
        district = Region.objects.require_district()
        parent = Layer.objects.filter(is_unit_grid=True).order_by("-rank").first()
        rank = (Layer.objects.order_by("-rank").values_list("rank", flat=True).first() or 0) + 1
        layer = Layer.objects.create(
            name=LAYER_NAME,
            name_en=LAYER_NAME_EN,
            rank=rank,
            parent=parent.parent if parent is not None else None,
            owner_role="grid_worker",
            is_unit_grid=True,
        )
        plan = Plan.objects.create(name=PLAN_NAME)
        cell_m = round(math.sqrt(float(district.area_m2) / cells), 1)
        with override_settings(GRIDMGR_GRID_CODE_SCHEME="20"):
            generate_grid(district, plan, layer, cell_size_m=cell_m)
        activate_plan(plan)
    return layer.pk


def layer_size(layer_id: int) -> tuple[int, float]:
    """Active cells of a layer and their lattice size (m): the side of the largest one."""
    from django.db.models import Count, Max

    from gridmgr.models import Zone

    found = Zone.objects.filter(layer_id=layer_id, active=True).aggregate(
        n=Count("id"), biggest=Max("area_m2")
    )
    return int(found["n"]), round(math.sqrt(float(found["biggest"] or 0.0)), 1)


def largest_subdistrict() -> tuple[str, str]:
    """Code and name of the largest sub-district (the heaviest coverage report)."""
    from gridmgr.models import Region

    sub = Region.objects.filter(level=Region.Level.SUBDISTRICT).order_by("-area_m2").first()
    if sub is None:
        raise SystemExit("no sub-district in the bench database")
    return sub.code, sub.name


def prepare(cells: int, reuse: bool = False, name: str = WEB_DB) -> Fixture:
    """The bench database (fresh unless `reuse` finds it built): demo, dense layer, a login."""
    started = time.perf_counter()
    url = setup_database(name, reuse=reuse)
    from gridmgr.demo.accounts import ensure_demo_accounts
    from gridmgr.demo.load import demo_loaded, load_demo
    from gridmgr.models import Layer

    if not demo_loaded():
        load_demo()
    layer = Layer.objects.filter(name=LAYER_NAME).first()
    layer_id = layer.pk if layer is not None else dense_layer(cells)
    n, cell_m = layer_size(layer_id)
    ensure_demo_accounts(PASSWORD)
    from bench.db import execute

    execute("ANALYZE")
    code, sub_name = largest_subdistrict()
    elapsed = round(time.perf_counter() - started, 1)
    return Fixture(url, layer_id, n, cell_m, code, sub_name, USERNAME, PASSWORD, elapsed)
