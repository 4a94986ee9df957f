"""The scoreboard page and its download: login required, form, table, a chart per measure."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from gridmgr.models import Account, AccountRole
from gridmgr.scores.board import MEASURES
from tests.gridmgr.score_cases import build_cases
from tests.world import World

MARCH = "start=2026-03-01&end=2026-03-31"


@pytest.fixture
def worker_client(world: World, client: Client) -> Client:
    """A grid worker logged in: the lowest role, which may still see the scores."""
    user = get_user_model().objects.create_user("zhangsan", password="pw-123456")
    Account.objects.create(user=user, role=AccountRole.GRID_WORKER, owner=world.owners["网格员S1"])
    client.force_login(user)
    build_cases(world)
    return client


@pytest.mark.parametrize("url", ["/scores/", "/scores.xlsx"])
def test_anonymous_visitors_are_sent_to_log_in(db: None, client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL)
    assert "next=" in response["Location"]


def test_page_shows_the_table_of_the_period(worker_client: Client) -> None:
    page = worker_client.get(f"/scores/?unit=grid_worker&{MARCH}")
    assert page.status_code == 200
    text = page.text
    assert "综合评价" in text and "Scoreboard" not in text
    assert "网格员S1" in text and "66.7%" in text  # rework rate of 网格员S1
    assert "/scores.xlsx?unit=grid_worker&amp;start=2026-03-01&amp;end=2026-03-31" in text


def test_page_has_one_svg_chart_per_measure(worker_client: Client) -> None:
    text = worker_client.get(f"/scores/?unit=sector&{MARCH}").text
    assert text.count("<svg") == len(MEASURES)
    for m in MEASURES:
        assert f'data-measure="{m.key}"' in text
    # No JavaScript but the top bar's menu, and nothing from elsewhere: the charts are SVG.
    assert text.count("<script") == 1 and '<script src="/static/gridmgr/topbar.js">' in text


def test_page_defaults_to_sectors_over_the_last_30_days(worker_client: Client) -> None:
    page = worker_client.get("/scores/")
    assert page.status_code == 200
    today = timezone.localdate()
    assert f'value="{today.isoformat()}"' in page.text
    assert "板块评价" in page.text


def test_a_bad_period_is_explained_not_crashed(worker_client: Client) -> None:
    page = worker_client.get("/scores/?unit=sector&start=2026-03-31&end=2026-03-01")
    assert page.status_code == 400
    assert "结束日期早于开始日期" in page.text
    assert worker_client.get("/scores.xlsx?unit=nope").status_code == 400


def test_download_is_an_xlsx_of_the_chosen_unit_or_all(worker_client: Client) -> None:
    response = worker_client.get(f"/scores.xlsx?unit=department&{MARCH}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "scores_department_2026-03-01_2026-03-31.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["条线部门 department", "说明 notes"]
    everything = worker_client.get(f"/scores.xlsx?unit=all&{MARCH}")
    assert len(load_workbook(io.BytesIO(everything.content)).sheetnames) == 5
