"""Nothing in the repository cites a document or a module that is not in it (the domain document
lives in docs/DOMAIN.md, not in a folder beside the checkout; the flat services package is gone)."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A cited Markdown document: a path or a bare name ending in .md.
CITED = re.compile(r"(?<![\w/.-])((?:\.\./|\./)?[\w./-]*[\w-]\.md)\b")
TEXT = (".py", ".md", ".html", ".js", ".css", ".sh", ".toml", ".txt")


def tracked() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [ROOT / line for line in out.splitlines() if line.endswith(TEXT) or "/" not in line]


def test_every_cited_markdown_document_is_in_the_repository() -> None:
    files = [p for p in tracked() if p.is_file()]
    documents = {p.relative_to(ROOT).as_posix() for p in files if p.suffix == ".md"}
    names = {Path(d).name for d in documents}
    missing = []
    for path in files:
        for cited in CITED.findall(path.read_text(encoding="utf-8", errors="replace")):
            if cited.startswith("../") or (
                cited not in documents and Path(cited).name not in names
            ):
                missing.append(f"{path.relative_to(ROOT)}: {cited}")
    assert missing == []


# A dotted module path of three parts or more (gridmgr.routing.point, gridmgr.access.may_handle).
DOTTED = re.compile(r"(?<![\w.])((?:gridmgr|geodata|bench)(?:\.[A-Za-z_]\w*){2,})")
# The flat service package the domain packages replaced ("services.routing", "services/cases.py").
SELF = Path(__file__).resolve()  # names missing modules on purpose
OLD_SERVICES = re.compile(r"(?<![\w./])services[./](?!xml\b|json\b|html\b)[a-z_]+")


def top_level_names(path: Path) -> set[str]:
    """The names a module defines or imports at its top level."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def names_a_module(dotted: str) -> bool:
    """Whether the longest module prefix exists and the next part is defined in it."""
    parts = dotted.split(".")
    for n in range(len(parts), 1, -1):
        base = ROOT.joinpath(*parts[:n])
        module = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        if module.is_file():
            return n == len(parts) or parts[n] in top_level_names(module)
    return False


def test_every_cited_module_is_in_the_repository() -> None:
    missing = []
    for path in (
        p for p in tracked() if p.suffix in (".py", ".md", ".html") and p.is_file() and p != SELF
    ):
        text = path.read_text(encoding="utf-8", errors="replace")
        cited = [d for d in DOTTED.findall(text) if not names_a_module(d.rstrip("."))]
        cited += OLD_SERVICES.findall(text)
        missing += [f"{path.relative_to(ROOT)}: {c}" for c in cited]
    assert missing == []


def test_a_module_that_moved_is_found_missing() -> None:
    assert names_a_module("gridmgr.routing.point") and names_a_module("gridmgr.access.may_handle")
    assert not names_a_module("gridmgr.services.routing")
    assert not names_a_module("gridmgr.casework.loop.Receipt")
    assert OLD_SERVICES.findall("see services.cases, GET services.json") == ["services.cases"]
