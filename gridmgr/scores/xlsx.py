"""The evaluation scoreboard as an Excel workbook: one sheet per unit type, then a notes sheet,
in the active language (the page's that asked for it); sheet names keep both."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Sequence

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gridmgr.i18n import local
from gridmgr.scores import board as scores
from gridmgr.scores.board import MEASURES, UNITS, ScoreRow

NUMBER_FORMATS = {"count": "0", "rate": "0.0%", "hours": "0.0"}
# Counts behind the rates, so that a reader can check them in the sheet.
EXTRA = (
    ("on_time", "按期结案数", "closed on time"),
    ("handled", "已处置数", "handled"),
    ("reworked", "返工案件数", "reworked"),
)
# What became of a zone unit in a redrawn plan (retired, merged into, split into, new).
LINEAGE_HEAD = ("方案调整", "plan change")
HEADER_FILL = PatternFill("solid", fgColor="F5F7FA")


def header(unit: str) -> list[str]:
    """The column titles of a unit type's sheet, in the active language."""
    u = UNITS[unit]
    head = [local(u.zh, u.en), local("编码", "code"), local("责任人", "owner")]
    head += [local(m.zh, m.en) for m in MEASURES]
    return head + [local(zh, en) for _, zh, en in EXTRA] + [local(*LINEAGE_HEAD)]


def values(row: ScoreRow) -> list[object]:
    """A row's cells in the order of `header` (the service's bilingual names in one language)."""
    cells: list[object] = [scores.row_label(row.name), row.code, row.owner]
    cells += [getattr(row, m.key) for m in MEASURES]
    cells += [getattr(row, key) for key, _, _ in EXTRA]
    lineage = row.lineage
    return [*cells, local(lineage.zh, lineage.en) if lineage is not None else ""]


def scores_xlsx(start: dt.date, end: dt.date, units: Sequence[str] = tuple(UNITS)) -> bytes:
    """The scoreboards of the given unit types for a period, as the bytes of an .xlsx file."""
    book = Workbook()
    book.remove(book.active)
    for unit in units:
        _sheet(book, unit, scores.scoreboard(unit, start, end))
    _notes(book, start, end)
    book.properties.title = f"{local('综合评价', 'scoreboard')} {start} – {end}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_title(unit: str) -> str:
    u = UNITS[unit]
    return f"{u.zh} {u.en}"[:31]  # Excel's limit on sheet names


def _sheet(book: Workbook, unit: str, rows: list[ScoreRow]) -> None:
    sheet = book.create_sheet(sheet_title(unit))
    sheet.append(header(unit))
    for row in rows:
        sheet.append(values(row))
    formats = ["@"] * 3 + [NUMBER_FORMATS[m.kind] for m in MEASURES] + ["0"] * len(EXTRA) + ["@"]
    for col, fmt in enumerate(formats, start=1):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = fmt
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    _widths(sheet)


def _widths(sheet: Worksheet) -> None:
    # Headers wrap, so they count for half their width;
    # numbers show as at most "100.0%" or a few digits, however long their float is.
    for col in sheet.iter_cols():
        body = max((_cell_width(c.value) for c in col[1:] if c.value is not None), default=0)
        width = max(body, text_width(str(col[0].value)) / 2, 8) + 2
        sheet.column_dimensions[get_column_letter(col[0].column)].width = min(width, 40)


def _cell_width(value: object) -> float:
    return 8 if isinstance(value, int | float) else text_width(str(value))


def text_width(text: str) -> float:
    """Width of a text in Excel character units: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _notes(book: Workbook, start: dt.date, end: dt.date) -> None:
    sheet = book.create_sheet("说明 notes")
    sheet.append([local("期间", "period"), f"{start} – {end}"])
    sheet.append([local("生成时间", "generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    sheet.append([local("口径", "definitions"), (scores.__doc__ or "").strip()])
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 100
    sheet["B3"].alignment = Alignment(wrap_text=True, vertical="top")
