"""Pages of the evaluation scoreboard (综合评价) and its download."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext

from gridmgr.i18n import local_pair
from gridmgr.pages import page_view
from gridmgr.scores import board as scores
from gridmgr.scores.charts import measure_charts, show
from gridmgr.scores.forms import ScoreForm
from gridmgr.scores.xlsx import scores_xlsx

TOP_N = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def row_name(row: scores.ScoreRow, marked: bool = True) -> str:
    """A scoreboard row's name on the page: the bilingual marks of the service in one language,
    and (marked) what a plan change made of a zone unit ("东四街道（已并入 S1）")."""
    name = scores.row_label(row.name)
    if marked and row.lineage is not None:
        return gettext("%(name)s（%(change)s）") % {"name": name, "change": local_pair(row.lineage)}
    return name


def _table(rows: list[scores.ScoreRow]) -> list[tuple[scores.ScoreRow, str, list[str]]]:
    """Rows of the table: the unit (its plan change on the line of its code) and its cells."""
    return [
        (
            replace(r, name=row_name(r, marked=False)),
            local_pair(r.lineage) if r.lineage is not None else "",
            [show(m, getattr(r, m.key)) for m in scores.MEASURES],
        )
        for r in rows
    ]


@page_view("scores")
def scores_page(request: HttpRequest) -> HttpResponse:
    """The scoreboard of one unit type for a period: table, a chart per measure, download."""
    form = ScoreForm(request.GET)
    if not form.is_valid():
        return render(request, "scores.html", {"form": form}, status=400)
    unit, start, end = (form.cleaned_data[k] for k in ("unit", "start", "end"))
    rows = scores.scoreboard(unit, start, end)
    query = {"start": start.isoformat(), "end": end.isoformat()}
    return render(
        request,
        "scores.html",
        {
            "form": form,
            "unit": scores.UNITS[unit],
            "start": start,
            "end": end,
            "measures": scores.MEASURES,
            "table": _table(rows),
            "charts": measure_charts([replace(r, name=row_name(r)) for r in rows], TOP_N),
            "top_n": TOP_N,
            "xlsx_query": urlencode({"unit": unit, **query}),
            "xlsx_all_query": urlencode({"unit": "all", **query}),
        },
    )


@page_view("scores")
def scores_download(request: HttpRequest) -> HttpResponse:
    """The scoreboard as .xlsx: the chosen unit type, or all of them with unit=all."""
    form = ScoreForm(request.GET, allow_all=True)
    if not form.is_valid():
        return HttpResponseBadRequest(
            form.errors.as_text(), content_type="text/plain; charset=utf-8"
        )
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    response = HttpResponse(scores_xlsx(start, end, form.units()), content_type=XLSX)
    name = f"scores_{form.cleaned_data['unit']}_{start}_{end}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
