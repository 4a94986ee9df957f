"""Render GeoReport v2 documents as XML or JSON, and errors in the specification's shape.

Documents are plain dicts and lists in the specification's field order. JSON follows the Spark
convention the specification uses: the root element is dropped, a list element becomes an
array and each of its item elements one entry; None is null in JSON and an empty element in XML.
"""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

from django.http import HttpResponse

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# The item element of each list element, as the specification names them.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# Control characters that XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, data: object) -> None:
    if isinstance(data, dict):
        for name, value in data.items():
            _fill(ET.SubElement(element, name), value)
    elif isinstance(data, list):
        item = ITEMS[element.tag]
        for value in data:
            _fill(ET.SubElement(element, item), value)
    else:
        element.text = _text(data)


def to_xml(root: str, data: object) -> str:
    """The document as XML under the element `root`, with the UTF-8 declaration."""
    element = ET.Element(root)
    _fill(element, data)
    ET.indent(element)
    return _DECLARATION + ET.tostring(element, encoding="unicode") + "\n"


def to_json(data: object) -> str:
    """The document as JSON (UTF-8 text, not escaped)."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def render(root: str, data: object, fmt: str, status: int = 200) -> HttpResponse:
    """A response carrying the document in format `fmt` (xml or json)."""
    body = to_xml(root, data) if fmt == "xml" else to_json(data)
    return HttpResponse(body.encode("utf-8"), content_type=CONTENT_TYPES[fmt], status=status)


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """An error response: one error per description, its code the HTTP status."""
    return render("errors", [{"code": status, "description": d} for d in descriptions], fmt, status)
