"""The case sheet: the receipt per layer, owners, deadlines, history; only the allowed actions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from gridmgr.casework.loop import apply, receive
from gridmgr.models import Issue
from tests.gridmgr.casework_cases import cases, client_of, detail, grid_code, number, offered
from tests.loop import People, at, dispatched, spot
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def test_the_sheet_shows_the_routing_receipt_of_every_layer(world: World, people: People) -> None:
    issue = cases(world).s3_rubbish
    page = client_of(people.centre).get(detail(issue)).text
    receipt = page[page.index('id="receipt"') : page.index("</table>", page.index('id="receipt"'))]
    rows = re.findall(r"<tr>(.*?)</tr>", receipt, re.S)[1:]
    assert len(rows) == 2
    assert "板块" in rows[0] and "S3 朝阳门街道" in rows[0] and "板块长S3" in rows[0]
    assert "单元网格" in rows[1] and grid_code(issue) in rows[1] and "网格员S3" in rows[1]
    assert all("2026 网格方案" in row and "区域覆盖" in row for row in rows)


def test_the_sheet_shows_owner_chain_department_and_blind_spot(
    world: World, people: People
) -> None:
    blind = cases(world).blind
    page = client_of(people.centre).get(detail(blind)).text
    assert "城管执法局" in page
    assert "盲区（属地兜底）" in page
    assert "东四街道办事处" in page  # the territorial fallback owner heads the chain


def test_the_sheet_shows_deadlines_and_overdue(world: World, people: People) -> None:
    issue = dispatched(world, people, timezone.now() - dt.timedelta(days=3))
    page = client_of(people.centre).get(detail(issue)).text
    assert "（已超期）" in page
    assert timezone.localtime(issue.due_at).strftime("%Y-%m-%d %H:%M") in page


def test_the_timeline_lists_steps_with_who_and_comments(world: World, people: People) -> None:
    issue = cases(world).s3_rubbish
    apply(issue, "register", people.centre, comment="情况属实")
    apply(issue, "dispatch", people.centre)
    page = client_of(people.centre).get(detail(issue)).text
    timeline = page[page.index('id="timeline"') :]
    assert "<strong>立案</strong>" in timeline and "情况属实" in timeline
    assert "市民上报" in timeline  # who reported: the issue's source
    assert "<strong>派遣</strong>" in timeline and "已上报 → 已立案" in timeline
    assert "派遣通知" in timeline  # the dispatch notified the parties


def test_each_role_is_offered_exactly_its_allowed_actions(world: World, people: People) -> None:
    issue = cases(world).s3_rubbish
    centre, worker = client_of(people.centre), client_of(people.worker)
    assert offered(centre.get(detail(issue)).text) == ["register", "reject", "reassign", "merge"]
    assert offered(worker.get(detail(issue)).text) == []
    apply(issue, "register", people.centre)
    apply(issue, "dispatch", people.centre)
    assert offered(worker.get(detail(issue)).text) == ["accept"]
    assert offered(client_of(people.inspector).get(detail(issue)).text) == []


def test_a_case_outside_ones_area_is_not_found(world: World, people: People) -> None:
    s1 = cases(world).s1_rubbish
    assert client_of(people.worker).get(detail(s1)).status_code == 404


def test_the_centre_is_offered_duplicates_with_a_merge_button(world: World, people: People) -> None:
    first = receive(*spot(world), world.categories["rubbish"], now=at(2026, 3, 2, 9)).issue
    second = receive(*spot(world), world.categories["rubbish"], now=at(2026, 3, 2, 10)).issue
    page = client_of(people.centre).get(detail(second)).text
    assert 'id="duplicates"' in page and number(first) in page
    assert f'action="/issues/{first.pk}/act/"' in page  # merge it into this case
    worker_page = client_of(people.worker).get(detail(second)).text
    assert f'action="/issues/{first.pk}/act/"' not in worker_page


def test_a_closed_case_offers_no_duplicates(world: World, people: People) -> None:
    receive(*spot(world), world.categories["rubbish"], now=at(2026, 3, 2, 9))
    second = receive(*spot(world), world.categories["rubbish"], now=at(2026, 3, 2, 10)).issue
    Issue.objects.filter(pk=second.pk).update(status="closed")
    assert 'id="duplicates"' not in client_of(people.centre).get(detail(second)).text
