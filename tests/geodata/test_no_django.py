"""geodata stays pure geometry: it never imports Django or the gridmgr service."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
FORBIDDEN = ("django", "gridmgr")


def imported_modules(path: Path) -> set[str]:
    """Return every module name a source file imports, at any depth in the file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and _names_a_module(node.func):
            names.update(a.value for a in node.args[:1] if isinstance(a, ast.Constant))
    return names


def _names_a_module(func: ast.expr) -> bool:
    """Tell whether a call is __import__(...) or importlib.import_module(...)."""
    return (
        getattr(func, "id", None) == "__import__" or getattr(func, "attr", None) == "import_module"
    )


MODULES = sorted(GEODATA.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_module_imports_neither_django_nor_gridmgr(path):
    bad = {n for n in imported_modules(path) if n.split(".")[0] in FORBIDDEN}
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_importing_every_geodata_module_loads_no_django():
    names = [f"geodata.{p.stem}" for p in MODULES if p.stem != "__init__"]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'gridmgr'))\n"
        "print(','.join(leaked))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=GEODATA.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == ""


def test_the_import_walker_sees_imports_hidden_in_functions(tmp_path):
    source = tmp_path / "sneaky.py"
    source.write_text(
        "def f():\n    from django.db import models\n    import gridmgr.models\n"
        "    __import__('django.conf')\n",
        encoding="utf-8",
    )
    assert imported_modules(source) == {"django.db", "gridmgr.models", "django.conf"}
