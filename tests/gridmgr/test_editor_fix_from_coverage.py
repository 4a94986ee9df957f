"""From a blind spot or overlap row of /coverage/ to the editor: the row posts its piece to
/editor/fix, which opens a draft the user may edit (the newest one holding the layer, or for the
centre a new copy), zoomed to the piece, whose outline the editor then draws; a sector lead who
may start no draft is told why, in both languages; others get no button and a 403."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import shapely
from django.conf import settings
from django.test import Client

from gridmgr.coverage.analysis import analyse_layer
from gridmgr.models import Plan
from tests.gridmgr.coverage_page_client import fresh_cache
from tests.gridmgr.editor_cases import Editors, client_of, grid_draft
from tests.world import World

FIX = "/editor/fix"
pytestmark = [pytest.mark.world_per_module, pytest.mark.usefixtures(fresh_cache.__name__)]


def gap_form(world: World) -> dict[str, str]:
    """The form the blind-spot row of the world's gap posts."""
    (gap,) = [p for p in analyse_layer(world.district, world.grid).blind if p["area_m2"] > 1000]
    return {"layer": str(world.grid.pk), "kind": "blind", "bbox": ",".join(map(str, gap["bbox"]))}


def query(response: object) -> dict[str, str]:
    location = response["Location"]  # type: ignore[index]
    assert urlsplit(location).path == "/editor/"
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_the_centre_sees_a_fix_button_on_each_row_that_posts_its_piece(
    world: World, editors: Editors
) -> None:
    html = client_of(editors.centre).get("/coverage/", {"layer": world.grid.name}).content.decode()
    table = re.search(r'<table id="blind-table">(.*?)</table>', html, re.S)
    assert table and 'action="/editor/fix"' in table.group(1)
    assert f'name="layer" value="{world.grid.pk}"' in table.group(1)
    assert 'name="kind" value="blind"' in table.group(1)
    overlaps = re.search(r'<table id="overlap-table">(.*?)</table>', html, re.S)
    assert overlaps and 'name="kind" value="overlap"' in overlaps.group(1)


def test_the_centre_gets_a_new_draft_zoomed_to_the_piece_then_the_same_draft_again(
    world: World, editors: Editors
) -> None:
    client = client_of(editors.centre)
    form = gap_form(world)
    response = client.post(FIX, form)
    assert response.status_code == 302
    got = query(response)
    plan = Plan.objects.get(pk=got["plan"])
    assert plan.status == Plan.Status.DRAFT
    assert set(plan.zones.values_list("layer_id", flat=True)) == {world.grid.pk}
    assert (got["layer"], got["piece"]) == (str(world.grid.pk), "blind")
    focus = [float(v) for v in got["focus"].split(",")]
    assert shapely.box(*focus).covers(world.gap.centroid)
    assert query(client.post(FIX, form))["plan"] == str(plan.pk)  # no second draft
    page = client.get(response["Location"]).content.decode()
    assert '"piece": "blind"' in page and '"focus": [' in page

    pieces = client.get(f"/editor/layers/{world.grid.pk}/pieces.geojson?bbox={got['focus']}")
    assert pieces.status_code == 200
    (hole,) = pieces.json()["features"]
    assert shapely.geometry.shape(hole["geometry"]).covers(world.gap.centroid)


def test_a_sector_lead_opens_the_existing_draft_or_is_told_why_there_is_none(
    world: World, editors: Editors
) -> None:
    lead = client_of(editors.lead_s3)
    form = gap_form(world)
    alone = query(lead.post(FIX, form))
    assert "plan" not in alone  # the chooser: a sector lead starts no draft
    page = lead.get("/editor/", alone).content.decode()
    assert "只有区网格化管理中心可以新建草稿方案。管理中心新建草稿后" in page
    lead.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = lead.get("/editor/", alone).content.decode()
    assert "Only the command centre may start a draft plan. Once it has" in english

    draft = grid_draft(world, editors)
    assert query(lead.post(FIX, form))["plan"] == str(draft.pk)
    html = lead.get("/editor/", alone).content.decode()
    assert f'href="?plan={draft.pk}&amp;layer={world.grid.pk}&amp;focus=' in html


def test_others_get_no_button_and_a_reason(world: World, editors: Editors) -> None:
    worker = client_of(editors.worker_s3)
    html = worker.get("/coverage/", {"layer": world.grid.name}).content.decode()
    assert "/editor/fix" not in html
    refused = worker.post(FIX, gap_form(world))
    assert refused.status_code == 403
    assert "只有管理中心和板块负责人可以修改区域" in refused.content.decode()
    assert not Plan.objects.filter(status=Plan.Status.DRAFT).exists()
    assert Client().post(FIX, gap_form(world)).status_code == 302  # to the login page


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"bbox": "1,2,3"}, 400, "视野范围应为"),
        ({"bbox": "nan,1,2,3"}, 400, "视野范围"),
        ({"kind": "hole"}, 400, "未知的类型"),
        ({"layer": "999999"}, 404, ""),
        ({"layer": "x"}, 404, ""),
    ],
)
def test_bad_input_gets_a_clear_error_and_no_draft(
    world: World, editors: Editors, change: dict[str, str], status: int, words: str
) -> None:
    response = client_of(editors.centre).post(FIX, {**gap_form(world), **change})
    assert response.status_code == status
    assert words in response.content.decode()
    assert not Plan.objects.filter(status=Plan.Status.DRAFT).exists()


def test_a_bad_focus_on_the_page_is_said_not_a_500(world: World, editors: Editors) -> None:
    draft = grid_draft(world, editors)
    client = client_of(editors.centre)
    url = f"/editor/?plan={draft.pk}&layer={world.grid.pk}&focus=a,b&piece=hole"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "视野范围应为" in html and '"piece": ""' in html
    bad = client.get(f"/editor/layers/{world.grid.pk}/pieces.geojson?bbox=1,2&kind=blind")
    assert bad.status_code == 400 and "bbox" in bad.json()["en"]
