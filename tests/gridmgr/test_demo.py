"""The demo district (load_demo): Dongcheng with three layers, owners, faults and issues."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client

from gridmgr.models import (
    GridCode,
    Issue,
    Layer,
    Owner,
    Ownership,
    Region,
    Routing,
    Station,
    Zone,
)
from gridmgr.services.coverage import analyse_layer

pytestmark = pytest.mark.django_db

TABLES = (Region, Layer, Zone, GridCode, Owner, Ownership, Station, Issue, Routing)


@pytest.fixture(scope="class")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The demo, loaded once for the class below and rolled back after it (a load takes ~10 s)."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", "--commit", stdout=out, stderr=StringIO())
        yield out.getvalue()
        transaction.set_rollback(True)


def counts() -> dict[str, tuple[int, int | None]]:
    """Rows and highest id of every table the demo writes."""
    return {
        m.__name__: (
            m.objects.count(),
            m.objects.order_by("-pk").values_list("pk", flat=True).first(),
        )
        for m in TABLES
    }


@pytest.mark.usefixtures("demo")
class TestLoadedDemo:
    """What the loaded demo holds."""

    def test_demo_has_the_district_and_its_17_subdistricts(self) -> None:
        district = Region.objects.district()
        assert (district.code, district.name, district.name_en) == ("110101", "东城区", "Dongcheng")
        subs = Region.objects.filter(level=Region.Level.SUBDISTRICT, parent=district)
        assert subs.count() == 17
        assert subs.get(code="110101007").name_en == "Chaoyangmen"

    def test_every_layer_has_active_zones(self) -> None:
        layers = list(Layer.objects.order_by("rank").values_list("name_en", flat=True))
        assert layers == ["Sector", "Package area", "Unit grid"]
        for layer in Layer.objects.all():
            assert Zone.objects.active().filter(layer=layer).count() >= 6, layer.name

    def test_unit_grids_number_thousands_with_unique_15_digit_codes(self) -> None:
        grids = Zone.objects.filter(layer__is_unit_grid=True)
        rows = list(grids.values_list("code", "region__code", "parent__layer__rank"))
        codes = [code for code, _, _ in rows]
        assert len(rows) > 3000
        assert len(set(codes)) == len(codes)
        assert all(re.fullmatch(r"\d{15}", code) for code in codes)
        # Numbered inside their sub-district, and nested in a package area.
        assert all(code.startswith(region.ljust(12, "0")) for code, region, _ in rows)
        assert {rank for _, _, rank in rows} == {1}

    def test_every_package_area_has_its_station_inside_it(self) -> None:
        areas = Zone.objects.filter(layer__rank=1)
        assert areas.count() >= 24
        for area in areas:
            assert Station.objects.filter(package_area=area, location__coveredby=area.geom).exists()
            assert area.ownerships.filter(role="stationed_cadre").exists()

    def test_the_only_coverage_faults_are_the_planted_ones(self) -> None:
        district = Region.objects.district()
        sector, package, unit = Layer.objects.order_by("rank")
        for layer in (sector, package):
            report = analyse_layer(district, layer)
            assert (report.blind, report.overlaps, report.crossing_parent) == ([], [], [])
        report = analyse_layer(district, unit)
        # Two holes of 2×2 grids, and two neighbouring grids without owner.
        assert sorted(round(b["area_m2"], -2) for b in report.blind) == [20000, 40000, 40000]
        assert len(report.unowned) == 2
        assert [round(o["area_m2"], -2) for o in report.overlaps] == [3000, 3000]
        assert report.crossing_parent == []

    def test_demo_issues_show_blind_spots_and_overlaps(self) -> None:
        issues = Issue.objects.all()
        assert 350 <= issues.count() <= 400
        assert issues.filter(in_blind_spot=True).exists()
        assert issues.filter(in_overlap=True).exists()
        assert not issues.filter(owner__isnull=True).exists()
        assert not issues.filter(department__isnull=True).exists()
        assert issues.values("status").distinct().count() >= 4
        assert Routing.objects.count() == 3 * issues.count()

    def test_load_demo_once_changes_nothing_when_loaded(self) -> None:
        before = counts()
        out = StringIO()
        call_command("load_demo", "--commit", "--once", stdout=out)
        assert counts() == before
        assert "already loaded" in out.getvalue()

    def test_admin_pages_render_with_local_maps_only(self, admin_client: Client) -> None:
        models = ("region", "layer", "plan", "zone", "owner", "ownership", "station", "category")
        pages = [f"/admin/gridmgr/{m}/" for m in (*models, "issue", "coveragesnapshot")]
        zone = Zone.objects.filter(layer__is_unit_grid=True).first()
        issue = Issue.objects.filter(in_overlap=True).first()
        assert zone is not None and issue is not None
        pages += [
            f"/admin/gridmgr/zone/{zone.pk}/change/",
            f"/admin/gridmgr/issue/{issue.pk}/change/",
        ]
        for page in pages:
            response = admin_client.get(page)
            assert response.status_code == 200, page
            html = response.content.decode()
            assert "cdn." not in html and "openstreetmap" not in html, page
        assert "leaflet/leaflet.js" in html
        assert "分派回执" in html  # the issue's routing receipt

    def test_home_page_summarises_the_demo_district(self, client: Client) -> None:
        response = client.get("/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "东城区" in page and "Dongcheng" in page
        assert "2026年东城区网格方案" in page
        assert "/admin/" in page


def test_load_demo_once_leaves_a_database_with_other_data_alone() -> None:
    Layer.objects.create(name="其他图层", name_en="Other layer")
    out = StringIO()
    call_command("load_demo", "--commit", "--once", stdout=out)
    assert "holds other data" in out.getvalue()
    assert not Region.objects.exists()


def test_load_demo_refuses_a_database_with_other_data() -> None:
    Layer.objects.create(name="其他图层", name_en="Other layer")
    with pytest.raises(CommandError, match="empty"):
        call_command("load_demo", "--commit", stdout=StringIO(), stderr=StringIO())


def test_home_page_renders_without_any_data(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "load_demo" in response.content.decode()


@pytest.mark.usefixtures("demo")
class TestDemoAccounts:
    """One demo login per role, each acting as a real owner."""

    def test_demo_admin_creates_one_account_per_role_with_real_owners(self) -> None:
        from gridmgr.models import Account, AccountRole

        out = StringIO()
        call_command("demo_admin", stdout=out)
        roles = dict(Account.objects.values_list("user__username", "role"))
        assert set(roles.values()) == set(AccountRole.values)
        for username in roles:
            assert username in out.getvalue()
        worker = Account.objects.get(role=AccountRole.GRID_WORKER)
        assert Ownership.objects.filter(owner=worker.owner, role="grid_worker").exists()
        lead = Account.objects.get(role=AccountRole.SECTOR_LEAD)
        assert Ownership.objects.filter(owner=lead.owner, role="sector_lead").exists()
        dept = Account.objects.get(role=AccountRole.DEPARTMENT)
        assert dept.owner is not None and dept.owner.kind == "department"

    def test_demo_admin_twice_keeps_one_account_each(self) -> None:
        from gridmgr.models import Account

        call_command("demo_admin", stdout=StringIO())
        call_command("demo_admin", stdout=StringIO())
        assert Account.objects.count() == 8
