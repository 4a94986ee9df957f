"""KML folders flattened into one document, so that GDAL reads a KML file once.

GDAL gives each KML folder a layer, and opening a layer parses the whole file: reading every
folder in turn took time quadratic in their number (3,000 folders: over 300 s). The standard
library's XML parser moves every placemark, in document order, into a single folder in one
pass; GDAL then reads one layer. The walk also enforces the limits that keep a hostile file
from exhausting the machine: how many placemarks, and how deeply folders nest.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from geodata.errors import InputLimitError, UnsupportedFormatError
from geodata.inputs import not_utf8

# Folders nested deeper than this are refused (real files nest a handful of levels).
KML_MAX_DEPTH = 64
_CONTAINERS = ("Document", "Folder")
# Kept from anywhere in the file: the placemarks and the schemas their ExtendedData names.
_KEPT = ("Placemark", "Schema")


def flat_kml(path: Path, max_features: int | None = None) -> bytes:
    """The placemarks (and schemas) of a KML file in one document, as KML bytes."""
    kept: list[ET.Element] = []
    depth = placemarks = 0
    namespace = ""
    try:
        for event, element in ET.iterparse(path, events=("start", "end")):
            namespace, _, tag = element.tag.rpartition("}")
            if tag in _CONTAINERS:
                depth += 1 if event == "start" else -1
                if depth > KML_MAX_DEPTH:
                    raise _too_deep(path)
            elif event == "end" and tag in _KEPT:
                kept.append(element)
                placemarks += tag == "Placemark"
                if max_features is not None and placemarks > max_features:
                    raise too_many(path, max_features)
    except ET.ParseError as exc:
        if not _is_utf8(path):
            raise not_utf8(path) from exc
        raise UnsupportedFormatError(
            f"{path.name}：不是有效的 KML（XML 第 {exc.position[0]} 行有误）",
            f"{path.name}: not valid KML (XML error at line {exc.position[0]}: {exc.msg})",
        ) from exc
    return _document(kept, namespace.lstrip("{"))


def _is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _document(kept: list[ET.Element], namespace: str) -> bytes:
    """A KML document of one folder holding the kept elements."""
    ns = f"{{{namespace}}}" if namespace else ""
    root = ET.Element(f"{ns}kml")
    document = ET.SubElement(root, f"{ns}Document")
    schemas = [e for e in kept if e.tag.endswith("Schema")]
    document.extend(schemas)
    folder = ET.SubElement(document, f"{ns}Folder")
    folder.extend(e for e in kept if not e.tag.endswith("Schema"))
    if namespace:
        # Written unprefixed (<kml xmlns=…>), as KML readers expect; attributes stay unqualified.
        ET.register_namespace("", namespace)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _too_deep(path: Path) -> InputLimitError:
    return InputLimitError(
        f"{path.name}：文件夹嵌套超过 {KML_MAX_DEPTH} 层，请减少嵌套后再导入",
        f"{path.name}: folders are nested more than {KML_MAX_DEPTH} levels deep; "
        "flatten them before importing",
    )


def too_many(path: Path, limit: int) -> InputLimitError:
    """The error for a file of more than `limit` features."""
    return InputLimitError(
        f"{path.name}：要素超过 {limit} 个，请分批导入",
        f"{path.name}: more than {limit} features; import it in parts",
    )
