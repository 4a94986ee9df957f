"""Hypothesis throws hostile values at the citizen form, Open311 and the API's report: text with
NUL, other control characters and lone surrogates, huge and non-finite numbers, dates far
outside any range. No answer is a 5xx, and a refused request writes nothing.

Examples run in one test's transaction over the mini-district, bounded and derandomized.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from gridmgr.models import Issue
from tests.gridmgr.api_client import login, url
from tests.gridmgr.open311_client import a_point, new_key
from tests.gridmgr.open311_client import url as open311_url
from tests.world import World

BOUNDED = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE = "\x00\x01\x08\x0b\x0c\x1b\x7f\t\n\r\u2028\ufeff\ufffe\uffff 中/%"
# Text a form can carry: any character but a surrogate, which no UTF-8 body can encode.
form_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.sampled_from(HOSTILE), max_size=10),
    st.text(max_size=5).map(lambda t: "a\x00" + t),
    st.sampled_from(["", " ", "0201", "无" * 1200]),
)
# JSON can also carry a lone surrogate ("\ud800").
json_text = st.one_of(form_text, st.sampled_from(["\ud800", "a\udfffb", "\x00"]))
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
    st.sampled_from(["1e309", "-1e309", "nan", "inf", "-inf", "1e-400", "0x10", "1_0", "٣"]),
    form_text,
)
json_numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**30), max_value=10**30),
    json_text,
)
dates = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.dates().map(str),
    st.sampled_from(
        ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "9999-12-31", "2026-02-30", "Z"]
    ),
    form_text,
)

pytestmark = pytest.mark.world_per_module  # one world build for the module (tests/conftest.py)


@pytest.fixture
def unlimited(settings: Settings) -> None:
    """No per-address limit on the citizen form: every example reaches the form's checks."""
    settings.GRIDMGR_REPORT_LIMIT_PER_HOUR = 0


def check(response: Any, before: int) -> None:
    """No server error, and a refused request wrote nothing."""
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert Issue.objects.count() == before


def test_the_citizen_form_refuses_hostile_values_cleanly(world: World, unlimited: None) -> None:
    client = Client()
    lon, lat = a_point(world)
    category = str(world.categories["rubbish"].pk)

    @BOUNDED
    @given(
        st.fixed_dictionaries(
            {},
            optional={
                "key": form_text,
                "lon": st.one_of(numbers, st.just(str(lon))),
                "lat": st.one_of(numbers, st.just(str(lat))),
                "category": st.one_of(numbers, st.just(category)),
                "description": form_text,
                "name": form_text,
                "contact": form_text,
            },
        )
    )
    def post(form: dict[str, str]) -> None:
        before = Issue.objects.count()
        check(client.post("/report/", form), before)

    post()


def test_open311_refuses_hostile_posts_and_queries_cleanly(world: World) -> None:
    client = Client()
    key = new_key()
    lon, lat = a_point(world)

    @BOUNDED
    @given(
        st.fixed_dictionaries(
            {"api_key": st.just(key)},
            optional={
                "service_code": st.one_of(st.just("0201"), form_text),
                "lat": st.one_of(numbers, st.just(str(lat))),
                "long": st.one_of(numbers, st.just(str(lon))),
                "coord_sys": form_text,
                "description": form_text,
                "first_name": form_text,
                "address_string": form_text,
                "phone": form_text,
                "email": form_text,
                "media_url": form_text,
                "idempotency_key": form_text,
            },
        ),
        st.fixed_dictionaries(
            {},
            optional={
                "start_date": dates,
                "end_date": dates,
                "status": form_text,
                "service_code": form_text,
                "service_request_id": form_text,
            },
        ),
    )
    def exchange(form: dict[str, str], query: dict[str, str]) -> None:
        before = Issue.objects.count()
        check(client.post(open311_url("requests", "json"), form), before)
        answer = client.get(open311_url("requests", "xml"), query)
        assert answer.status_code < 500, answer.content[:300]

    exchange()


def test_the_api_refuses_hostile_reports_cleanly(world: World) -> None:
    centre = login("zhongxin", "command_centre", world.owners["district"])
    lon, lat = a_point(world)

    @BOUNDED
    @given(
        st.fixed_dictionaries(
            {},
            optional={
                "lon": st.one_of(json_numbers, st.just(lon)),
                "lat": st.one_of(json_numbers, st.just(lat)),
                "category": st.one_of(st.just("0201"), json_text),
                "coord_sys": json_text,
                "description": json_text,
                "address": json_text,
                "reporter_name": json_text,
                "reporter_contact": json_text,
            },
        )
    )
    def report(body: dict[str, Any]) -> None:
        before = Issue.objects.count()
        # json.dumps escapes a lone surrogate as \ud800, as a client's JSON would carry it.
        sent = json.dumps(body)
        check(centre.post(url("issue-list"), sent, content_type="application/json"), before)

    report()
