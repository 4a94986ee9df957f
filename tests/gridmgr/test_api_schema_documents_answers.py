"""The API schema says what the API answers: nullable parents and regions, the coverage list
unpaged, and on every operation the errors it can give, in the one error shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridmgr.models import Region
from tests.gridmgr.api_client import login, url
from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get(url("schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, op) for p, ops in schema["paths"].items() for m, op in ops.items()]


def test_parents_and_regions_that_may_be_missing_are_nullable(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    assert components["Region"]["properties"]["properties"]["properties"]["parent"]["nullable"]
    assert components["Category"]["properties"]["parent"]["nullable"]
    assert components["Category"]["properties"]["department_name"]["nullable"]
    assert components["Zone"]["properties"]["properties"]["properties"]["region"]["nullable"]


def test_coverage_is_documented_as_the_list_it_returns(
    schema: dict[str, Any], world: World
) -> None:
    coverage = schema["paths"]["/api/coverage/"]["get"]
    assert {p["name"] for p in coverage["parameters"]} == {"region", "layer"}
    ok = coverage["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["type"] == "array"
    client = login("zhongxin", "command_centre", world.owners["district"])
    answer = client.get(url("coverage"), {"region": world.district.code})
    assert answer.status_code == 200 and isinstance(answer.json(), list)
    assert Region.objects.filter(code=world.district.code).exists()


def test_every_operation_documents_its_errors_in_the_error_shape(schema: dict[str, Any]) -> None:
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "zh", "en"}
    for path, method, op in operations(schema):
        responses = op["responses"]
        expected = {"400"}
        if op.get("security") and any(op["security"]):
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        if "requestBody" in op:
            expected |= {"413", "415"}
        assert expected <= set(responses), (method, path)
        for code in expected:
            content = responses[code]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Error"}, (method, path, code)
