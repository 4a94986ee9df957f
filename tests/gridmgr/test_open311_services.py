"""Discovery, the service list and service definitions follow GeoReport v2 field by field."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.gridmgr.open311_client import (
    DEFINITION,
    DISCOVERY,
    ENDPOINT,
    FORMATS,
    SERVICE,
    errors_of,
    parse_json,
    parse_xml,
    tags,
    texts,
    url,
)
from tests.world import World

SPEC = "http://wiki.open311.org/GeoReport_v2"


def test_discovery_json_names_the_v2_endpoint_and_both_formats(client: Client, db: None) -> None:
    response = client.get(url("discovery", "json"))
    assert response.status_code == 200
    body = parse_json(response)
    assert list(body) == DISCOVERY
    assert body["changeset"] and body["contact"] and body["key_service"]
    [endpoint] = body["endpoints"]
    assert list(endpoint) == ENDPOINT
    assert endpoint["specification"] == SPEC
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]


def test_discovery_xml_has_the_elements_of_the_specification_in_order(
    client: Client, db: None
) -> None:
    root = parse_xml(client.get(url("discovery", "xml")))
    assert root.tag == "discovery"
    assert tags(root) == DISCOVERY
    endpoints = root.find("endpoints")
    assert endpoints is not None and tags(endpoints) == ["endpoint"]
    endpoint = endpoints[0]
    assert tags(endpoint) == ENDPOINT
    assert texts(endpoint)["specification"] == SPEC
    assert texts(endpoint)["url"] == "http://testserver/open311/v2"
    formats = endpoint.find("formats")
    assert formats is not None
    assert [(f.tag, f.text) for f in formats] == [
        ("format", "text/xml"),
        ("format", "application/json"),
    ]


def test_the_endpoint_url_of_discovery_leads_to_the_service_list(
    client: Client, world: World
) -> None:
    base = parse_json(client.get(url("discovery", "json")))["endpoints"][0]["url"]
    assert client.get(f"{base}/services.xml").status_code == 200


def test_service_list_json_offers_leaf_categories_with_their_group(
    client: Client, world: World
) -> None:
    body = parse_json(client.get(url("services", "json")))
    assert [s["service_code"] for s in body] == ["0101", "0201"]  # 01 has a subcategory
    rubbish, parking = body
    assert all(list(s) == SERVICE for s in body)
    assert rubbish["service_name"] == "暴露垃圾"
    assert rubbish["group"] == "市容环境"
    assert rubbish["metadata"] is False
    assert rubbish["type"] == "realtime"
    assert "exposed rubbish" in rubbish["keywords"]
    assert "城管执法局" in rubbish["description"]  # inherited from its parent
    assert parking["group"] is None
    assert "交警支队" in parking["description"] and "2 working hours" in parking["description"]


def test_service_list_xml_has_one_service_element_per_service_in_spec_order(
    client: Client, world: World
) -> None:
    root = parse_xml(client.get(url("services", "xml")))
    assert root.tag == "services"
    assert tags(root) == ["service", "service"]
    rubbish = root[0]
    assert tags(rubbish) == SERVICE
    fields = texts(rubbish)
    assert fields["service_code"] == "0101"
    assert fields["metadata"] == "false"
    assert fields["type"] == "realtime"
    assert fields["group"] == "市容环境"
    assert texts(root[1])["group"] is None  # empty element


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_has_the_code_and_no_attributes(
    client: Client, world: World, fmt: str
) -> None:
    response = client.get(url("service", fmt, code="0101"))
    assert response.status_code == 200
    if fmt == "json":
        body = parse_json(response)
        assert list(body) == DEFINITION
        assert body == {"service_code": "0101", "attributes": []}
    else:
        root = parse_xml(response)
        assert root.tag == "service_definition"
        assert tags(root) == DEFINITION
        assert texts(root)["service_code"] == "0101"
        attributes = root.find("attributes")
        assert attributes is not None and len(attributes) == 0


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", ["9999", "01"])
def test_unknown_or_non_leaf_service_is_404(
    client: Client, world: World, fmt: str, code: str
) -> None:
    response = client.get(url("service", fmt, code=code))
    assert response.status_code == 404
    [(status, description)] = errors_of(response, fmt)
    assert status == 404
    assert f"unknown service_code: {code}" in description
    assert "未知的服务类别" in description


@pytest.mark.parametrize(
    "path",
    ["/open311/v2/services.html", "/open311/v2/requests.csv", "/open311/v2/nothing.json"],
)
def test_unsupported_format_or_resource_is_404_in_xml(client: Client, db: None, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    [(status, description)] = errors_of(response, "xml")
    assert status == 404 and "unsupported format" in description


def test_a_method_the_resource_does_not_take_is_405_with_allow(
    client: Client, world: World
) -> None:
    response = client.post(url("services", "json"))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert errors_of(response, "json")[0][0] == 405
