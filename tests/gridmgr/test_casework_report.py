"""A citizen reports a problem on /report/: one case per form, routed, with checked photos."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from gridmgr.models import Issue, Photo, Transition
from tests.gridmgr.casework_cases import number
from tests.loop import jpeg, spot
from tests.world import TIANANMEN, World

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


def form_key(client: Client) -> str:
    page = client.get("/report/")
    assert page.status_code == 200
    found = re.search(r'name="key" value="(\w+)"', page.text)
    assert found is not None
    return found.group(1)


def report(world: World, key: str, **extra: Any) -> dict[str, Any]:
    lon, lat = spot(world)
    data = {"key": key, "lon": f"{lon:.7f}", "lat": f"{lat:.7f}"}
    data |= {"category": str(world.categories["rubbish"].pk), "description": "路边一堆垃圾"}
    return data | {"name": "张三", "contact": "13900000000"} | extra


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_the_report_page_is_public_and_phone_ready(client: Client, world: World) -> None:
    page = client.get("/report/").text
    assert 'name="viewport"' in page and 'accept="image/*"' in page
    assert "vendor/leaflet/dist/leaflet.js" in page and "//unpkg" not in page
    assert '"level": "district"' in page  # the district outline for the map


def test_categories_are_the_leaves_grouped_by_parent(client: Client, world: World) -> None:
    page = client.get("/report/").text
    assert '<optgroup label="市容环境">' in page
    assert ">暴露垃圾</option>" in page and ">违章停车</option>" in page
    client.cookies["django_language"] = "en"
    page = client.get("/report/").text
    assert '<optgroup label="city appearance">' in page
    assert ">exposed rubbish</option>" in page and ">illegal parking</option>" in page
    assert f'<option value="{world.categories["appearance"].pk}"' not in page


def test_a_report_with_a_photo_opens_a_routed_case_and_shows_its_number(
    client: Client, world: World, media: Path
) -> None:
    key = form_key(client)
    data = report(world, key, photos=[upload(jpeg(gps=True))])
    response = client.post("/report/", data, follow=True)
    issue = Issue.objects.get()
    assert response.redirect_chain == [("/report/thanks/", 302)]
    assert issue.tracking_number and issue.tracking_number in response.text
    assert (issue.source, issue.status) == ("citizen", "reported")
    assert issue.idempotency_key.startswith("form:") and issue.idempotency_key.endswith(f":{key}")
    assert (issue.reporter_name, issue.reporter_contact) == ("张三", "13900000000")
    assert issue.owner is not None and issue.owner.name == "网格员S3"
    assert Transition.objects.get(issue=issue).actor_label == "市民 / citizen"
    photo = Photo.objects.get(issue=issue)
    assert photo.kind == Photo.Kind.REPORT
    with photo.public.open("rb") as f:
        assert not Image.open(io.BytesIO(f.read())).getexif()  # GPS and camera removed


def test_sending_the_same_form_twice_makes_one_case(
    client: Client, world: World, media: Path
) -> None:
    key = form_key(client)
    first = client.post("/report/", report(world, key, photos=[upload(jpeg())]), follow=True)
    again = client.post("/report/", report(world, key, photos=[upload(jpeg())]), follow=True)
    issue = Issue.objects.get()
    assert number(issue) in first.text and number(issue) in again.text
    assert Photo.objects.count() == 1


def test_each_form_gets_its_own_key(client: Client, world: World) -> None:
    assert form_key(client) != form_key(client)


def test_a_report_without_a_location_is_refused(client: Client, world: World) -> None:
    data = report(world, form_key(client))
    del data["lon"], data["lat"]
    response = client.post("/report/", data)
    assert response.status_code == 400
    assert "请在地图上点选位置或使用定位" in response.text
    assert not Issue.objects.exists()


def test_a_report_outside_the_district_is_refused(client: Client, world: World) -> None:
    lon, lat = TIANANMEN
    response = client.post("/report/", report(world, form_key(client), lon=lon, lat=lat))
    assert response.status_code == 400
    assert "不在本区范围内" in response.text
    assert not Issue.objects.exists()


def test_a_file_that_is_not_a_photo_refuses_the_whole_report(
    client: Client, world: World, media: Path
) -> None:
    data = report(world, form_key(client), photos=[upload(b"%PDF-1.4 not a photo", "a.jpg")])
    response = client.post("/report/", data)
    assert response.status_code == 400
    assert "上传的文件不是图片" in response.text
    assert not Issue.objects.exists() and not Photo.objects.exists()


def test_at_most_three_photos(client: Client, world: World, media: Path) -> None:
    photos = [upload(jpeg((k * 40, 0, 0)), f"{k}.jpg") for k in range(4)]
    response = client.post("/report/", report(world, form_key(client), photos=photos))
    assert response.status_code == 400
    assert "最多上传 3 张照片" in response.text
    assert not Issue.objects.exists()


def test_a_parent_category_is_refused(client: Client, world: World) -> None:
    parent = world.categories["appearance"]
    response = client.post("/report/", report(world, form_key(client), category=str(parent.pk)))
    assert response.status_code == 400
    assert not Issue.objects.exists()


def test_the_thank_you_page_needs_a_report_first(client: Client, world: World) -> None:
    assert client.get("/report/thanks/")["Location"] == "/report/"


def test_one_address_may_open_only_so_many_cases_an_hour(
    client: Client, world: World, settings: Any
) -> None:
    settings.GRIDMGR_REPORT_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert client.post("/report/", report(world, form_key(client))).status_code == 302
    before = Issue.objects.count()
    refused = client.post("/report/", report(world, form_key(client)))
    assert refused.status_code == 429
    assert "每小时最多 2 件" in refused.text
    assert Issue.objects.count() == before  # nothing written
    client.cookies["django_language"] = "en"
    refused = client.post("/report/", report(world, form_key(client)))
    assert "at most 2 reports an hour" in refused.text
    other = Client(REMOTE_ADDR="10.0.0.9")  # another address has its own allowance
    assert other.post("/report/", report(world, form_key(other))).status_code == 302


def test_logged_in_users_are_not_counted(client: Client, world: World, settings: Any) -> None:
    from django.contrib.auth.models import User

    settings.GRIDMGR_REPORT_LIMIT_PER_HOUR = 1
    client.force_login(User.objects.create_user("worker-on-behalf", password="x"))
    for _ in range(3):
        assert client.post("/report/", report(world, form_key(client))).status_code == 302
