"""The XLSX exports speak the language of the page that asked for them: in English, headers,
layer names, levels, kinds and the service's row labels are English wherever an English one
exists; place, people and zone names are data and stay as stored."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator

import openpyxl
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from openpyxl.worksheet.worksheet import Worksheet

from gridmgr.coverage.analysis import analyse
from tests.gridmgr.coverage_page_client import (
    EXPORT,
    download,
    export_dir,
    fresh_cache,
    logged_in,
    wait_for,
)
from tests.gridmgr.score_cases import build_cases
from tests.loop import People
from tests.world import World

pytestmark = [
    pytest.mark.world_per_module,
    pytest.mark.usefixtures(fresh_cache.__name__, export_dir.__name__, "default_language_after"),
]

CJK = re.compile(r"[\u3400-\u9fff]")
# Columns of labels the product owns (by their English header); the others hold data or numbers.
LABEL_COLUMNS = {"Layer", "Level", "Kind"}


@pytest.fixture
def default_language_after() -> Iterator[None]:
    """A request in English leaves English active in the thread: the next test starts in Chinese."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def coverage_book(client: Client, world: World) -> openpyxl.Workbook:
    """The coverage workbook as the coverage page exports it."""
    form = {"region": world.district.code, "format": "xlsx", "layer": ""}
    job = json.loads(client.post(EXPORT, form).content)
    status = wait_for(client, job["status_url"])
    body, _, _ = download(client, status)
    return openpyxl.load_workbook(io.BytesIO(body))


def label_cells(sheet: Worksheet) -> Iterator[tuple[str, str]]:
    """(header, cell) for every header and every cell of a label column."""
    rows = list(sheet.iter_rows(values_only=True))
    for i, head in enumerate(rows[0]):
        yield str(head), str(head)
        if head in LABEL_COLUMNS:
            yield from ((str(head), str(row[i])) for row in rows[1:] if row[i] is not None)


def test_the_english_coverage_workbook_has_no_chinese_label(world: World, people: People) -> None:
    analyse(world.district, [world.grid], commit=True)  # a change row, with its layer
    book = coverage_book(english(logged_in(people.centre)), world)
    chinese = [
        (sheet.title, head, text)
        for sheet in book.worksheets
        for head, text in label_cells(sheet)
        if CJK.search(text)
    ]
    assert chinese == []
    summary = list(book["汇总 Summary"].iter_rows(values_only=True))
    assert [row[2] for row in summary[1:]] == ["sector", "unit grid"]
    assert summary[0][:3] == ("Region code", "Region", "Layer")
    by_region = list(book["分区覆盖率 By region"].iter_rows(values_only=True))
    assert {row[2] for row in by_region[1:]} == {"district", "sub-district"}
    assert "unit grid coverage %" in by_region[0]
    blind = list(book["盲区 Blind spots"].iter_rows(min_row=2, values_only=True))
    assert blind[0][:2] == ("unit grid", 1) and blind[0][3] == "东四街道"  # a place: data


def test_the_chinese_coverage_workbook_is_chinese(world: World, people: People) -> None:
    book = coverage_book(logged_in(people.centre), world)
    summary = list(book["汇总 Summary"].iter_rows(values_only=True))
    assert summary[0][:3] == ("区域代码", "区域", "图层")
    assert [row[2] for row in summary[1:]] == ["板块", "单元网格"]
    by_region = list(book["分区覆盖率 By region"].iter_rows(values_only=True))
    assert {row[2] for row in by_region[1:]} == {"区", "街道"}


def test_the_english_scoreboard_workbook_has_no_chinese_header_or_service_label(
    world: World, people: People
) -> None:
    build_cases(world)
    client = english(logged_in(people.centre))
    response = client.get("/scores.xlsx?unit=all&start=2026-03-01&end=2026-03-31")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = [
        (sheet.title, str(cell.value))
        for sheet in book.worksheets[:-1]
        for cell in sheet[1]
        if CJK.search(str(cell.value))
    ]
    assert headers == []
    names = [
        str(row[0])
        for sheet in book.worksheets[:-1]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert not [n for n in names if "未指定" in n or "属地兜底" in n]
    notes = [row[0] for row in book.worksheets[-1].iter_rows(values_only=True)]
    assert notes == ["period", "generated", "definitions"]
