"""/report/ with a longitude or latitude out of range, not finite or not a number shows a clear
field error, in Chinese and in English, and opens no case."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from gridmgr.models import Issue
from tests.gridmgr.test_casework_report import form_key, report
from tests.world import World

BAD = ["999", "181", "-180.5", "nan", "inf", "-inf", "1e309", "abc", "1,5"]
MESSAGES = {
    "zh-hans": ("经度须为 -180 到 180 之间的数", "纬度须为 -90 到 90 之间的数"),
    "en": (
        "The longitude must be a number from -180 to 180",
        "The latitude must be a number from -90 to 90",
    ),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_bad_longitude_or_latitude_is_a_field_error(
    client: Client, world: World, language: str
) -> None:
    client.cookies["django_language"] = language
    lon_message, lat_message = MESSAGES[language]
    key = form_key(client)
    for bad in BAD:
        response = client.post("/report/", report(world, key, lon=bad))
        assert response.status_code == 400, bad
        page = html.unescape(response.text)
        assert lon_message in page and lat_message not in page, bad
        response = client.post("/report/", report(world, key, lat=bad.replace("181", "91")))
        assert response.status_code == 400, bad
        page = html.unescape(response.text)
        assert lat_message in page and lon_message not in page, bad
    both = client.post("/report/", report(world, key, lon="inf", lat="nan"))
    page = html.unescape(both.text)
    assert lon_message in page and lat_message in page
    assert not Issue.objects.exists()


def test_a_missing_location_asks_for_it_once(client: Client, world: World) -> None:
    response = client.post("/report/", report(world, form_key(client), lon="", lat=""))
    assert response.status_code == 400
    assert response.text.count("请在地图上点选位置或使用定位") == 1
