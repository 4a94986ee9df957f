"""The zone editor in a real browser (Debian's chromium driven by Playwright), as the issue tells
it: the centre logs in, starts a draft from the active plan, draws a zone into the world's gap
by clicking a few pixels off the neighbours' corners (Geoman snaps onto them), gives it an
owner, previews (the gap is gone) and activates; the blind-spot area falls by the zone's area.
A sector lead then finds zones outside its sector read-only, and the API refuses them (403).
Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import shapely
from shapely.geometry import shape as geojson_shape

from gridmgr.coverage.analysis import analyse_layer
from gridmgr.editor.preview import preview_draft
from gridmgr.models import Plan, Zone
from tests.browser import ARTIFACTS, BROWSER_TEST, launch
from tests.gridmgr.editor_cases import Editors, draft_cells, grid_draft, make_editors, neighbour
from tests.world import World, full_cells, shape

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, Response, sync_playwright  # noqa: E402

READY = "() => window.gmeditor && window.gmeditor.byId && !window.gmeditor.busy() && window.gmeditor.byId.size > 0"
# How far from each corner the test clicks, in screen pixels: inside Geoman's snap distance.
OFF_PX = (5, -4)
# The shape Geoman is drawing (Polygon, Line, Cut): its hint marker (under the cursor; `_snapped`
# once moved onto a vertex or edge within the snap distance) and its vertices so far.
DRAWING = "window.gmeditor.map.pm.Draw[window.gmeditor.map.pm.Draw.getActiveShape()]"
SNAPPED_ON = (
    f"([lat, lon]) => {{ const h = {DRAWING}?._hintMarker;"
    " return !!h && h._snapped && h.getLatLng().distanceTo([lat, lon]) < 1; }"
)
VERTICES = f"n => {DRAWING}?._layer?.getLatLngs().length === n"

pytestmark = BROWSER_TEST


@dataclass
class Scene:
    editors: Editors
    corners: list[tuple[float, float]]  # the gap's corners, lon/lat
    blind_before: float
    lead_plan: Plan  # a second draft, for the sector lead
    theirs: Zone  # a zone of S1 in it (outside the lead's sector S3)
    mine: Zone  # a zone of S3 in it


@pytest.fixture
def scene(world: World) -> Scene:
    editors = make_editors(world)
    lead_plan = grid_draft(world, editors, "板块长的草稿")
    corners = list(world.gap.exterior.coords)[:-1]
    return Scene(
        editors=editors,
        corners=[(float(x), float(y)) for x, y in corners],
        blind_before=analyse_layer(world.district, world.grid).blind_m2,
        lead_plan=lead_plan,
        theirs=draft_cells(world, lead_plan, "S1")[6],
        mine=draft_cells(world, lead_plan, "S3")[6],
    )


@dataclass
class Chromium:
    browser: Browser
    url: str
    outside: list[str]
    errors: list[str]

    def log_in(self, user: str, next_url: str) -> Page:
        """A new page, logged in at /accounts/login/ and sent on to next_url."""
        page = self.browser.new_page(viewport={"width": 1400, "height": 900})
        page.on(
            "request",
            lambda r: None if r.url.startswith((self.url, "data:")) else self.outside.append(r.url),
        )
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.goto(f"{self.url}/accounts/login/?next={next_url}")
        page.fill("#id_username", user)
        page.fill("#id_password", f"{user}-secret-1")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page


@contextmanager
def chromium(live_server: Any) -> Iterator[Chromium]:
    """Chromium; no database access inside (Playwright's sync API runs an event loop here)."""
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        found = Chromium(browser, live_server.url, [], [])
        yield found
        browser.close()
    assert found.outside == []  # no CDN, no base map tiles
    assert found.errors == []  # no script error on any page


def zone_load(response: Response) -> bool:
    """The editor's load of its layer's zones in view (its parent's context has no zoom)."""
    return ".geojson?bbox=" in response.url and "&zoom=" in response.url


def show(page: Page, lon: float, lat: float, zoom: int = 17) -> None:
    """Centre the map, then wait for the zones of the new view: Leaflet fires moveend on every
    setView without animation, and the editor reloads 150 ms (debounced) after it."""
    with page.expect_response(zone_load):
        page.evaluate(f"window.gmeditor.map.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
    page.wait_for_function(READY)


def screen_point(page: Page, lon: float, lat: float) -> tuple[float, float]:
    box = page.locator("#map").bounding_box()
    assert box is not None
    x, y = page.evaluate(
        f"(() => {{ const p = window.gmeditor.map.latLngToContainerPoint([{lat}, {lon}]); "
        "return [p.x, p.y]; })()"
    )
    return box["x"] + x, box["y"] + y


def draw_snapped(page: Page, corners: list[tuple[float, float]]) -> None:
    """Draw a polygon by clicking a few pixels off each corner, then on the first vertex."""
    page.click(".leaflet-pm-icon-polygon")
    for n, (lon, lat) in enumerate(corners, start=1):
        x, y = screen_point(page, lon, lat)
        page.mouse.move(x + OFF_PX[0] - 3, y + OFF_PX[1] - 3)
        page.mouse.move(x + OFF_PX[0], y + OFF_PX[1])
        page.wait_for_function(SNAPPED_ON, arg=[lat, lon])  # the click lands on the corner
        page.mouse.click(x + OFF_PX[0], y + OFF_PX[1])
        page.wait_for_function(VERTICES, arg=n)
    x, y = screen_point(page, *corners[0])
    page.mouse.move(x + 1, y + 1)
    page.wait_for_function(SNAPPED_ON, arg=[corners[0][1], corners[0][0]])  # closes the outline
    page.mouse.click(x, y)


def click_vertices(page: Page, points: list[tuple[float, float]]) -> None:
    """Click the points in a Geoman draw mode, each once Geoman holds the vertex before it; the
    last click, on the first or the last vertex again, finishes the shape."""
    for n, point in enumerate(points[:-1], start=1):
        page.mouse.click(*screen_point(page, *point))
        page.wait_for_function(VERTICES, arg=n)
    page.mouse.click(*screen_point(page, *points[-1]))


def test_draw_a_snapped_zone_own_it_preview_activate_and_a_lead_is_refused(
    world: World, scene: Scene, live_server: Any
) -> None:
    lon0, lat0 = world.gap.centroid.x, world.gap.centroid.y
    with chromium(live_server) as browser:
        page = browser.log_in("zhongxin", "/editor/")
        page.screenshot(path=str(ARTIFACTS / "editor_start.png"))
        # Start a draft from the active plan with the button (unit grids only).
        page.fill("#draft-name", "浏览器草稿")
        page.uncheck(f"input[name=layers][value='{world.sector.pk}']")
        page.click("#draft-create")
        page.wait_for_url("**/editor/?plan=*")
        page.wait_for_function(READY)
        show(page, lon0, lat0)
        page.screenshot(path=str(ARTIFACTS / "editor_gap.png"))

        draw_snapped(page, scene.corners)
        page.wait_for_function("() => window.gmeditor.state.lastCreated && !window.gmeditor.busy()")
        created = page.evaluate("window.gmeditor.state.lastCreated")
        assert page.inner_text("#sel-count") == "1"
        page.screenshot(path=str(ARTIFACTS / "editor_drawn.png"))

        # Give it an owner from the side panel.
        page.fill("#owner-search", "网格员S2")
        page.click("#owner-results button")
        page.click("#assign")
        page.wait_for_function(
            "() => document.querySelector('#msg').textContent.includes('已为') && !window.gmeditor.busy()"
        )
        assert "网格员S2" in page.inner_text("#sel-list")
        page.screenshot(path=str(ARTIFACTS / "editor_owner.png"))

        page.click("#btn-preview")
        page.wait_for_function("() => window.gmeditor.state.lastPreview && !window.gmeditor.busy()")
        shown = page.evaluate("window.gmeditor.state.lastPreview")
        show(page, lon0, lat0, zoom=15)
        page.screenshot(path=str(ARTIFACTS / "editor_preview.png"))

        page.click("#btn-activate")
        page.click("#activate-confirm")
        page.wait_for_function("() => window.gmeditor.state.activated")
        assert "已启用" in page.inner_text("#msg") or "activated" in page.inner_text("#msg")
        page.screenshot(path=str(ARTIFACTS / "editor_activated.png"))

        # A sector lead of S3, in another draft: S1 is read-only in the UI and refused by the API.
        lead = browser.log_in(
            "bankuai3", f"/editor/?plan={scene.lead_plan.pk}&layer={world.grid.pk}"
        )
        lead.wait_for_function(READY)
        t = scene.theirs
        show(lead, *world.inside(t), zoom=16)
        flags = lead.evaluate(
            f"""(() => {{ const g = window.gmeditor.byId;
              return [g.get({t.pk}).feature.properties.editable, !!g.get({t.pk}).pm]; }})()"""
        )
        assert flags == [False, False]  # no Geoman handle: it cannot be edited, dragged or cut
        lead.mouse.click(*screen_point(lead, *world.inside(t)))
        assert "只读" in lead.inner_text("#sel-list") and lead.is_disabled("#assign")
        lead.screenshot(path=str(ARTIFACTS / "editor_lead_readonly.png"))
        status = lead.evaluate(
            f"""(async () => {{
              const z = window.gmeditor.byId.get({t.pk});
              const r = await fetch('/api/zones/{t.pk}/', {{method: 'PATCH', credentials: 'same-origin',
                headers: {{'Content-Type': 'application/json',
                          'X-CSRFToken': document.getElementById('editor').dataset.csrf}},
                body: JSON.stringify({{type: 'Feature', geometry: z.toGeoJSON(false).geometry,
                                       properties: {{version: z.feature.properties.version}}}})}});
              return r.status; }})()"""
        )
        assert status == 403
        show(lead, *world.inside(scene.mine), zoom=16)
        assert lead.evaluate(
            f"window.gmeditor.byId.get({scene.mine.pk}).feature.properties.editable"
        )

    zone = Zone.objects.get(pk=created["id"])
    drawn = set(shape(zone.geom).geoms[0].exterior.coords)
    # Snapping happened: every vertex is exactly a corner of the gap, i.e. the neighbours' vertices.
    assert drawn == set(scene.corners)
    neighbours = Zone.objects.filter(plan=zone.plan, layer=world.grid).exclude(pk=zone.pk)
    near = [n for n in neighbours if shape(n.geom).distance(shape(zone.geom)) == 0]
    shared = {c for n in near for c in shape(n.geom).geoms[0].exterior.coords}
    assert drawn <= shared
    # The preview the page showed has no blind spot in the gap, and no overlap with the new zone.
    gap_point = shapely.Point(lon0, lat0)
    blind = [geojson_shape(p["geometry"]) for p in shown["coverage"]["blind"]]
    assert not any(b.covers(gap_point) for b in blind)
    assert not any(zone.code in p["zones"] for p in shown["coverage"]["overlaps"])
    assert not [p for p in preview_draft(zone.plan, world.grid).overlaps if zone.code in p.zones]
    # Activated: the zone is in force and the district's blind spots fell by its area.
    assert zone.active and zone.plan.status == Plan.Status.ACTIVE
    after = analyse_layer(world.district, world.grid).blind_m2
    assert scene.blind_before - after == pytest.approx(zone.area_m2, rel=1e-3)


def test_the_second_of_two_editors_is_refused_and_nothing_is_overwritten(
    world: World, live_server: Any
) -> None:
    editors = make_editors(world)
    plan = grid_draft(world, editors, "两人同改")
    zone = draft_cells(world, plan, "S3")[6]
    corner = shape(zone.geom).geoms[0].exterior.coords[0]
    inside = world.inside(zone)
    url = f"/editor/?plan={plan.pk}&layer={world.grid.pk}"
    with chromium(live_server) as browser:
        first, second = browser.log_in("zhongxin", url), browser.log_in("bankuai3", url)
        for page in (first, second):
            page.wait_for_function(READY)
            show(page, *inside, zoom=17)
        # The second editor selects the zone (version 1) and fills in a new owner.
        second.mouse.click(*screen_point(second, *inside))
        second.fill("#new-name", "李四")
        # The first moves one of its vertices with Geoman: saved through the API as version 2.
        first.evaluate(f"window.gmeditor.byId.get({zone.pk}).pm.enable()")
        x, y = screen_point(first, *corner)
        first.mouse.move(x, y)
        first.mouse.down()
        first.mouse.move(x + 25, y + 18, steps=6)
        first.mouse.up()
        first.wait_for_function(
            "() => document.querySelector('#msg').textContent.includes('已保存') && !window.gmeditor.busy()"
        )
        second.click("#assign")
        second.wait_for_function(
            "() => document.querySelector('#msg.error') && !window.gmeditor.busy()"
        )
        said = second.inner_text("#msg")
        second.screenshot(path=str(ARTIFACTS / "editor_conflict.png"))
    # The page is in Chinese: the refusal and the server's reason in Chinese only.
    assert "该区域已被他人修改，请刷新后重试（" in said and "reload" not in said
    zone.refresh_from_db()
    assert zone.version == 2
    assert shape(zone.geom).geoms[0].exterior.coords[0] != corner
    assert not zone.ownerships.filter(owner__name="李四").exists()


def corner_of_four_whole_cells(world: World) -> tuple[tuple[float, float], set[str]]:
    """A vertex of 朝阳门 shared by four whole 200 m cells, and their codes."""
    for cell in full_cells(world.subs["S3"], world.grid):
        for x, y in shape(cell.geom).geoms[0].exterior.coords:
            around = world.cells_covering(x, y)
            if len(around) == 4 and all(abs(z.area_m2 - 40000.0) < 50 for z in around):
                return (x, y), {z.code for z in around}
    raise AssertionError("no corner of four whole cells")


def test_box_select_four_grids_give_them_one_owner_then_split_merge_cut_and_remove(
    world: World, live_server: Any
) -> None:
    editors = make_editors(world)
    plan = grid_draft(world, editors, "框选草稿")
    corner, four = corner_of_four_whole_cells(world)
    cell = next(z for z in draft_cells(world, plan, "S3") if z.code == min(four))
    west, east = world.move(*world.inside(cell), -150, 0), world.move(*world.inside(cell), 150, 0)
    triangle = [
        world.move(*world.inside(cell), dx, dy) for dx, dy in ((-50, -40), (50, -40), (0, 50))
    ]
    gone = neighbour(list(plan.zones.exclude(code__in=four)), cell)
    url = f"/editor/?plan={plan.pk}&layer={world.grid.pk}"
    with chromium(live_server) as browser:
        page = browser.log_in("zhongxin", url)
        page.wait_for_function(READY)
        show(page, *corner, zoom=16)
        # Shift+drag a box around the four cells' centres (±100 m of the corner; others are ≥ 200 m).
        page.keyboard.down("Shift")
        page.mouse.move(*screen_point(page, *world.move(*corner, -120, 120)))
        page.mouse.down()
        page.mouse.move(*screen_point(page, *world.move(*corner, 120, -120)), steps=5)
        page.mouse.up()
        page.keyboard.up("Shift")
        assert page.inner_text("#sel-count") == "4"
        page.fill("#new-name", "周五")
        page.fill("#new-phone", "13900000000")
        page.click("#assign")
        page.wait_for_function(
            "() => document.querySelector('#msg').textContent.includes('已为') && !window.gmeditor.busy()"
        )
        page.screenshot(path=str(ARTIFACTS / "editor_box_owner.png"))
        # The lasso selects the same four cells: those whose centre lies inside the drawn ring.
        page.click("#btn-clear")
        page.click("#btn-lasso")
        ring = [
            world.move(*corner, dx, dy)
            for dx, dy in ((-130, -130), (-130, 130), (130, 130), (130, -130))
        ]
        click_vertices(page, [*ring, ring[0]])
        page.wait_for_function("() => document.querySelector('#sel-count').textContent === '4'")
        codes = set(
            page.evaluate(
                "[...window.gmeditor.state.selected.values()].map(z => z.feature.properties.code)"
            )
        )
        assert codes == four
        # Split one cell with a line drawn across it, then merge the two pieces back.
        show(page, *world.inside(cell), zoom=17)
        page.click("#btn-clear")
        page.mouse.click(*screen_point(page, *world.inside(cell)))
        page.click("#btn-split")
        click_vertices(page, [west, east, east])
        page.wait_for_function(
            "() => document.querySelector('#msg').textContent.includes('已分割') && !window.gmeditor.busy()"
        )
        page.screenshot(path=str(ARTIFACTS / "editor_split.png"))
        page.mouse.click(*screen_point(page, *world.move(*world.inside(cell), -60, 0)))
        page.keyboard.down("Control")
        page.mouse.click(*screen_point(page, *world.move(*world.inside(cell), 60, 0)))
        page.keyboard.up("Control")
        assert page.inner_text("#sel-count") == "2"
        page.click("#btn-merge")
        page.wait_for_function(
            "() => document.querySelector('#msg').textContent.includes('已合并') && !window.gmeditor.busy()"
        )
        page.screenshot(path=str(ARTIFACTS / "editor_merged.png"))
        # Geoman's cut mode: a triangle drawn inside the cell is cut out of it on the server.
        page.click(".leaflet-pm-icon-cut")
        click_vertices(page, [*triangle, triangle[0]])
        page.wait_for_function(
            "() => document.querySelector('#msg').textContent.includes('已剪切') && !window.gmeditor.busy()"
        )
        page.screenshot(path=str(ARTIFACTS / "editor_cut.png"))
        # Geoman's removal mode: a click deletes the zone (DELETE /api/zones/<id>/?version=…).
        page.click(".leaflet-pm-icon-delete")
        page.mouse.click(*screen_point(page, *world.inside(gone)))
        page.wait_for_function(
            "() => document.querySelector('#msg').textContent.includes('已删除') && !window.gmeditor.busy()"
        )
    owned = Zone.objects.filter(plan=plan, ownerships__owner__name="周五")
    assert set(owned.values_list("code", flat=True)) == four
    # Split and merged back: the cell's outline again; then cut: a triangular hole in it.
    back = shape(Zone.objects.get(plan=plan, code=cell.code).geom).geoms[0]
    outline = shapely.Polygon(back.exterior)
    assert shapely.symmetric_difference(outline, shape(cell.geom)).area < 1e-15
    assert len(back.interiors) == 1
    cut_m2 = world.proj.to_metres(shapely.Polygon(back.interiors[0])).area
    # Clicks land on whole pixels (about 1 m at zoom 17): the hole is the triangle within 2%.
    assert cut_m2 == pytest.approx(world.proj.to_metres(shapely.Polygon(triangle)).area, rel=0.02)
    assert not Zone.objects.filter(plan=plan, code=gone.code).exists()
    copied = Zone.objects.active().filter(layer=world.grid).count()
    assert Zone.objects.filter(plan=plan).count() == copied - 1
