"""The scoreboard workbook: a sheet per unit type whose cells equal the scoreboard's rows."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from gridmgr.scores.board import MEASURES, UNITS, scoreboard
from gridmgr.scores.xlsx import header, scores_xlsx, sheet_title, values
from tests.gridmgr.score_cases import MARCH, build_cases
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def book(world: World) -> Workbook:
    build_cases(world)
    with translation.override("zh-hans"):  # the workbook of a Chinese page
        return load_workbook(io.BytesIO(scores_xlsx(*MARCH)))


def test_one_sheet_per_unit_type_then_notes(book: Workbook) -> None:
    assert book.sheetnames == [*(sheet_title(u) for u in UNITS), "说明 notes"]
    assert book["说明 notes"]["B1"].value == "2026-03-01 – 2026-03-31"


@pytest.mark.parametrize("unit", ["sector", "grid_worker", "department", "package_area"])
def test_sheet_cells_equal_the_scoreboard_rows(book: Workbook, unit: str) -> None:
    sheet = book[sheet_title(unit)]
    got = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert got[0] == header(unit)
    expected = [[v if v != "" else None for v in values(r)] for r in scoreboard(unit, *MARCH)]
    assert got[1:] == expected


def test_header_is_in_the_active_language_frozen_and_rates_are_percentages(
    book: Workbook,
) -> None:
    sheet = book[sheet_title("sector")]
    assert sheet["A1"].value == "板块"
    assert sheet.freeze_panes == "B2"
    first = 4  # name, code, owner, then the measures
    kinds = {m.kind: sheet.cell(2, first + k).number_format for k, m in enumerate(MEASURES)}
    assert kinds == {"count": "0", "rate": "0.0%", "hours": "0.0"}
    assert all(sheet.column_dimensions[c].width >= 10 for c in "ABCDEFGHIJ")


def test_only_the_chosen_unit_type(world: World) -> None:
    book = load_workbook(io.BytesIO(scores_xlsx(*MARCH, units=["department"])))
    assert book.sheetnames == ["条线部门 department", "说明 notes"]
