"""An offline base map from the district's own MBTiles file, served by the app (no internet):
GRIDMGR_BASEMAP=mbtiles with GRIDMGR_MBTILES_PATH."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core import checks
from django.test import Client
from PIL import Image
from pytest_django.fixtures import Settings

from gridmgr.viewport import basemaps
from tests.gridmgr.mbtiles_file import TILES, write_mbtiles


@pytest.fixture
def mbtiles(settings: Settings, tmp_path: Path) -> Path:
    path = write_mbtiles(tmp_path / "dongcheng.mbtiles")
    settings.GRIDMGR_BASEMAP = "mbtiles"
    settings.GRIDMGR_MBTILES_PATH = str(path)
    return path


def test_the_maps_are_given_the_apps_own_tiles_with_the_files_zooms_and_bounds(
    mbtiles: Path,
) -> None:
    (layer,) = basemaps.basemap()
    assert layer["url"] == "/map/basemap/{z}/{x}/{y}"
    assert (layer["minNativeZoom"], layer["maxNativeZoom"]) == (12, 12)
    assert layer["bounds"] == [[39.90, 116.37], [39.96, 116.46]]
    assert layer["attribution"] == "© 东城区测绘 / Dongcheng survey"


@pytest.mark.parametrize(("zxy", "colour"), list(TILES.items()))
def test_each_tile_is_served_at_its_xyz_address(
    mbtiles: Path, zxy: tuple[int, int, int], colour: tuple[int, int, int]
) -> None:
    z, x, y = zxy
    response = Client().get(f"/map/basemap/{z}/{x}/{y}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age=86400" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (256, 256) and image.getpixel((128, 128)) == colour


def test_a_tile_the_file_lacks_is_empty_not_an_error(mbtiles: Path) -> None:
    response = Client().get("/map/basemap/12/3000/1500")
    assert response.status_code == 204 and response.content == b""


def test_an_impossible_tile_address_is_refused_in_both_languages(mbtiles: Path) -> None:
    response = Client().get("/map/basemap/3/9/1")
    assert response.status_code == 400
    assert response.json()["error"] and response.json()["error_en"]


def test_no_tiles_are_served_when_no_mbtiles_file_is_configured(
    settings: Settings,
) -> None:
    settings.GRIDMGR_BASEMAP = "none"
    assert Client().get("/map/basemap/12/3372/1551").status_code == 404


def errors() -> list[str]:
    return [str(m.msg) for m in basemaps.check_basemap() if m.level >= checks.ERROR]


def test_start_up_refuses_a_missing_file(settings: Settings, tmp_path: Path) -> None:
    basemaps.mbtiles.cache_clear()
    settings.GRIDMGR_BASEMAP = "mbtiles"
    settings.GRIDMGR_MBTILES_PATH = str(tmp_path / "none.mbtiles")
    (message,) = errors()
    assert "找不到底图文件" in message and "not found" in message


def test_start_up_refuses_a_file_that_is_not_mbtiles(settings: Settings, tmp_path: Path) -> None:
    basemaps.mbtiles.cache_clear()
    bad = tmp_path / "notes.mbtiles"
    bad.write_text("这不是数据库 / not a database")
    settings.GRIDMGR_BASEMAP = "mbtiles"
    settings.GRIDMGR_MBTILES_PATH = str(bad)
    (message,) = errors()
    assert "不是有效的 MBTiles" in message and "not a valid MBTiles" in message


def test_start_up_refuses_vector_tiles_it_cannot_draw(settings: Settings, tmp_path: Path) -> None:
    basemaps.mbtiles.cache_clear()
    settings.GRIDMGR_BASEMAP = "mbtiles"
    settings.GRIDMGR_MBTILES_PATH = str(write_mbtiles(tmp_path / "v.mbtiles", fmt="pbf"))
    (message,) = errors()
    assert "仅支持栅格瓦片" in message and "only raster tiles" in message


def test_start_up_refuses_an_unknown_kind_of_base_map(settings: Settings) -> None:
    settings.GRIDMGR_BASEMAP = "google"
    (message,) = errors()
    assert "GRIDMGR_BASEMAP='google'" in message
