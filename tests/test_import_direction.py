"""The packages of gridmgr import one way: fronts → domain packages → models, never back.

Each part of the service is a unit (a package, or a top-level module); ALLOWED lists what each
unit may import, the same words as its docstring and the README's layout table. Three rules
are checked over every import of every module, at any depth (imports inside functions too):
- a unit imports only the units it is allowed (geodata, Django and libraries are always fine);
- no module of a domain package imports a front (a page, URL, form or API module), and a front
  never imports another unit's front: fronts share services, not each other;
- the allowed graph itself has no cycle, so the layering holds as a whole.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

GRIDMGR = Path(__file__).resolve().parents[1] / "gridmgr"

# What each unit may import. Foundation: errors, i18n, validators, conf; then models; then the
# shared access rules, viewport, pages and request pipeline (server); then the domain packages;
# then the fronts (api, open311, casework.web, commands, admin, templatetags, the root views).
ALLOWED: dict[str, set[str]] = {
    "__init__": set(),
    "formats": set(),  # Django's date and number formats per language
    "i18n": set(),
    "conf": set(),
    "validators": set(),
    "errors": {"i18n"},
    "models": {"errors", "i18n"},
    "access": {"models"},
    "viewport": {"errors", "i18n", "models"},
    "pages": {"access", "models"},
    # The request pipeline answers each front's refusals in that front's format (see FRONT_OK).
    "server": {"conf", "errors", "i18n", "models", "validators", "open311"},
    "routing": {"errors", "i18n", "models"},
    "territory": {"access", "errors", "i18n", "models", "routing", "validators"},
    "casework": {"access", "errors", "i18n", "models", "routing", "validators"},
    "coverage": {"access", "conf", "errors", "i18n", "models", "pages", "territory", "viewport"},
    "scores": {"access", "errors", "i18n", "models", "pages", "territory", "validators"},
    "maps": {"access", "coverage", "errors", "i18n", "models", "pages", "territory", "viewport"},
    "editor": {
        *("access", "coverage", "errors", "i18n", "maps", "models", "pages", "territory"),
        *("validators", "viewport"),
    },
    "overview": {"access", "models"},
    "demo": {"casework", "errors", "i18n", "models", "routing", "territory"},
    "casework.web": {
        *("access", "casework", "errors", "i18n", "models", "pages", "routing", "server"),
        *("validators", "viewport"),
    },
    "open311": {"casework", "errors", "i18n", "models", "routing", "validators"},
    "api": {
        *("access", "casework", "coverage", "editor", "errors", "i18n", "models", "routing"),
        *("scores", "server", "territory", "validators"),
    },
    "commands": {
        *("access", "casework", "coverage", "demo", "errors", "i18n", "models", "open311"),
        *("routing", "territory", "validators"),
    },
    "admin": {"access", "errors", "i18n", "models", "territory"},
    "templatetags": {"i18n", "models"},
    "views": {"access", "overview", "pages"},
    "urls": {"views"},
    "apps": {"server", "viewport"},
    "settings": {"conf", "server"},
    "wsgi": set(),
    "gunicorn": set(),
}
# Units that are fronts as a whole; elsewhere a module named like a page or URL module is one.
FRONT_UNITS = {"api", "open311", "casework.web", "commands", "admin", "templatetags", "views"}
FRONT_MODULES = {"views", "urls", "forms", "io", "charts"}
# Non-front modules of a front unit that others may use: Open311's error document and its keys.
FRONT_OK = {"gridmgr.open311.formats", "gridmgr.open311.keys", "gridmgr.open311.errors"}


def unit_of(module: str) -> str:
    """The unit a gridmgr module belongs to: casework.web's views belong to casework.web."""
    parts = module.split(".")[1:]
    if not parts:
        return "__init__"
    if parts[0] == "management":
        return "commands"
    if parts[:2] == ["casework", "web"]:
        return "casework.web"
    return parts[0]


def is_front(module: str) -> bool:
    return unit_of(module) in FRONT_UNITS or module.rsplit(".", 1)[-1] in FRONT_MODULES


def module_name(path: Path) -> str:
    rel = path.relative_to(GRIDMGR.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every gridmgr module a file imports, at any depth: `from <package> import <name>` counts
    as the module <package>.<name> when that is a module, else as <package>."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "gridmgr")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "gridmgr":
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                is_module = GRIDMGR.parent.joinpath(*sub.split(".")).with_suffix(".py").exists()
                is_package = GRIDMGR.parent.joinpath(*sub.split("."), "__init__.py").exists()
                found.add(sub if is_module or is_package else node.module)
    return found


MODULES = sorted(p for p in GRIDMGR.rglob("*.py") if "migrations" not in p.parts)


def test_every_unit_is_listed() -> None:
    units = {unit_of(module_name(p)) for p in MODULES}
    assert units - set(ALLOWED) == set(), "a new package needs its line in ALLOWED and the README"


@pytest.mark.parametrize("path", MODULES, ids=[module_name(p) for p in MODULES])
def test_a_module_imports_only_what_its_unit_may(path: Path) -> None:
    me = module_name(path)
    mine = unit_of(me)
    bad = sorted(
        target
        for target in imports_of(path)
        if unit_of(target) != mine and unit_of(target) not in ALLOWED.get(mine, set())
    )
    assert bad == [], f"{me} ({mine}) may not import {bad}"


@pytest.mark.parametrize("path", MODULES, ids=[module_name(p) for p in MODULES])
def test_no_service_imports_a_front_and_no_front_imports_another_front(path: Path) -> None:
    me = module_name(path)
    bad = sorted(
        target
        for target in imports_of(path)
        if is_front(target)
        and target not in FRONT_OK
        and unit_of(target) != unit_of(me)
        and target != "gridmgr.views"  # the root URLconf mounts the root pages
    )
    assert bad == [], f"{me} imports the fronts {bad}"


def test_the_allowed_graph_has_no_cycle() -> None:
    graph = {unit: deps - {unit} for unit, deps in ALLOWED.items()}
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:  # pragma: no cover - the message names the cycle
        pytest.fail(f"units import each other: {exc.args[1]}")


@pytest.mark.parametrize(
    ("a", "b"), [("casework", "maps"), ("maps", "casework"), ("models", "access")]
)
def test_the_issues_named_pairs_do_not_import_each_other(a: str, b: str) -> None:
    assert b not in ALLOWED[a]


def test_the_checker_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from gridmgr.maps import data\n    import gridmgr.api.views\n")
    assert imports_of(sample) == {"gridmgr.maps.data", "gridmgr.api.views"}


PACKAGES = sorted(
    p.parent
    for p in GRIDMGR.rglob("__init__.py")
    if p.parent != GRIDMGR and {"migrations", "formats", "commands"}.isdisjoint(p.parent.parts)
)


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_each_package_says_what_it_owns_and_what_it_may_import(package: Path) -> None:
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
    assert doc, f"{package.name} needs a docstring: what it owns, what it may import"
    said = doc.rsplit("May import:", 1)[-1].strip().rstrip(".")
    assert "May import:" in doc, f"{package.name}'s docstring does not say what it may import"
    unit = unit_of(module_name(package / "__init__.py"))
    assert {s.strip() for s in said.split(",") if s.strip()} == ALLOWED[unit]
