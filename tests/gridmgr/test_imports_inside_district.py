"""Zones and regions must lie in the district, give or take GRIDMGR_DISTRICT_TOLERANCE_M.

One that reaches further is refused, named by its code, and nothing is written; the district
itself is checked for size only (a whole-earth polygon is no district).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import shapely
from django.core.management import CommandError, call_command
from shapely.geometry import box, mapping

from geodata.measure import LocalProjection
from gridmgr.models import Region, Zone
from tests.world import World, shape

X0, Y0, D = 116.42, 39.92, 0.002  # a 170 m square in 朝阳门


def write_geojson(path: Path, features: list[tuple[str, Any]], crs: str | None = None) -> Path:
    collection: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code, "name": code}, "geometry": geom}
            for code, geom in features
        ],
    }
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def import_zones(path: Path) -> str:
    out = io.StringIO()
    call_command(
        "import_zones",
        str(path),
        *(
            "--plan",
            "新方案",
            "--layer",
            "单元网格",
            "--code-field",
            "code",
            "--name-field",
            "name",
        ),
        "--commit",
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def refused_zones(path: Path) -> str:
    before = Zone.objects.count()
    with pytest.raises(CommandError) as refused:
        import_zones(path)
    assert Zone.objects.count() == before
    return str(refused.value)


def grown(geom: Any, metres: float) -> Any:
    """A lon/lat geometry grown by some metres."""
    proj = LocalProjection.around(geom)
    return proj.to_lonlat(proj.to_metres(geom).buffer(metres))


def test_a_file_in_degrees_declared_as_web_mercator_is_refused_with_a_hint(
    world: World, tmp_path: Path
) -> None:
    square = mapping(box(X0, Y0, X0 + D, Y0 + D))
    path = write_geojson(tmp_path / "z.geojson", [("Z1", square)], "urn:ogc:def:crs:EPSG::3857")
    message = refused_zones(path)
    assert "代码 Z1 超出本区边界 10 米以外" in message
    assert "code Z1 lies outside the district by more than 10 m" in message
    assert "EPSG:3857" in message and "look like degrees" in message


def test_a_polygon_covering_the_whole_earth_is_refused(world: World, tmp_path: Path) -> None:
    earth = mapping(box(-180, -90, 180, 90))
    message = refused_zones(write_geojson(tmp_path / "z.geojson", [("EARTH", earth)]))
    assert "代码 EARTH 的范围跨越超过 10 度" in message
    assert "code EARTH spans more than 10 degrees" in message


def test_a_zone_over_the_border_by_less_than_the_tolerance_is_accepted(
    world: World, tmp_path: Path
) -> None:
    jingshan = shape(world.subs["S1"].boundary)
    path = write_geojson(tmp_path / "z.geojson", [("J5", mapping(grown(jingshan, 5)))])
    assert "1 zones created" in import_zones(path)


def test_a_zone_partly_outside_beyond_the_tolerance_is_refused_by_its_code(
    world: World, tmp_path: Path
) -> None:
    jingshan = shape(world.subs["S1"].boundary)
    inside = mapping(box(X0, Y0, X0 + D, Y0 + D))
    features = [("IN1", inside), ("J100", mapping(grown(jingshan, 100)))]
    message = refused_zones(write_geojson(tmp_path / "z.geojson", features))
    assert "code J100 lies outside the district" in message
    assert "IN1" not in message


def test_the_tolerance_is_a_setting(world: World, tmp_path: Path, settings: Any) -> None:
    settings.GRIDMGR_DISTRICT_TOLERANCE_M = 150
    jingshan = shape(world.subs["S1"].boundary)
    path = write_geojson(tmp_path / "z.geojson", [("J100", mapping(grown(jingshan, 100)))])
    assert "1 zones created" in import_zones(path)


def import_regions(path: Path, level: str, *extra: str) -> None:
    call_command(
        "import_regions",
        str(path),
        *("--level", level, "--code-field", "code", "--name-field", "name", *extra),
        "--commit",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def test_a_subdistrict_outside_the_district_is_refused_by_its_code(
    world: World, tmp_path: Path
) -> None:
    far = mapping(shapely.affinity.translate(box(X0, Y0, X0 + D, Y0 + D), xoff=0.5))
    path = write_geojson(tmp_path / "r.geojson", [("110101099", far)])
    with pytest.raises(CommandError, match="code 110101099 lies outside the district"):
        import_regions(path, "subdistrict", "--parent", "110101")
    assert not Region.objects.filter(code="110101099").exists()


def test_the_district_itself_is_not_checked_against_a_district(
    world: World, tmp_path: Path
) -> None:
    elsewhere = mapping(shapely.affinity.translate(box(X0, Y0, X0 + 0.05, Y0 + 0.05), xoff=0.5))
    import_regions(write_geojson(tmp_path / "r.geojson", [("110102", elsewhere)]), "district")
    assert Region.objects.filter(code="110102", level="district").exists()


def test_a_whole_earth_district_is_refused(db: None, tmp_path: Path) -> None:
    earth = mapping(box(-180, -90, 180, 90))
    with pytest.raises(CommandError, match="code 110101 spans more than 10 degrees"):
        import_regions(write_geojson(tmp_path / "r.geojson", [("110101", earth)]), "district")
    assert not Region.objects.exists()


# The same rule where zones are drawn (the editor) or sent (the API), not only imported.


def test_a_zone_drawn_outside_the_district_is_refused_in_the_editor(world: World) -> None:
    from gridmgr.editor.drafts import draw_zone
    from gridmgr.errors import GridError
    from tests.gridmgr.api_client import draft_with_zones

    plan, _, _ = draft_with_zones(world)
    far = shapely.affinity.translate(box(X0, Y0, X0 + D, Y0 + D), xoff=0.5)
    before = Zone.objects.count()
    with pytest.raises(GridError, match="zone boundary: lies outside the district by more than"):
        draw_zone(None, plan, world.grid, far)
    assert Zone.objects.count() == before


def test_a_zone_sent_to_the_api_outside_the_district_is_a_400(world: World) -> None:
    from tests.gridmgr.api_client import draft_with_zones, make_clients, url

    plan, _, _ = draft_with_zones(world)
    far = mapping(shapely.affinity.translate(box(X0, Y0, X0 + D, Y0 + D), xoff=0.5))
    props = {"plan": plan.pk, "layer": world.grid.pk, "code": "FAR", "name": "FAR"}
    body = {"type": "Feature", "geometry": far, "properties": props}
    response = make_clients(world).centre.post(url("zone-list"), body, format="json")
    assert response.status_code == 400, response.content
    assert "lies outside the district" in str(response.json()["geom"])
    assert not Zone.objects.filter(code="FAR").exists()
