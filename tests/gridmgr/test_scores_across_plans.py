"""The scoreboard after a redrawn plan: one row per unit code, split and merged units marked."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from django.utils import translation
from openpyxl import load_workbook

from gridmgr.editor.drafts import draft_from_active
from gridmgr.models import Issue, Zone
from gridmgr.scores.board import ScoreRow, scoreboard
from gridmgr.scores.charts import measure_charts
from gridmgr.scores.views import row_name
from gridmgr.scores.xlsx import LINEAGE_HEAD, header, scores_xlsx, sheet_title
from gridmgr.territory.plans import activate_plan
from tests.gridmgr.editor_cases import Editors, client_of
from tests.gridmgr.redraw_cases import redraw
from tests.gridmgr.score_cases import MARCH, build_cases
from tests.world import World

MEASURES = ("registered", "closed", "on_time", "handled", "reworked", "overdue", "median_hours")
SVG = "{http://www.w3.org/2000/svg}"
QUERY = "unit=sector&start=2026-03-01&end=2026-03-31"

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def figures(rows: list[ScoreRow]) -> dict[str, tuple]:
    """Each row's code, name and counts, by code; fails if a code is listed twice."""
    codes = [r.code for r in rows]
    assert len(codes) == len(set(codes)), f"a unit listed twice: {codes}"
    return {r.code: (r.name, *(getattr(r, m) for m in MEASURES)) for r in rows}


def total(rows: list[ScoreRow]) -> int:
    return sum(r.registered for r in rows)


@pytest.fixture
def cases(world: World) -> dict[str, Issue]:
    return build_cases(world)


def test_a_sector_kept_by_a_redrawn_plan_keeps_one_row_and_its_totals(
    world: World, editors: Editors, cases: dict[str, Issue]
) -> None:
    before = figures(scoreboard("sector", *MARCH))
    plan = redraw(world, editors.centre, world.sector)
    rows = scoreboard("sector", *MARCH)
    assert figures(rows) == before
    assert all(r.lineage is None for r in rows)
    # Named after the zones now in force.
    assert {r.zone_id for r in rows} == set(
        Zone.objects.filter(plan=plan, code__in=before).values_list("id", flat=True)
    )


def test_a_merged_sector_keeps_its_own_row_marked_merged_into_the_one_that_took_it(
    world: World, editors: Editors, cases: dict[str, Issue]
) -> None:
    before = scoreboard("sector", *MARCH)
    redraw(world, editors.centre, world.sector, merge=("S1", "S2"))
    rows = {r.code: r for r in scoreboard("sector", *MARCH)}
    assert set(rows) == {"S1", "S2"}
    assert total(list(rows.values())) == total(before)
    s1, s2 = rows["S1"], rows["S2"]
    # S2's closed cases stay its own; its open case f now lies in S1 and counts there.
    assert (s2.registered, s2.closed) == (2, 2)
    assert (s1.registered, s1.closed) == (5, 2)
    assert s2.lineage is not None and s1.lineage is not None
    assert (s2.lineage.zh, s2.lineage.en) == ("已并入 S1", "merged into S1")
    assert (s1.lineage.zh, s1.lineage.en) == ("并入了 S2", "took in S2")


def test_a_split_sector_is_marked_on_both_pieces(
    world: World, editors: Editors, cases: dict[str, Issue]
) -> None:
    before = scoreboard("sector", *MARCH)
    redraw(world, editors.centre, world.sector, split=("S1", 0.5))
    rows = scoreboard("sector", *MARCH)
    assert total(rows) == total(before)
    by_code = {r.code: r for r in rows}
    new_code = Zone.objects.filter(layer=world.sector, active=True).order_by("-id")[0].code
    assert new_code not in ("S1", "S2", "S3")
    s1 = by_code["S1"]
    assert s1.lineage is not None
    assert (s1.lineage.zh, s1.lineage.en) == (f"部分划入 {new_code}", f"part now in {new_code}")
    # The S1 cases' cell lies in the piece split off: its open cases c and d moved there.
    piece = by_code[new_code]
    assert (s1.registered, s1.closed, piece.registered, piece.closed) == (2, 2, 2, 0)
    assert piece.lineage is not None
    assert (piece.lineage.zh, piece.lineage.en) == ("新设，原属 S1", "new, formerly part of S1")


