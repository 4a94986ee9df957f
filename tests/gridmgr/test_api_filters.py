"""List filters: bounding boxes and field filters on zones and issues."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gridmgr.models import Issue, Zone
from tests.gridmgr.api_client import Clients, cell, draft_with_zones, issue_in, make_clients, url
from tests.world import World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def api(world: World) -> Clients:
    return make_clients(world)


def bbox_around(zone: Zone, pad: float = 0.0) -> str:
    minx, miny, maxx, maxy = zone.geom.extent
    return f"{minx - pad},{miny - pad},{maxx + pad},{maxy + pad}"


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.json()
    return {f["id"] for f in response.json()["features"]}


def test_in_bbox_returns_the_zones_overlapping_the_box(world: World, api: Clients) -> None:
    target = cell(world, "S3", 10)
    found = ids(api.viewer.get(url("zone-list"), {"in_bbox": bbox_around(target, -0.0001)}))
    assert target.pk in found
    assert cell(world, "S1").pk not in found
    assert Zone.objects.get(layer=world.sector, code="S3").pk in found


def test_a_bad_bbox_is_refused(world: World, api: Clients) -> None:
    for bad in ("1,2,3", "a,b,c,d", "0,0,500,500", "nan,0,1,1", "0,0,inf,1", "1,1,1,1,1"):
        response = api.viewer.get(url("zone-list"), {"in_bbox": bad})
        assert response.status_code == 400, bad


def test_zones_filter_by_layer_plan_active_code_and_region(world: World, api: Clients) -> None:
    plan, d1, d2 = draft_with_zones(world)
    get = api.viewer.get
    assert ids(get(url("zone-list"), {"plan": plan.pk})) == {d1.pk, d2.pk}
    assert ids(get(url("zone-list"), {"active": "false"})) == {d1.pk, d2.pk}
    assert ids(get(url("zone-list"), {"code": "X01"})) == {world.overlap.pk}
    sectors = get(url("zone-list"), {"layer": world.sector.pk, "limit": 10})
    assert {f["properties"]["code"] for f in sectors.json()["features"]} == {"S1", "S2", "S3"}
    in_s2 = get(url("zone-list"), {"region": world.subs["S2"].code, "layer": world.grid.pk})
    assert (
        in_s2.json()["count"]
        == Zone.objects.filter(region=world.subs["S2"], layer=world.grid).count()
    )
    assert get(url("zone-list"), {"layer": "abc"}).status_code == 400


@pytest.fixture
def issues(world: World) -> dict[str, Issue]:
    found = {
        "parking_s1": issue_in(world, "S1", "parking"),
        "parking_s3": issue_in(world, "S3", "parking"),
        "rubbish_s2": issue_in(world, "S2", "rubbish"),
    }
    late = found["parking_s3"]
    late.status, late.due_at = "dispatched", timezone.now() - dt.timedelta(hours=1)
    late.save()
    old = found["rubbish_s2"]
    old.reported_at = timezone.now() - dt.timedelta(days=30)
    old.save()
    return found


def names(response: Any, issues: dict[str, Issue]) -> set[str]:
    by_id = {issue.pk: name for name, issue in issues.items()}
    return {by_id[i] for i in ids(response)}


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"status": "dispatched"}, {"parking_s3"}),
        ({"status": ["reported", "dispatched"]}, {"parking_s1", "parking_s3", "rubbish_s2"}),
        ({"category": "01"}, {"rubbish_s2"}),  # a parent code takes its children
        ({"category": "0201"}, {"parking_s1", "parking_s3"}),
        ({"region": "110101006"}, {"rubbish_s2"}),
        ({"region": "110101"}, {"parking_s1", "parking_s3", "rubbish_s2"}),
        ({"overdue": "true"}, {"parking_s3"}),
        ({"overdue": "false"}, {"parking_s1", "rubbish_s2"}),
    ],
)
def test_issues_filter_by_fields(
    api: Clients, issues: dict[str, Issue], query: dict, expected: set[str]
) -> None:
    assert names(api.centre.get(url("issue-list"), query), issues) == expected


def test_issues_filter_by_zone_owner_and_department(
    world: World, api: Clients, issues: dict[str, Issue]
) -> None:
    s1 = issues["parking_s1"]
    get = api.centre.get
    assert names(get(url("issue-list"), {"zone": s1.zone_id}), issues) == {"parking_s1"}
    sector_s3 = Zone.objects.get(layer=world.sector, code="S3", active=True)
    assert names(get(url("issue-list"), {"zone": sector_s3.pk}), issues) == {"parking_s3"}
    owner = world.owners["网格员S1"].pk
    assert names(get(url("issue-list"), {"owner": owner}), issues) == {"parking_s1"}
    department = world.owners["城管"].pk
    assert names(get(url("issue-list"), {"department": department}), issues) == {"rubbish_s2"}


def test_issues_filter_by_report_time_and_bbox(
    world: World, api: Clients, issues: dict[str, Issue]
) -> None:
    week_ago = (timezone.now() - dt.timedelta(days=7)).isoformat()
    get = api.centre.get
    recent = names(get(url("issue-list"), {"reported_after": week_ago}), issues)
    assert recent == {"parking_s1", "parking_s3"}
    assert names(get(url("issue-list"), {"reported_before": week_ago}), issues) == {"rubbish_s2"}
    box = bbox_around(cell(world, "S3"))
    assert names(get(url("issue-list"), {"in_bbox": box}), issues) == {"parking_s3"}


def test_filters_never_widen_what_a_role_may_see(api: Clients, issues: dict[str, Issue]) -> None:
    assert names(api.worker_s3.get(url("issue-list"), {"region": "110101"}), issues) == {
        "parking_s3"
    }


def test_bad_filter_values_are_refused(api: Clients, issues: dict[str, Issue]) -> None:
    for query in (
        {"status": "lost"},
        {"reported_after": "yesterday"},
        {"zone": "x"},
        {"owner": str(2**70)},
    ):
        assert api.centre.get(url("issue-list"), query).status_code == 400, query
