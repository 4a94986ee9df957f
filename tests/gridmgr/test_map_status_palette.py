"""One status palette: /map/ and /issues/map/ colour each case status alike, from one table
(gridmgr/viewport/palette.py), and both show it in a legend; no script keeps its own."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings

from gridmgr.models import Issue
from gridmgr.viewport.palette import STATUS_COLOURS
from tests.gridmgr.casework_cases import client_of
from tests.loop import People
from tests.world import World

SCRIPTS = Path(settings.BASE_DIR) / "gridmgr" / "static" / "gridmgr"


def json_script(html: str, name: str) -> object:
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', html, re.S)
    assert found, name
    return json.loads(found.group(1))


def test_both_maps_colour_every_status_alike_and_show_a_legend(
    world: World, people: People
) -> None:
    client = client_of(people.centre)
    response = client.get("/map/")
    assert response.status_code == 200, response.status_code
    config = json_script(response.text, "map-config")
    assert isinstance(config, dict)
    on_map = config["status_colours"]
    page = client.get("/issues/map/").text
    palette = json_script(page, "status-palette")
    assert isinstance(palette, list)
    on_issue_map = {s["status"]: s["colour"] for s in palette}
    legend = re.search(r'<ul class="status-legend" id="status-legend".*?</ul>', page, re.S)
    assert legend
    swatches = dict(
        re.findall(
            r'<li data-status="(\w+)"><span class="sw dot" style="background:(#\w+)"',
            legend.group(0),
        )
    )
    assert on_map == on_issue_map == swatches == STATUS_COLOURS
    assert set(STATUS_COLOURS) == set(Issue.Status.values)
    assert len(set(STATUS_COLOURS.values())) == len(STATUS_COLOURS)  # no two statuses alike
    assert "已结案" in legend.group(0) and "超期" in legend.group(0)


def test_the_scripts_keep_no_status_colours_of_their_own() -> None:
    for script in ("map.js", "casework.js"):
        text = (SCRIPTS / script).read_text()
        assert not re.search(r'\b(reported|closed|handling)\s*:\s*"#', text), script