def test_a_recoded_sector_is_marked_with_its_new_code(
    world: World, editors: Editors, cases: dict[str, Issue]
) -> None:
    plan = draft_from_active("东四改编", [world.sector], editors.centre)
    Zone.objects.filter(plan=plan, code="S2").update(code="S9")
    activate_plan(plan)
    rows = {r.code: r for r in scoreboard("sector", *MARCH)}
    s2, s9 = rows["S2"].lineage, rows["S9"].lineage
    assert s2 is not None and (s2.zh, s2.en) == ("已改编为 S9", "recoded as S9")
    assert s9 is not None and (s9.zh, s9.en) == ("新设，原属 S2", "new, formerly part of S2")
    assert (rows["S2"].registered, rows["S9"].registered) == (2, 1)  # f, open, moved to S9


def test_a_sector_dropped_with_no_successor_is_marked_retired(
    world: World, editors: Editors, cases: dict[str, Issue]
) -> None:
    plan = draft_from_active("无东四", [world.sector], editors.centre)
    Zone.objects.filter(plan=plan, code="S2").delete()
    activate_plan(plan)
    s2 = {r.code: r for r in scoreboard("sector", *MARCH)}["S2"].lineage
    assert s2 is not None and (s2.zh, s2.en) == ("已撤销", "retired")


def test_page_charts_and_workbook_list_each_sector_once_with_its_mark(
    world: World, editors: Editors, cases: dict[str, Issue]
) -> None:
    redraw(world, editors.centre, world.sector, merge=("S1", "S2"))
    rows = scoreboard("sector", *MARCH)
    client = client_of(editors.centre)
    page = client.get(f"/scores/?{QUERY}").text
    mark = '<td>{} <span class="en">{} · <span class="change">{}</span></span></td>'
    assert (
        page.count("<td>景山街道 <span")
        == page.count(mark.format("景山街道", "S1", "并入了 S2"))
        == 1
    )
    assert (
        page.count("<td>东四街道 <span")
        == page.count(mark.format("东四街道", "S2", "已并入 S1"))
        == 1
    )
    english = client_of(editors.centre)
    english.cookies["django_language"] = "en"
    text = english.get(f"/scores/?{QUERY}").text
    assert mark.format("东四街道", "S2", "merged into S1") in text
    assert "东四街道 (merged into S1)" in text  # a chart's label
    with translation.override("zh-hans"):
        named = [replace(r, name=row_name(r)) for r in rows]
        charts = measure_charts(named, 10)
    for _, svg in charts:
        labels = [g.findtext(f"{SVG}title") for g in ET.fromstring(svg).iter(f"{SVG}g")]
        assert len(labels) == len(set(labels)) and len(labels) <= 2
        assert any(label.startswith("东四街道（已并入 S1）") for label in labels), labels
    for language, merged, took in (
        ("zh-hans", "已并入 S1", "并入了 S2"),
        ("en", "merged into S1", "took in S2"),
    ):
        with translation.override(language):
            book = load_workbook(io.BytesIO(scores_xlsx(*MARCH, units=["sector"])))
            sheet = [list(r) for r in book[sheet_title("sector")].iter_rows(values_only=True)]
            assert sheet[0] == header("sector")
            assert sheet[0][-1] == (LINEAGE_HEAD[0] if language == "zh-hans" else LINEAGE_HEAD[1])
        assert [r[1] for r in sheet[1:]] == ["S1", "S2"]
        assert (sheet[1][-1], sheet[2][-1]) == (took, merged)
