"""Open311 parameters parse into typed values; bad ones are refused with clear reasons."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from gridmgr.open311.errors import InvalidRequest
from gridmgr.open311.params import (
    MAX_SPAN,
    comma_list,
    date_range,
    new_request,
    person_name,
    request_query,
    w3c_datetime,
)

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2010-01-01T00:00:00Z", dt.datetime(2010, 1, 1, tzinfo=dt.UTC)),
        ("1994-11-05T08:15:30-05:00", dt.datetime(1994, 11, 5, 13, 15, 30, tzinfo=dt.UTC)),
        ("2026-03-01T08:00+08:00", dt.datetime(2026, 3, 1, tzinfo=dt.UTC)),
        ("2026-03-01T08:00:00.5+08:00", dt.datetime(2026, 3, 1, 0, 0, 0, 500000, tzinfo=dt.UTC)),
        # "+08:00" sent unencoded in a query string arrives as " 08:00".
        ("2026-03-01T08:00:00 08:00", dt.datetime(2026, 3, 1, tzinfo=dt.UTC)),
        ("2026-03-01", dt.datetime(2026, 3, 1, tzinfo=SHANGHAI)),
    ],
)
def test_w3c_datetimes_are_read_with_their_offset(text: str, expected: dt.datetime) -> None:
    assert w3c_datetime(text, "start_date") == expected


@pytest.mark.parametrize("text", ["2026-03-01T08:00:00", "2026/03/01", "last week", "20260301"])
def test_datetimes_without_zone_or_in_other_shapes_are_refused(text: str) -> None:
    with pytest.raises(InvalidRequest, match="start_date"):
        w3c_datetime(text, "start_date")


def test_date_range_defaults_to_the_last_90_days() -> None:
    assert date_range(QueryDict(), NOW) == (NOW - MAX_SPAN, NOW)


def test_date_range_with_one_end_spans_90_days_from_it() -> None:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert date_range(QueryDict("start_date=2026-01-01T00:00:00Z"), NOW) == (
        start,
        start + MAX_SPAN,
    )
    assert date_range(QueryDict("end_date=2026-01-01T00:00:00Z"), NOW) == (
        start - MAX_SPAN,
        start,
    )


def test_comma_lists_may_also_repeat_and_are_deduplicated() -> None:
    params = QueryDict("service_code=0101,0201&service_code=0301&service_code=0101,")
    assert comma_list(params, "service_code") == ("0101", "0201", "0301")


def test_ids_override_the_other_filters() -> None:
    query = request_query(QueryDict("service_request_id=A,B&status=bogus&start_date=x"), NOW)
    assert (query.ids, query.statuses, query.start) == (("A", "B"), (), None)


def test_chinese_names_put_the_family_name_first() -> None:
    assert person_name("三", "张") == "张三"
    assert person_name("John", "Smith") == "John Smith"
    assert person_name("", "Smith") == "Smith"


def test_a_new_request_reads_the_form_and_prefers_the_idempotency_header() -> None:
    form = QueryDict(
        "service_code=0201&lat=39.93&long=116.43&coord_sys=bd09&description=%20x%20"
        "&idempotency_key=from-form&account_id=&address_string=A"
    )
    new = new_request(form, "from-header")
    assert (new.service_code, new.lon, new.lat, new.coord_sys) == ("0201", 116.43, 39.93, "bd09")
    assert (new.description, new.address, new.account_id) == ("x", "A", None)
    assert new.idempotency_key == "from-header"
    assert new_request(form).idempotency_key == "from-form"
