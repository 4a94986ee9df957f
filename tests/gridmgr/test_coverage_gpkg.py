"""The coverage GeoPackage holds what a district's GIS staff need next to their own layers:
blind spots and overlaps with the sub-district holding each, the zones and regions of the
selection, in WGS84, CGCS2000 or the district's CGCS2000 Gauss–Krüger zone, from the command
line and from the coverage page; read back with pyogrio and sqlite3."""

from __future__ import annotations

import json
import sqlite3
from io import StringIO
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from pyogrio.raw import read as ogr_read
from pyproj import Transformer

from geodata.measure import areas_m2
from gridmgr.coverage.analysis import LayerCoverage, analyse
from gridmgr.coverage.gpkg import export_gpkg
from gridmgr.models import Region, Zone
from tests.gridmgr.coverage_page_client import (
    EXPORT,
    PAGE,
    download,
    export_dir,
    fresh_cache,
    logged_in,
    wait_for,
)
from tests.loop import People
from tests.world import World

pytestmark = pytest.mark.usefixtures(fresh_cache.__name__, export_dir.__name__)

PIECE_FIELDS = ["layer", "area_m2", "zones", "region", "region_name", "district"]
ZONE_FIELDS = ["code", "name", "layer", "owner", "plan", "area_m2"]
REGION_FIELDS = ["code", "name", "level", "parent"]
JINGSHAN, DONGSI = "110101002", "110101006"


@pytest.fixture
def reports(world: World) -> list[LayerCoverage]:
    return analyse(world.district, [world.sector, world.grid])


def read(path: Path, layer: str) -> tuple[dict, np.ndarray, dict[str, np.ndarray]]:
    meta, _, geoms, fields = ogr_read(path, layer=layer)
    return meta, shapely.from_wkb(geoms), dict(zip(meta["fields"], fields, strict=True))


def srs_of(path: Path) -> set[tuple[str, int]]:
    """The coordinate systems the layers declare (gpkg_geometry_columns → gpkg_spatial_ref_sys)."""
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT DISTINCT s.organization, s.organization_coordsys_id "
            "FROM gpkg_geometry_columns g JOIN gpkg_spatial_ref_sys s USING (srs_id)"
        ).fetchall()
    return {(org.upper(), code) for org, code in rows}


def test_the_four_layers_hold_the_pieces_zones_and_regions_of_the_selection(
    world: World, reports: list[LayerCoverage], tmp_path: Path
) -> None:
    path = tmp_path / "coverage.gpkg"
    assert export_gpkg(reports, path, world.district) == 4326
    layers = dict(pyogrio.list_layers(path))
    assert layers == {n: "MultiPolygon" for n in ("blind_spots", "overlaps", "zones", "regions")}
    meta, geoms, zones = read(path, "zones")
    assert list(meta["fields"]) == ZONE_FIELDS
    active = Zone.objects.filter(active=True, layer__in=[world.sector, world.grid])
    assert sorted(zones["code"]) == sorted(active.values_list("code", flat=True))
    x01 = list(zones["code"]).index("X01")
    assert (zones["layer"][x01], zones["plan"][x01]) == ("单元网格", world.plan.name)
    assert zones["owner"][x01] == world.overlap.ownerships.get().owner.name
    assert set(zones["owner"]) >= {"板块长S1", "网格员S2"}
    meta, geoms, regions = read(path, "regions")
    assert list(meta["fields"]) == REGION_FIELDS
    assert list(regions["code"]) == ["110101", JINGSHAN, DONGSI, "110101007"]
    assert list(regions["level"]) == ["district", *["subdistrict"] * 3]
    assert list(regions["parent"]) == ["", "110101", "110101", "110101"]


