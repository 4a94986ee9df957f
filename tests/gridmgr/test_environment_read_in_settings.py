"""The environment is read in one place: gridmgr/settings.py, through gridmgr/conf.py's helpers.

Everything else reads django.conf.settings: a setting then has one name, one default, one row in
the README's table (test_readme_settings) and can be overridden in a test. gunicorn's config file
included: it loads the Django settings (gridmgr/gunicorn.py says why).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The typed helpers that read a variable (gridmgr/conf.py), and their one caller.
HELPERS = {"env_str", "env_int", "env_float", "env_bool", "env_list", "env_pair"}
READER, CALLER = "gridmgr/conf.py", "gridmgr/settings.py"
OS_READS = {"environ", "environb", "getenv", "getenvb"}


def _names_the_settings_module(node: ast.AST) -> bool:
    """os.environ.setdefault("DJANGO_SETTINGS_MODULE", …): Django's bootstrap, not a setting."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "setdefault"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == "DJANGO_SETTINGS_MODULE"
    )


def reads(source: str, path: str) -> list[str]:
    """Where a module reads the environment other than as its place allows ("line: what")."""
    tree = ast.parse(source)
    bootstrap = [n for n in ast.walk(tree) if _names_the_settings_module(n)]
    allowed = {id(n.func.value) for n in bootstrap}  # type: ignore[attr-defined]
    found = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if (
            isinstance(node, ast.Attribute)
            and node.attr in OS_READS
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
            and id(node) not in allowed
            and path != READER
        ):
            found.append(f"{line}: os.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and path != READER:
            found += [f"{line}: from os import {a.name}" for a in node.names if a.name in OS_READS]
        elif isinstance(node, ast.Call) and path not in (READER, CALLER):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in HELPERS:
                found.append(f"{line}: {name}()")
    return sorted(found, key=lambda f: int(f.split(":")[0]))


def test_only_settings_reads_the_environment() -> None:
    offences = {
        str(f.relative_to(ROOT)): found
        for f in sorted(ROOT.joinpath("gridmgr").rglob("*.py"))
        if (found := reads(f.read_text(encoding="utf-8"), str(f.relative_to(ROOT))))
    }
    assert offences == {}, "read the value from django.conf.settings, set it in settings.py"


def test_the_scan_finds_every_way_of_reading_a_variable() -> None:
    source = (
        "import os\nfrom os import getenv\nfrom gridmgr.conf import env_int\n"
        "a = os.environ.get('A')\nb = os.getenv('B')\nc = env_int('C', 1)\n"
        "d = os.environ['D']\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'gridmgr.settings')\n"
    )
    assert reads(source, "gridmgr/somewhere.py") == [
        "2: from os import getenv",
        "4: os.environ",
        "5: os.getenv",
        "6: env_int()",
        "7: os.environ",
    ]
    assert reads(source, CALLER) == [
        "2: from os import getenv",
        "4: os.environ",
        "5: os.getenv",
        "7: os.environ",
    ]
    assert reads(source, READER) == []
