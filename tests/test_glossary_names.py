"""The glossary (docs/DOMAIN.md) names the code as it is: every name of a term is defined in its home.

A rename that leaves the glossary behind, or a term whose home moved, fails here with the row.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest

from gridmgr.models.accounts import AccountRole
from gridmgr.models.owners import Role

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ROOT / "docs" / "DOMAIN.md"
CODE = re.compile(r"`([^`]+)`")
# A name, then attributes (.Kind.EVENT) or string keys (["verify"]).
NAME = re.compile(r'^([A-Za-z_]\w*)((?:\.\w+|\["[^"]+"\])*)$')
PART = re.compile(r'\.(\w+)|\["([^"]+)"\]')


def glossary_rows() -> list[tuple[str, list[str], list[str]]]:
    """(term, names in the code, homes) of every row of the glossary's tables."""
    text = DOMAIN.read_text(encoding="utf-8")
    section = text.split("## Glossary", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] in ("term", "") or set(cells[0]) <= {"-"}:
            continue
        rows.append((cells[0], CODE.findall(cells[2]), CODE.findall(cells[3])))
    return rows


def resolve(module: Any, name: str) -> bool:
    """Whether `name` (Issue.Status.CLOSED, STEPS["verify"]) is defined in the module."""
    match = NAME.match(name)
    if match is None or not hasattr(module, match[1]):
        return False
    obj = getattr(module, match[1])
    for attribute, key in PART.findall(match[2]):
        try:
            obj = obj[key] if key else getattr(obj, attribute)
        except (AttributeError, KeyError, TypeError):
            return False
    return True


def home_module(path: str) -> Any:
    assert (ROOT / path).is_file(), f"{path} is not in the repository"
    return importlib.import_module(path.removesuffix(".py").replace("/", "."))


ROWS = glossary_rows()


def test_the_glossary_has_its_terms() -> None:
    terms = {term for term, _, _ in ROWS}
    for term in ("sector", "receipt", "line and block", "crossing off", "scoreboard", "step"):
        assert term in terms
    assert all(names and homes for _, names, homes in ROWS)


@pytest.mark.parametrize(("term", "names", "homes"), ROWS, ids=[row[0] for row in ROWS])
def test_every_name_of_a_term_is_defined_in_its_home(
    term: str, names: list[str], homes: list[str]
) -> None:
    modules = [home_module(home) for home in homes]
    missing = [name for name in names if not any(resolve(m, name) for m in modules)]
    assert missing == [], f"{term}: not defined in {', '.join(homes)}"


def test_every_role_of_the_people_table_is_a_role_in_the_code() -> None:
    text = DOMAIN.read_text(encoding="utf-8")
    table = text.split("## People", 1)[1].split("\n## ", 1)[0].split("| role", 1)[1]
    roles = {name for line in table.splitlines()[2:] for name in CODE.findall(line.split("|")[1])}
    assert len(roles) == 9
    assert roles <= set(AccountRole.values) | set(Role.values)


def test_a_name_that_is_not_there_is_found_missing() -> None:
    loop = importlib.import_module("gridmgr.casework.loop")
    assert resolve(loop, 'STEPS["verify"]') and resolve(loop, "Received")
    assert not resolve(loop, 'STEPS["cross_off"]') and not resolve(loop, "Receipt")
