"""import_zones loads Boston's neighbourhoods as zones; the invalid Hyde Park needs --repair."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from geodata.readers import read_features
from gridmgr.models import Layer, Plan, Region, Zone
from tests.world import BOSTON_NEIGHBOURHOODS, BOSTON_RAW, shape

ARGS = (
    "--plan",
    "波士顿方案",
    "--layer",
    "街区",
    "--code-field",
    "Neighborhood_ID",
    "--name-field",
    "Name",
)


def run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_zones", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_valid_neighbourhoods_are_imported_into_a_draft_plan(boston: Region) -> None:
    out = run(str(BOSTON_NEIGHBOURHOODS), *ARGS, "--commit")
    assert "26 zones created, 0 updated" in out
    plan = Plan.objects.get(name="波士顿方案")
    assert plan.status == Plan.Status.DRAFT
    zones = Zone.objects.filter(plan=plan)
    assert zones.count() == 26 and not zones.filter(active=True).exists()
    assert zones.get(name="Hyde Park").region == boston
    assert all(z.area_m2 > 0 and z.geom.valid for z in zones)


def test_without_commit_nothing_is_written(boston: Region) -> None:
    out = run(str(BOSTON_NEIGHBOURHOODS), *ARGS)
    assert "26 zones created" in out and "dry run" in out
    assert not Zone.objects.exists() and not Plan.objects.exists()
    assert not Layer.objects.exists()


def test_the_raw_file_is_refused_naming_hyde_park_and_nothing_is_written(
    boston: Region,
) -> None:
    with pytest.raises(CommandError) as caught:
        run(str(BOSTON_RAW), *ARGS, "--commit")
    message = str(caught.value)
    assert "feature 20 (Hyde Park)" in message
    assert "ring self-intersection" in message
    assert "repair option" in message
    assert "1 problem(s), nothing was written" in message
    assert not Zone.objects.exists() and not Plan.objects.exists()


def test_the_raw_file_is_accepted_with_repair_and_the_repair_is_reported(
    boston: Region,
) -> None:
    out = run(str(BOSTON_RAW), *ARGS, "--repair", "--commit")
    assert "26 zones created" in out
    (repair,) = [line for line in out.splitlines() if line.startswith("修复 / repaired")]
    assert "feature 20 (Hyde Park)" in repair and "ring self-intersection" in repair
    hyde = shape(Zone.objects.get(name="Hyde Park").geom)
    assert hyde.is_valid
    # The repair gives the same land as the city's own corrected file.
    fixed = next(f.geometry for f in read_features(BOSTON_NEIGHBOURHOODS) if f.index == 20)
    assert hyde.symmetric_difference(fixed).area < 1e-6 * fixed.area


def test_reimporting_updates_zones_and_bumps_their_version(boston: Region) -> None:
    run(str(BOSTON_NEIGHBOURHOODS), *ARGS, "--commit")
    out = run(str(BOSTON_NEIGHBOURHOODS), *ARGS, "--commit")
    assert "0 zones created, 26 updated" in out
    assert set(Zone.objects.values_list("version", flat=True)) == {2}


def test_an_owner_field_missing_from_the_file_is_refused(boston: Region) -> None:
    with pytest.raises(CommandError, match="the input has no field 'owner'"):
        run(str(BOSTON_NEIGHBOURHOODS), *ARGS, "--owner-field", "owner", "--commit")
    assert not Zone.objects.exists()
