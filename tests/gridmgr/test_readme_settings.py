"""The README's configuration table names every setting read from the environment, once.

A setting missing from the table is one an operator cannot find; a row twice is two answers
that can disagree; a row for a name nothing reads is a setting that does nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# env_str("NAME", …), os.environ.get("NAME"), os.environ["NAME"], and ${NAME:-…} in .ci/*.sh.
READS = re.compile(
    r"""env_(?:str|int|float|bool|list|pair)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
    r"""|os\.environ(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']"""
    r"""|\$\{([A-Z][A-Z0-9_]+):-"""
)
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE"}


def names_read() -> set[str]:
    files = [*ROOT.joinpath("gridmgr").rglob("*.py"), *ROOT.joinpath(".ci").glob("*.sh")]
    found = {name for f in files for m in READS.finditer(f.read_text()) for name in m.groups()}
    return found - {None} - NOT_SETTINGS  # type: ignore[operator]


def table_rows() -> list[list[str]]:
    """The names in the first cell of each row of the README's configuration table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1]) for row in rows]


def test_every_setting_read_from_the_environment_is_in_the_table_exactly_once() -> None:
    counts = Counter(name for row in table_rows() for name in row)
    missing = sorted(names_read() - set(counts))
    twice = sorted(name for name, n in counts.items() if n > 1)
    assert not missing, f"settings missing from the README's table: {missing}"
    assert not twice, f"settings in the README's table more than once: {twice}"


def test_every_row_of_the_table_is_a_setting_the_code_reads() -> None:
    listed = {name for row in table_rows() for name in row}
    assert listed - names_read() == set()
