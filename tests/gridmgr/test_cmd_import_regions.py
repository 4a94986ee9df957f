"""import_regions loads the district and its 17 sub-districts, writing only with --commit."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import shapely
from django.core.management import CommandError, call_command
from django.db import connection

from gridmgr.models import Region
from tests.world import DONGCHENG, district_feature, dongcheng_features


def run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_regions", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def district_file(tmp_path: Path) -> Path:
    """Dongcheng as one feature, the union of its sub-districts."""
    feature = district_feature(dongcheng_features(), "110101", "东城区")
    path = tmp_path / "dongcheng_district.geojson"
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": feature.properties,
                "geometry": json.loads(shapely.to_geojson(feature.geometry)),
            }
        ],
    }
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def import_district(tmp_path: Path) -> None:
    run(
        str(district_file(tmp_path)),
        "--level",
        "district",
        "--code-field",
        "code",
        "--name-field",
        "name",
        "--commit",
    )


SUBDISTRICT_ARGS = ("--level", "subdistrict", "--code-field", "code12", "--name-field", "name")


@pytest.mark.django_db
def test_without_commit_nothing_is_written(tmp_path: Path) -> None:
    out = run(
        str(district_file(tmp_path)),
        "--level",
        "district",
        "--code-field",
        "code",
        "--name-field",
        "name",
    )
    assert "1 created" in out and "dry run" in out
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_district_then_its_17_subdistricts_are_imported(tmp_path: Path) -> None:
    import_district(tmp_path)
    out = run(str(DONGCHENG), *SUBDISTRICT_ARGS, "--commit")
    assert "17 created, 0 updated" in out and "committed" in out
    district = Region.objects.district()
    subs = Region.objects.filter(level=Region.Level.SUBDISTRICT)
    assert subs.count() == 17
    assert {r.parent_id for r in subs} == {district.pk}
    assert all(len(r.code) == 9 and r.code.startswith("110101") for r in subs)
    assert subs.get(code="110101001").name == "东华门街道"


@pytest.mark.django_db
def test_region_areas_are_geodesic_within_a_thousandth(tmp_path: Path) -> None:
    import_district(tmp_path)
    run(str(DONGCHENG), *SUBDISTRICT_ARGS, "--commit")
    with connection.cursor() as cur:
        cur.execute("SELECT code, area_m2, ST_Area(boundary::geography) FROM gridmgr_region")
        rows = cur.fetchall()
    assert len(rows) == 18
    for code, stored, geodesic in rows:
        assert stored == pytest.approx(geodesic, rel=1e-3), code
    total = sum(r[1] for r in rows if len(r[0]) == 9)
    assert total == pytest.approx(Region.objects.district().area_m2, rel=1e-3)


@pytest.mark.django_db
def test_subdistricts_without_their_district_are_refused_and_nothing_is_written() -> None:
    with pytest.raises(CommandError) as caught:
        run(str(DONGCHENG), *SUBDISTRICT_ARGS, "--commit")
    message = str(caught.value)
    assert "parent region 110101 does not exist; import it first" in message
    assert "东华门街道" in message and "17 problem(s)" in message
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_a_second_import_updates_instead_of_duplicating(tmp_path: Path) -> None:
    import_district(tmp_path)
    run(str(DONGCHENG), *SUBDISTRICT_ARGS, "--commit")
    out = run(str(DONGCHENG), *SUBDISTRICT_ARGS, "--commit")
    assert "0 created, 17 updated" in out
    assert Region.objects.count() == 18


@pytest.mark.django_db
def test_parent_can_be_given_on_the_command_line(tmp_path: Path) -> None:
    import_district(tmp_path)
    run(str(DONGCHENG), *SUBDISTRICT_ARGS, "--parent", "110101", "--commit")
    assert Region.objects.filter(parent__code="110101").count() == 17


@pytest.mark.django_db
def test_a_missing_field_is_named_with_the_fields_present(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="the input has no field 'adcode'.*code12"):
        run(
            str(DONGCHENG),
            "--level",
            "subdistrict",
            "--code-field",
            "adcode",
            "--name-field",
            "name",
        )


@pytest.mark.django_db
def test_a_code_of_the_wrong_length_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="code '110101001000' is not a 6-digit district code"):
        run(str(DONGCHENG), "--level", "district", "--code-field", "code12", "--name-field", "name")
