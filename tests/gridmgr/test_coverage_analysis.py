"""Coverage analysis finds blind spots, overlaps and border crossings, measured in true m²."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from django.db import connection
from django.utils import timezone

from gridmgr.coverage.analysis import analyse, analyse_layer
from gridmgr.models import CoverageSnapshot, Ownership, Zone
from tests.world import SUBDISTRICT_BORDER, World, full_cells, make_owner, own, shape, square_zone

GEODESIC = 1e-3  # areas agree with PostGIS's geodesic ST_Area within 0.1%

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def geodesic_m2(geom: shapely.Geometry) -> float:
    """The area PostGIS measures on the spheroid (geography)."""
    with connection.cursor() as cur:
        cur.execute("SELECT ST_Area(ST_GeomFromText(%s, 4326)::geography)", [geom.wkt])
        return float(cur.fetchone()[0])


def test_region_total_is_its_geodesic_area(world: World) -> None:
    report = analyse_layer(world.district, world.grid)
    expected = geodesic_m2(shape(world.district.boundary))
    assert report.total_m2 == pytest.approx(expected, rel=GEODESIC)
    assert world.district.area_m2 == pytest.approx(expected, rel=GEODESIC)


def test_the_retired_cell_is_the_one_blind_spot_with_its_geodesic_area(world: World) -> None:
    report = analyse_layer(world.district, world.grid)
    assert len(report.blind) == 1
    (gap,) = report.blind
    assert gap["area_m2"] == pytest.approx(geodesic_m2(world.gap), rel=GEODESIC)
    assert gap["zones"] == []
    assert shapely.box(*gap["bbox"]).buffer(1e-7).covers(world.gap)
    assert report.blind_m2 == pytest.approx(geodesic_m2(world.gap), rel=GEODESIC)
    assert report.covered_m2 + report.blind_m2 == pytest.approx(report.total_m2, rel=1e-9)


def test_coverage_percentage_is_covered_over_total(world: World) -> None:
    report = analyse_layer(world.district, world.grid)
    assert report.coverage_pct == pytest.approx(100 * report.covered_m2 / report.total_m2)
    assert report.coverage_pct == pytest.approx(100 * (1 - 40_000 / report.total_m2), abs=1e-3)


def test_overlaps_are_listed_with_their_area_and_the_zones_involved(world: World) -> None:
    report = analyse_layer(world.district, world.grid)
    cells = Zone.objects.filter(layer=world.grid, geom__intersects=world.overlap.geom)
    pairs = sorted(z.code for z in cells.exclude(code="X01"))
    assert sorted(p["zones"][0] for p in report.overlaps) == pairs
    assert all(p["zones"][1] == "X01" for p in report.overlaps)
    assert len(pairs) == 4  # X01 is centred on the corner of four cells
    with connection.cursor() as cur:
        cur.execute(
            "SELECT ST_Area(ST_Intersection(x.geom, c.geom)::geography) FROM gridmgr_zone x, "
            "gridmgr_zone c WHERE x.id = %s AND c.code = %s",
            [world.overlap.pk, report.overlaps[0]["zones"][0]],
        )
        first = float(cur.fetchone()[0])
    assert report.overlaps[0]["area_m2"] == pytest.approx(first, rel=GEODESIC)
    assert report.overlap_m2 == pytest.approx(geodesic_m2(shape(world.overlap.geom)), rel=GEODESIC)


def test_a_full_layer_without_gaps_covers_everything(world: World) -> None:
    report = analyse_layer(world.district, world.sector)
    assert report.blind == [] and report.overlaps == []
    assert report.coverage_pct == pytest.approx(100.0, abs=1e-6)
    assert report.unowned == []


def test_a_zone_without_a_current_owner_counts_as_blind(world: World) -> None:
    cell = full_cells(world.subs["S3"], world.grid)[0]
    cell.ownerships.update(valid_to=dt.date(2025, 12, 31))
    report = analyse_layer(world.district, world.grid)
    assert report.unowned == [cell.code]
    assert len(report.blind) == 2
    assert report.blind_m2 == pytest.approx(40_000 + cell.area_m2, rel=GEODESIC)


def test_a_zone_owned_from_today_counts_as_owned_whatever_the_utc_date(
    world: World, settings
) -> None:
    # Pick a time zone whose date differs from UTC's right now: the database's CURRENT_DATE
    # is UTC's, ownerships are dated in local time.
    utc_now = dt.datetime.now(dt.UTC)
    settings.TIME_ZONE = "Pacific/Kiritimati" if utc_now.hour >= 12 else "Pacific/Pago_Pago"
    today = timezone.localdate()
    assert today != utc_now.date()
    cell = full_cells(world.subs["S3"], world.grid)[0]
    cell.ownerships.update(valid_from=today)
    assert analyse_layer(world.district, world.grid).unowned == []


def test_zones_crossing_their_parents_border_are_listed(world: World) -> None:
    # A 100 m square on the 景山/东四 border, filed under 景山's sector.
    stray = square_zone(world.plan, world.grid, "X02", SUBDISTRICT_BORDER, 100.0)
    stray.parent = Zone.objects.get(layer=world.sector, code="S1")
    stray.save()
    own(make_owner("越界网格员"), "grid_worker", zone=stray)
    report = analyse_layer(world.district, world.grid)
    (crossing,) = report.crossing_parent
    assert crossing["zones"] == ["X02"]
    outside_parent = shape(stray.geom).difference(shape(world.subs["S1"].boundary))
    assert crossing["area_m2"] == pytest.approx(geodesic_m2(outside_parent), rel=0.01)
    assert report.outside_district == []


def test_zones_reaching_outside_the_district_are_listed(world: World) -> None:
    minx, miny, _, _ = shape(world.subs["S3"].boundary).bounds
    corner = min(
        shape(world.subs["S3"].boundary).geoms[0].exterior.coords,
        key=lambda c: (c[1] - miny) ** 2 + (c[0] - minx) ** 2,
    )
    spill = square_zone(world.plan, world.grid, "X03", corner, 100.0)
    own(make_owner("外溢网格员"), "grid_worker", zone=spill)
    report = analyse_layer(world.district, world.grid)
    (outside,) = report.outside_district
    assert outside["zones"] == ["X03"]
    beyond = shape(spill.geom).difference(shape(world.district.boundary))
    assert outside["area_m2"] == pytest.approx(geodesic_m2(beyond), rel=0.01)


def test_coverage_is_given_per_region_level(world: World) -> None:
    report = analyse_layer(world.district, world.grid)
    by_code = {r["code"]: r for r in report.by_region}
    assert set(by_code) == {"110101", "110101002", "110101006", "110101007"}
    assert by_code["110101"]["level"] == "district"
    assert by_code["110101006"]["blind_m2"] == pytest.approx(40_000, rel=GEODESIC)
    assert by_code["110101006"]["coverage_pct"] < 100.0
    assert by_code["110101002"]["coverage_pct"] == 100.0
    assert by_code["110101007"]["coverage_pct"] == 100.0


def test_a_subdistrict_can_be_analysed_on_its_own(world: World) -> None:
    report = analyse_layer(world.subs["S2"], world.grid)
    assert report.region == "110101006"
    assert report.total_m2 == pytest.approx(world.subs["S2"].area_m2, rel=1e-6)
    assert len(report.blind) == 1 and report.overlaps == []
    assert [r["code"] for r in report.by_region] == ["110101006"]


def test_slivers_below_the_setting_are_counted_not_listed(world: World, settings) -> None:
    settings.GRIDMGR_SLIVER_M2 = 50_000.0  # the 40,000 m² gap now counts as a sliver
    report = analyse_layer(world.district, world.grid)
    assert report.blind == [] and report.overlaps == []
    assert report.slivers >= 5  # the gap and the four overlap pieces, at least
    assert report.blind_m2 == pytest.approx(40_000, rel=GEODESIC)  # still measured
    fine = analyse_layer(world.district, world.grid, sliver_m2=1.0)
    assert len(fine.blind) == 1 and len(fine.overlaps) == 4
    assert fine.slivers < report.slivers


def test_analysis_without_commit_writes_nothing(world: World) -> None:
    reports = analyse(world.district, [world.sector, world.grid])
    assert [r.layer for r in reports] == ["板块", "单元网格"]
    assert all(r.change is None for r in reports)
    assert CoverageSnapshot.objects.count() == 0
    assert Ownership.objects.exists()