def test_each_piece_carries_the_sub_district_holding_most_of_it_and_the_district(
    world: World, reports: list[LayerCoverage], tmp_path: Path
) -> None:
    path = tmp_path / "coverage.gpkg"
    export_gpkg(reports, path, world.district)
    meta, geoms, blind = read(path, "blind_spots")
    assert list(meta["fields"]) == PIECE_FIELDS
    assert list(blind["region"]) == [DONGSI] and list(blind["region_name"]) == ["东四街道"]
    assert list(blind["district"]) == ["110101"]
    assert areas_m2(geoms)[0] == pytest.approx(blind["area_m2"][0], rel=1e-3)
    _, _, overlaps = read(path, "overlaps")
    assert len(overlaps["zones"]) == 4 and all("X01" in z.split(",") for z in overlaps["zones"])
    assert set(overlaps["region"]) == {JINGSHAN} and set(overlaps["district"]) == {"110101"}


def test_a_sub_district_selection_keeps_its_own_code_and_its_communities_none(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "dongsi.gpkg"
    export_gpkg(analyse(world.subs["S2"], [world.grid]), path, world.subs["S2"])
    _, _, blind = read(path, "blind_spots")
    assert list(blind["region"]) == [DONGSI] and list(blind["district"]) == ["110101"]
    _, _, regions = read(path, "regions")
    assert list(regions["code"]) == [DONGSI]


def test_cgcs2000_is_declared_as_epsg_4490_with_the_same_lon_lat(
    world: World, reports: list[LayerCoverage], tmp_path: Path
) -> None:
    wgs84, cgcs = tmp_path / "wgs84.gpkg", tmp_path / "cgcs2000.gpkg"
    export_gpkg(reports, wgs84, world.district)
    assert export_gpkg(reports, cgcs, world.district, "cgcs2000") == 4490
    assert srs_of(wgs84) == {("EPSG", 4326)} and srs_of(cgcs) == {("EPSG", 4490)}
    assert pyogrio.read_info(cgcs, layer="zones")["crs"] == "EPSG:4490"
    for layer in ("blind_spots", "zones"):
        assert shapely.equals_exact(read(wgs84, layer)[1], read(cgcs, layer)[1], 1e-9).all()


def test_the_gauss_kruger_zone_of_the_district_is_written_in_metres(
    world: World, reports: list[LayerCoverage], tmp_path: Path
) -> None:
    lonlat, metres = tmp_path / "wgs84.gpkg", tmp_path / "gk.gpkg"
    export_gpkg(reports, lonlat, world.district)
    # Dongcheng lies at 116.4°E: the 3-degree zone of central meridian 117°E.
    assert export_gpkg(reports, metres, world.district, "cgcs2000-gk3") == 4548
    assert srs_of(metres) == {("EPSG", 4548)}
    _, geoms, blind = read(metres, "blind_spots")
    minx, miny, maxx, maxy = shapely.total_bounds(read(metres, "regions")[1])
    assert 440_000 < minx < maxx < 500_000 and 4_415_000 < miny < maxy < 4_425_000
    assert shapely.area(geoms[0]) == pytest.approx(blind["area_m2"][0], rel=1e-3)
    back = Transformer.from_crs(4548, 4490, always_xy=True)
    round_trip = shapely.transform(geoms, back.transform, interleaved=False)
    assert shapely.equals_exact(round_trip, read(lonlat, "blind_spots")[1], 1e-8).all()


def test_an_empty_piece_layer_keeps_its_fields(
    world: World, reports: list[LayerCoverage], tmp_path: Path
) -> None:
    path = tmp_path / "sectors.gpkg"
    export_gpkg(reports[:1], path, world.district)  # the sectors tile the district
    for layer in ("blind_spots", "overlaps"):
        info = pyogrio.read_info(path, layer=layer)
        assert info["features"] == 0 and list(info["fields"]) == PIECE_FIELDS


def test_the_command_line_writes_the_chosen_system_and_refuses_a_wrong_one(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "out.gpkg"
    args = ["--region", "110101", "--format", "gpkg", "--output", str(path)]
    call_command("coverage", *args, "--crs", "cgcs2000-gk3", stdout=StringIO(), stderr=StringIO())
    assert srs_of(path) == {("EPSG", 4548)}
    call_command("coverage", *args, "--crs", "EPSG:4549", stdout=StringIO(), stderr=StringIO())
    assert srs_of(path) == {("EPSG", 4549)}
    path.unlink()
    with pytest.raises(CommandError, match=r"不支持的输出坐标系.*unknown output coordinate"):
        call_command("coverage", *args, "--crs", "EPSG:3857", stderr=StringIO())
    with pytest.raises(CommandError, match=r"只有 GeoPackage 可选坐标系.*only the GeoPackage"):
        pdf = ["--region", "110101", "--format", "pdf", "--output", str(tmp_path / "a.pdf")]
        call_command("coverage", *pdf, "--crs", "cgcs2000", stderr=StringIO())
    assert not path.exists() and not (tmp_path / "a.pdf").exists()


@pytest.fixture
def centre(people: People) -> Client:
    return logged_in(people.centre)


def test_the_coverage_page_offers_the_systems_and_exports_in_the_chosen_one(
    world: World, centre: Client, tmp_path: Path
) -> None:
    page = centre.get(PAGE).content.decode()
    assert 'name="crs"' in page and "EPSG:4490" in page
    assert "中央经线 117°E（EPSG:4548，米）" in page
    response = centre.post(EXPORT, {"region": "110101", "format": "gpkg", "crs": "cgcs2000-gk3"})
    assert response.status_code == 202
    status = wait_for(centre, json.loads(response.content)["status_url"])
    assert status["state"] == "done" and status["filename"].endswith("_epsg4548.gpkg")
    body, _, _ = download(centre, status)
    path = tmp_path / "page.gpkg"
    path.write_bytes(body)
    assert srs_of(path) == {("EPSG", 4548)}
    assert {name for name, _ in pyogrio.list_layers(path)} >= {"zones", "regions"}


def test_the_coverage_page_refuses_an_unknown_system_in_both_languages(
    world: World, centre: Client, export_dir: Path
) -> None:
    response = centre.post(EXPORT, {"region": "110101", "format": "gpkg", "crs": "EPSG:3857"})
    assert response.status_code == 400
    body = json.loads(response.content)
    assert "不支持的坐标系" in body["error"] and "unknown coordinate system" in body["error_en"]
    assert not export_dir.exists() or not any(export_dir.iterdir())


def test_the_geojson_names_each_piece_s_sub_district_as_the_geopackage_does(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "coverage.geojson"
    args = ["--region", "110101", "--format", "geojson", "--output", str(path)]
    call_command("coverage", *args, stdout=StringIO(), stderr=StringIO())
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    places = {(f["properties"]["kind"], f["properties"]["region"]) for f in features}
    assert places == {("blind", DONGSI), ("overlap", JINGSHAN)}
    assert {f["properties"]["district"] for f in features} == {"110101"}
    assert {f["properties"]["region_name"] for f in features} == {"东四街道", "景山街道"}


def test_a_district_outside_every_gauss_kruger_zone_is_refused_not_failed(
    boston: Region, export_dir: Path, tmp_path: Path
) -> None:
    client = logged_in(get_user_model().objects.create_superuser("gis", password="x"))
    page = client.get(f"{PAGE}?region={boston.code}").content.decode()
    assert "EPSG:4490" in page and "高斯-克吕格" not in page  # no zone to offer
    form = {"region": boston.code, "format": "gpkg", "crs": "cgcs2000-gk3"}
    response = client.post(EXPORT, form)
    assert response.status_code == 400
    body = json.loads(response.content)
    assert "高斯-克吕格" in body["error"] and "Gauss-Kruger" in body["error_en"]
    args = ["--region", boston.code, "--format", "gpkg", "--output", str(tmp_path / "b.gpkg")]
    with pytest.raises(CommandError, match="outside the CGCS2000 Gauss-Kruger"):
        call_command("coverage", *args, "--crs", "cgcs2000-gk3", stderr=StringIO())
    assert not (tmp_path / "b.gpkg").exists()
    assert not export_dir.exists() or not any(export_dir.iterdir())


def test_an_outsider_cannot_start_a_geopackage_export(world: World, export_dir: Path) -> None:
    form = {"region": "110101", "format": "gpkg", "crs": "cgcs2000"}
    response = Client().post(EXPORT, form)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not export_dir.exists() or not any(export_dir.iterdir())
