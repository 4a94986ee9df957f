"""One name, one meaning: no two modules of gridmgr/ or geodata/ define a class of the same name.

A second `Receipt` or `GridError` means a reader (and an import) can take one for the other; the
glossary (docs/DOMAIN.md) gives each thing of the trade one name. Nested classes (`Issue.Status`,
`Plan.Status`, every `Meta`) are named through their enclosing class and are not counted.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Names Django requires in every module of their kind.
REQUIRED_BY_DJANGO = {"Command", "Migration"}


def module_classes(root: Path, *packages: str) -> dict[str, list[str]]:
    """Each module-level class name with the modules (relative to root) that define it."""
    found: dict[str, list[str]] = defaultdict(list)
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in tree.body:
                if isinstance(node, ast.ClassDef):
                    found[node.name].append(path.relative_to(root).as_posix())
    return found


def test_no_class_name_is_defined_twice_in_gridmgr_or_geodata() -> None:
    found = module_classes(ROOT, "gridmgr", "geodata")
    twice = {
        name: homes
        for name, homes in found.items()
        if len(homes) > 1 and name not in REQUIRED_BY_DJANGO
    }
    assert twice == {}


def test_the_receipt_and_the_grid_error_have_one_home_each() -> None:
    found = module_classes(ROOT, "gridmgr", "geodata")
    assert found["Receipt"] == ["gridmgr/models/issues.py"]
    assert found["GridError"] == ["gridmgr/errors.py"]


def test_the_scan_sees_a_second_definition(tmp_path: Path) -> None:
    source = "class Receipt:\n    class Meta:\n        pass\n"
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(source)
    (tmp_path / "pkg" / "b.py").write_text(source)
    found = module_classes(tmp_path, "pkg")
    assert found["Receipt"] == ["pkg/a.py", "pkg/b.py"]
    assert "Meta" not in found
