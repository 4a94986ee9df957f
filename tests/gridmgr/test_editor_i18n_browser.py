"""The zone editor in a real browser, in Chinese by default and in English when chosen: the side
panel, the messages of editor.js and editor-preview.js, and Leaflet-Geoman's own toolbar titles,
drawing hint and action buttons. Screenshots of both languages go to tests/artifacts/."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser import ARTIFACTS, BROWSER_TEST
from tests.gridmgr.editor_cases import draft_cells, grid_draft, make_editors
from tests.gridmgr.test_editor_browser import (
    READY,
    chromium,
    screen_point,
    show,
)
from tests.world import World

pytest.importorskip("playwright")
from playwright.sync_api import Page  # noqa: E402

pytestmark = BROWSER_TEST
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]+")
POLYGON = ".button-container:has(.leaflet-pm-icon-polygon)"
AREA = re.compile(r"\d{1,3}(,\d{3})*\.\d m²")


def geoman_texts(page: Page, screenshot: str) -> dict[str, str]:
    """Start drawing a polygon and read Geoman's texts: button titles, hint, actions; then stop."""
    texts = {
        "draw": page.get_attribute(POLYGON, "title") or "",
        "edit": page.get_attribute(".button-container:has(.leaflet-pm-icon-edit)", "title") or "",
        "zoom": page.get_attribute(".leaflet-control-zoom-in", "title") or "",
    }
    page.click(".leaflet-pm-icon-polygon")
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 300, box["y"] + 300)
    page.wait_for_selector(".leaflet-tooltip-bottom")
    texts["hint"] = page.inner_text(".leaflet-tooltip-bottom")
    texts["cancel"] = page.inner_text(f"{POLYGON} .action-cancel")
    texts["undo"] = page.inner_text(f"{POLYGON} .action-removeLastVertex")
    page.screenshot(path=str(ARTIFACTS / screenshot))
    page.click(f"{POLYGON} .action-cancel")
    return texts


def select_and_preview(page: Page, lon: float, lat: float) -> tuple[str, str]:
    """Click a zone and preview the draft: the selection's and the preview's text."""
    page.click("#btn-clear")
    page.mouse.click(*screen_point(page, lon, lat))
    page.wait_for_function("() => document.querySelector('#sel-count').textContent === '1'")
    page.click("#btn-preview")
    page.wait_for_function("() => window.gmeditor.state.lastPreview && !window.gmeditor.busy()")
    return page.inner_text("#sel-list"), page.inner_text("#preview")


def test_the_editor_and_geoman_speak_chinese_then_english(world: World, live_server: Any) -> None:
    editors = make_editors(world)
    plan = grid_draft(world, editors, "语言草稿")
    cell = draft_cells(world, plan, "S3")[6]
    spot = world.inside(cell)
    url = f"/editor/?plan={plan.pk}&layer={world.grid.pk}"
    with chromium(live_server) as browser:
        page = browser.log_in("zhongxin", url)
        page.wait_for_function(READY)
        show(page, *spot, zoom=16)
        assert page.evaluate("document.documentElement.lang") == "zh-hans"
        zh = geoman_texts(page, "editor_i18n_geoman_zh.png")
        assert zh == {
            "draw": "绘制区域",
            "edit": "编辑顶点",
            "zoom": "放大",
            "hint": "单击放置首个顶点",
            "cancel": "取消",
            "undo": "移除最后的顶点",
        }
        chosen, preview = select_and_preview(page, *spot)
        assert "（网格员）" in chosen and AREA.search(chosen), chosen
        assert "盲区面积" in preview and "覆盖率" in preview and AREA.search(preview), preview
        side = page.inner_text("#side")
        assert "工具" in side and "Tools" not in side and "Preview" not in side
        page.screenshot(path=str(ARTIFACTS / "editor_i18n_zh.png"))

        with page.expect_navigation():
            page.click("form.lang button:text-is('English')")
        page.wait_for_function(READY)
        show(page, *spot, zoom=16)
        assert page.evaluate("document.documentElement.lang") == "en"
        en = geoman_texts(page, "editor_i18n_geoman_en.png")
        assert en == {
            "draw": "Draw a zone",
            "edit": "Edit vertices",
            "zoom": "Zoom in",
            "hint": "Click to place first vertex",
            "cancel": "Cancel",
            "undo": "Remove Last Vertex",
        }
        chosen, preview = select_and_preview(page, *spot)
        assert "(grid worker)" in chosen and AREA.search(chosen), chosen
        assert "Blind spots" in preview and "Coverage" in preview and AREA.search(preview), preview
        assert "Preview updated" in page.inner_text("#msg")
        side = page.inner_text("#side")
        for label in ("Tools", "Split", "Merge", "Lasso", "Owner", "Valid from", "Activate plan"):
            assert label in side, label
        # Chinese left on the English page is data only: the plan's, zones' and owners' names.
        names = ["语言草稿", cell.name, *(o.name for o in world.owners.values())]
        data = {run for name in names for run in CJK.findall(name)}
        assert {run for run in CJK.findall(side) if run not in data} == set(), side
        page.screenshot(path=str(ARTIFACTS / "editor_i18n_en.png"))

        page.goto(f"{live_server.url}/editor/")
        assert page.input_value("#draft-name").startswith("Draft ")
        assert "Pick a draft plan" in page.inner_text("#side")
        page.screenshot(path=str(ARTIFACTS / "editor_i18n_chooser_en.png"))
