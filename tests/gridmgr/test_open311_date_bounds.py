"""start_date and end_date far outside any range are a 400 in GeoReport format, not a crash."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.gridmgr.open311_client import FORMATS, errors_of, url

FAR = [
    {"start_date": "9999-12-01T00:00:00Z"},
    {"start_date": "9999-12-31"},
    {"end_date": "0001-01-01T00:00:00Z"},
    {"end_date": "0001-01-02"},
    {"start_date": "0001-01-01T00:00:00+14:00"},
    {"end_date": "9999-12-31T23:59:59-12:00"},
    {"start_date": "1899-12-31T23:59:59Z", "end_date": "1900-01-02T00:00:00Z"},
    {"start_date": "3000-01-01T00:00:00Z"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_date_out_of_range_is_refused_naming_the_parameter(client: Client, fmt: str) -> None:
    for query in FAR:
        response = client.get(url("requests", fmt), query)
        assert response.status_code == 400, query
        [(code, description)] = errors_of(response, fmt)
        assert code == 400
        name = next(iter(query))
        assert f"{name} 超出范围" in description and f"{name} is out of range" in description


@pytest.mark.django_db
def test_dates_near_the_ends_of_the_range_are_answered(client: Client) -> None:
    for query in (
        {"start_date": "1900-01-01T00:00:00Z"},
        {"end_date": "1900-01-01T00:00:00+14:00"},
        {"start_date": "2999-12-31T23:59:59-12:00"},
        {"start_date": "2999-12-01", "end_date": "2999-12-31"},
    ):
        response = client.get(url("requests", "json"), query)
        assert response.status_code == 200, (query, response.content)
        assert response.json() == []
