"""The demo district (load_demo): Dongcheng with three layers, owners, faults and issues."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import Client, override_settings
from django.utils import timezone

from gridmgr.casework.loop import RUNNING, STEPS
from gridmgr.casework.workcal import Calendar, category_limit, due_time, working_periods
from gridmgr.coverage.analysis import analyse_layer
from gridmgr.models import (
    Account,
    AccountRole,
    CalendarDay,
    GridCode,
    Issue,
    Layer,
    Notification,
    Owner,
    Ownership,
    Photo,
    Region,
    Routing,
    Station,
    Transition,
    Zone,
)
from gridmgr.routing.parties import owner_chain
from gridmgr.scores.board import scoreboard

# One load of the demo (~20 s of load_demo, more on a busy machine) serves every test of the
# module; each test runs in its own savepoint inside it, so none sees another's writes. The tests
# of an empty database are in test_demo_empty_database.py.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TABLES = (Region, Layer, Zone, GridCode, Owner, Ownership, Station, Issue, Routing)


@pytest.fixture(scope="module")
def demo(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo, loaded once for the module and rolled back after it.

    Its evidence photos are written to a temporary media folder.
    """
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
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

    def test_overview_summarises_the_demo_district(self, admin_client: Client) -> None:
        response = admin_client.get("/overview/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "东城区" in page and "Dongcheng" not in page  # Chinese only, until switched
        admin_client.cookies["django_language"] = "en"
        assert "Dongcheng" in admin_client.get("/overview/").content.decode()
        assert "2026年东城区网格方案" in page
        assert "/admin/" in page


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
        for dept in Account.objects.filter(role=AccountRole.DEPARTMENT):
            assert dept.owner is not None and dept.owner.kind == "department"

    def test_demo_admin_twice_keeps_one_account_each(self) -> None:
        from gridmgr.models import Account

        call_command("demo_admin", stdout=StringIO())
        call_command("demo_admin", stdout=StringIO())
        # One per role, and two more department handlers (城管委, 交警) for the demo's history.
        assert Account.objects.count() == 10

    def test_demo_admin_keeps_the_owners_the_history_names(self) -> None:
        before = dict(Account.objects.values_list("user__username", "owner_id"))
        call_command("demo_admin", stdout=StringIO())
        assert dict(Account.objects.values_list("user__username", "owner_id")) == before
        assert Account.objects.get(role="command_centre").user.has_usable_password()

    def test_load_demo_gives_the_demo_accounts_no_usable_password(self) -> None:
        accounts = Account.objects.select_related("user")
        assert accounts.count() == 10
        assert not any(a.user.has_usable_password() for a in accounts)


def _in_working_time(cal: Calendar, moment: dt.datetime) -> bool:
    local = timezone.localtime(moment)
    return cal.is_working_day(local.date()) and any(
        begin <= local.time() <= end for begin, end in working_periods()
    )


@pytest.mark.usefixtures("demo")
class TestDemoHistory:
    """Sixty days of the closed loop behind the demo's issues (demo/history.py)."""

    def issues(self) -> list[Issue]:
        return list(
            Issue.objects.select_related("category", "merged_into").prefetch_related("transitions")
        )

    def test_the_2026_working_calendar_is_loaded(self) -> None:
        assert CalendarDay.objects.count() >= 30
        assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).kind == "holiday"
        assert CalendarDay.objects.get(date=dt.date(2026, 1, 4)).kind == "workday"

    def test_every_timeline_is_a_path_through_the_loop_ending_at_the_status(self) -> None:
        now = timezone.now()
        for issue in self.issues():
            steps = list(issue.transitions.all())
            first, last = steps[0], steps[-1]
            assert (first.action, first.from_status, first.to_status) == ("report", "", "reported")
            assert last.to_status == issue.status, issue
            suspended_from = ""
            for before, step in zip(steps, steps[1:], strict=False):
                assert step.from_status == before.to_status, (issue, step)
                assert before.at <= step.at <= now, (issue, step)
                if step.action == "escalate":
                    assert step.from_status == step.to_status and step.to_status in RUNNING
                    continue
                rule = STEPS[step.action]
                assert step.from_status in rule.sources, (issue, step)
                if step.action == "suspend":
                    suspended_from = step.from_status
                if step.action == "resume":
                    assert step.to_status == suspended_from, (issue, step)
                elif rule.target is None:
                    assert step.to_status == step.from_status, (issue, step)
                else:
                    assert step.to_status == rule.target, (issue, step)
                if rule.needs_comment:
                    assert step.comment.strip(), (issue, step)

    def test_every_issue_has_the_fields_of_its_status_and_timeline(self) -> None:
        cal = Calendar()
        for issue in self.issues():
            steps = list(issue.transitions.all())

            def at(action: str, steps: list[Transition] = steps) -> dt.datetime | None:
                found = [t.at for t in steps if t.action == action]
                return found[-1] if found else None

            status = issue.status
            merged = issue.merged_into_id is not None
            assert issue.registered_at == at("register"), issue
            assert issue.dispatched_at == at("dispatch"), issue
            assert issue.handled_at == at("handle"), issue
            assert issue.closed_at == (at("merge") if merged else at("verify")), issue
            if status not in ("reported", "rejected") and not merged:
                assert issue.registered_at is not None, issue
            if status in ("dispatched", "handling", "handled", "closed") and not merged:
                assert issue.dispatched_at is not None and issue.due_at is not None, issue
            assert (issue.due_at is None) == (issue.dispatched_at is None), issue
            if status in ("handling", "handled") or (status == "closed" and not merged):
                handlers = [t.actor_id for t in steps if t.action in ("accept", "handle")]
                assert issue.handler_id is not None and issue.handler_id == handlers[-1], issue
            if status == "closed":
                assert issue.closed_at is not None, issue
            if status == "suspended":
                suspend = [t for t in steps if t.action == "suspend"][-1]
                assert issue.suspended_at == suspend.at, issue
                assert issue.suspended_from == suspend.from_status, issue
            else:
                assert (issue.suspended_at, issue.suspended_from) == (None, ""), issue
            actions = [t.action for t in steps]
            assert issue.rework_count == actions.count("rework"), issue
            assert issue.escalation_level == actions.count("escalate"), issue
            if issue.dispatched_at is not None and "resume" not in actions:
                # The deadline is the category's limit counted on the loaded working calendar.
                limit = category_limit(issue.category)
                assert issue.due_at == due_time(issue.dispatched_at, *limit, cal), issue

    def test_the_centre_acts_in_working_hours_and_the_handlers_own_their_cases(self) -> None:
        cal = Calendar()
        roles: dict[int | None, str] = dict(Account.objects.values_list("user_id", "role"))
        owners: dict[int | None, int | None] = dict(
            Account.objects.values_list("user_id", "owner_id")
        )
        for issue in self.issues():
            for step in issue.transitions.all():
                if step.action in ("register", "reject", "dispatch"):
                    assert roles[step.actor_id] == AccountRole.COMMAND_CENTRE, (issue, step)
                    assert _in_working_time(cal, step.at), (issue, step)
                elif step.action in ("accept", "handle"):
                    actor = step.actor_id
                    assert roles[actor] == AccountRole.COMMAND_CENTRE or owners[actor] in (
                        issue.owner_id,
                        issue.department_id,
                    ), (issue, step)
                elif step.action in ("verify", "rework"):
                    verifiers = {AccountRole.INSPECTOR.value, AccountRole.COMMAND_CENTRE.value}
                    assert roles[step.actor_id] in verifiers, (issue, step)
                    assert step.actor_id != issue.handler_id, (issue, step)

    def test_the_loop_has_every_kind_of_case(self) -> None:
        statuses = dict(Issue.objects.values_list("status").annotate(n=Count("id")).order_by())
        registered = Issue.objects.filter(registered_at__isnull=False).count()
        # Which few cases are in the quick states (reported, handled) depends on the load time.
        assert {"closed", "rejected", "suspended", "registered", "dispatched", "handling"} <= set(
            statuses
        )
        assert statuses["closed"] > 0.7 * registered
        assert statuses["rejected"] >= 5 and statuses["suspended"] >= 5
        assert Issue.objects.filter(rework_count=1).count() >= 10
        assert Transition.objects.filter(action="resume").exists()
        assert Transition.objects.filter(action="escalate").exists()
        assert Notification.objects.filter(kind="dispatch").count() >= registered

    def test_duplicates_are_merged_into_the_open_case_they_repeat(self) -> None:
        merged = Issue.objects.filter(merged_into__isnull=False).select_related("merged_into")
        assert merged.count() >= 3
        for issue in merged:
            target = issue.merged_into
            assert target is not None and target.merged_into_id is None
            assert issue.category_id == target.category_id
            assert issue.location.distance(target.location) < 0.0003  # ~30 m
            merge = issue.transitions.get(action="merge")
            before = target.transitions.filter(at__lte=merge.at).last()
            assert before is not None and before.to_status in Issue.OPEN_STATUSES

    def test_evidence_photos_belong_to_report_backs(self) -> None:
        evidence = Photo.objects.filter(kind=Photo.Kind.EVIDENCE).select_related("transition")
        assert 5 <= evidence.count() <= 20
        for photo in evidence:
            assert photo.transition is not None and photo.transition.action == "handle"
            assert photo.uploaded_at <= photo.transition.at
            assert photo.public.name and photo.public.storage.exists(photo.public.name)

    def test_citizens_can_follow_their_cases(self, client: Client) -> None:
        citizen = Issue.objects.filter(source__in=("citizen", "hotline"))
        numbers = list(citizen.values_list("tracking_number", flat=True))
        assert len(numbers) > 50 and all(
            n and re.fullmatch(r"\d{6}[0-9A-F]{8}", n) for n in numbers
        )
        assert (
            not Issue.objects.exclude(source__in=("citizen", "hotline"))
            .filter(tracking_number__isnull=False)
            .exists()
        )
        for issue in (
            citizen.filter(status="closed").first(),
            citizen.filter(status="rejected").first(),
        ):
            assert issue is not None and issue.tracking_number
            page = client.get("/track/", {"number": issue.tracking_number})
            assert page.status_code == 200
            assert issue.tracking_number in page.content.decode()
            answer = client.get(f"/open311/v2/requests/{issue.tracking_number}.json")
            assert answer.status_code == 200
            assert answer.json()[0]["status"] == "closed"

    def test_the_scoreboard_of_the_last_60_days_looks_like_a_real_district(self) -> None:
        today = timezone.localdate()
        rows = scoreboard("sector", today - dt.timedelta(days=60), today)
        registered = sum(r.registered for r in rows)
        closed = sum(r.closed for r in rows)
        handled = sum(r.handled for r in rows)
        assert registered > 300
        assert 0.70 <= closed / registered <= 0.90
        assert 0.65 <= sum(r.on_time for r in rows) / closed <= 0.92
        assert 0.03 <= sum(r.reworked for r in rows) / handled <= 0.12
        open_overdue = Issue.objects.filter(
            status__in=Issue.OPEN_STATUSES, due_at__lt=timezone.now()
        ).count()
        assert 0.02 <= open_overdue / registered <= 0.12

    def test_escalate_overdue_has_cases_to_raise(self) -> None:
        out = StringIO()
        call_command("escalate_overdue", stdout=out, stderr=StringIO())
        raised = re.search(r"(\d+) overdue cases escalated", out.getvalue())
        assert raised is not None and int(raised.group(1)) >= 1
        # The escalations of the history went up each case's real chain of owners.
        for issue in Issue.objects.filter(escalation_level__gt=0)[:10]:
            chain = owner_chain(issue)
            notes = Notification.objects.filter(issue=issue, kind="escalation").order_by(
                "created_at"
            )
            assert [n.owner for n in notes] == chain[1 : issue.escalation_level + 1]
