"""Exports and pages speak a grid manager's words: what to do in the product, never a command
line (`--commit`, `manage.py`, flag names), in Chinese and in English."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from gridmgr.coverage.analysis import analyse
from gridmgr.coverage.exports import export_pdf
from tests.world import World

ROOT = Path(__file__).resolve().parents[2]
# A command-line flag (--commit, --output …) or the command runner; CSS custom properties
# (var(--ink), --ink: …) are not flags.
JARGON = re.compile(r"manage\.py|(?<![\w(-])--[a-z][a-z0-9-]*(?![\w-]*\s*:)")
# Texts only the command line shows: its own modules, and (file → flag) the lock error of a bulk
# import that only `import_issues` starts, and `coverage`'s refusal to write a PDF to stdout
# (the coverage page always writes to a file).
COMMAND_LINE_ONLY = ROOT / "gridmgr" / "management"
FLAGS_OF_COMMANDS = {"routing/issue_import.py": "--keep-indexes", "coverage/files.py": "--output"}


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "coverage.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize(("lang", "says"), [("zh-hans", "保存快照"), ("en", "Save snapshot")])
def test_the_pdf_without_a_snapshot_says_where_to_save_one_not_which_flag(
    world: World, tmp_path: Path, lang: str, says: str
) -> None:
    reports = analyse(world.district, [world.sector, world.grid])
    with translation.override(lang):
        text = pdf_text(export_pdf(reports, world.district), tmp_path)
    assert says in text
    assert not JARGON.search(text), JARGON.findall(text)


def _entries(po: Path) -> list[str]:
    """Every msgid and msgstr of a catalogue, continuation lines joined."""
    texts: list[str] = []
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgid", "msgstr")):
            texts.append(line.split(" ", 1)[1].strip('"'))
        elif line.startswith('"') and texts:
            texts[-1] += line.strip('"')
    return texts


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_no_page_text_in_either_language_names_a_command_line_flag(domain: str) -> None:
    po = ROOT / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
    found = [t for t in _entries(po) if JARGON.search(t)]
    assert found == []


def _literals(path: Path) -> list[str]:
    """The string constants of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


def test_no_bilingual_text_of_the_service_names_a_command_line_flag() -> None:
    found = [
        (name, text)
        for path in sorted((ROOT / "gridmgr").rglob("*.py"))
        if COMMAND_LINE_ONLY not in path.parents
        for name in [str(path.relative_to(ROOT / "gridmgr"))]
        for text in _literals(path)
        if set(JARGON.findall(text)) - {FLAGS_OF_COMMANDS.get(name)}
    ]
    assert found == []


def test_no_template_names_a_command_line_flag() -> None:
    found = [
        (str(path.relative_to(ROOT)), m.group())
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for m in JARGON.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
