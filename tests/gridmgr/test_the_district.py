"""The district of the installation: one lookup (RegionQuerySet.district) for every part."""

from __future__ import annotations

import pytest

from gridmgr.coverage.page import select
from gridmgr.errors import NotFoundError
from gridmgr.models import AccountRole, Region
from tests.gridmgr.api_client import login, url
from tests.world import World


def test_the_district_is_the_region_of_the_district_level(world: World) -> None:
    assert Region.objects.district() == world.district
    assert Region.objects.require_district() == world.district
    assert list(Region.objects.districts()) == [world.district]


def test_a_district_wide_outline_holds_the_district_and_its_sub_districts_only(
    world: World,
) -> None:
    sub = world.subs["S1"]
    Region.objects.create(
        code=f"{sub.code}001",
        name="社区",
        level=Region.Level.COMMUNITY,
        parent=sub,
        boundary=sub.boundary,
    )
    assert set(Region.objects.district_and_subdistricts()) == {world.district, *world.subs.values()}


def test_of_two_districts_the_lowest_code_is_the_district(world: World) -> None:
    Region.objects.create(
        code="110102", name="西城区", level=Region.Level.DISTRICT, boundary=world.district.boundary
    )
    assert Region.objects.districts().count() == 2
    assert Region.objects.district() == world.district


def test_before_the_district_is_imported_there_is_none_and_a_bilingual_refusal(db: None) -> None:
    assert Region.objects.district() is None
    with pytest.raises(NotFoundError) as refused:
        Region.objects.require_district()
    assert (refused.value.zh, refused.value.en) == (
        "尚未导入区界",
        "no district has been imported yet",
    )


def test_the_api_and_the_coverage_page_refuse_alike_without_a_district(db: None) -> None:
    response = login("zhongxin", AccountRole.COMMAND_CENTRE).get(url("coverage"))
    assert response.status_code == 404
    assert response.json()["en"] == "no district has been imported yet"
    with pytest.raises(NotFoundError, match="no district has been imported yet"):
        select(None, None)
