"""Raw SQL only where it earns its keep, and then it says why: every cursor opened in gridmgr/
(and every .raw(), RawSQL or .extra()) has a "# Raw SQL: <why>" comment just above it.

What earns it: a hot path measured slower through the ORM, COPY, vector tiles, an advisory lock,
an INSERT … SELECT or UPSERT in one statement, a PostGIS function the ORM cannot spell. A new
cursor without its line fails here: write the query with the ORM, or say why not.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPENS = re.compile(r"\.cursor\(\)|\bprepared_cursor\(\)|\.raw\(|\bRawSQL\(|\.extra\(")
WHY = "# Raw SQL: "


def unexplained(lines: list[str]) -> list[int]:
    """The line numbers that open raw SQL without a "# Raw SQL:" comment block right above."""
    found = []
    for n, line in enumerate(lines):
        if not OPENS.search(line) or line.lstrip().startswith(("def ", "#")):
            continue
        above = n - 1
        block = []
        while above >= 0 and lines[above].lstrip().startswith("#"):
            block.append(lines[above])
            above -= 1
        if not any(WHY in c for c in block) and WHY not in line:
            found.append(n + 1)
    return found


def test_every_raw_sql_in_gridmgr_says_why() -> None:
    missing = {
        str(f.relative_to(ROOT)): where
        for f in sorted(ROOT.joinpath("gridmgr").rglob("*.py"))
        if "migrations" not in f.parts
        and (where := unexplained(f.read_text(encoding="utf-8").splitlines()))
    }
    assert missing == {}, "add a one-line '# Raw SQL: <why>' above each, or use the ORM"


def test_the_scan_wants_the_line_right_above() -> None:
    source = [
        "# Raw SQL: one statement.",
        "with connection.cursor() as cur:",
        "    pass",
        "with connection.cursor() as cur:",
        "# a comment that says nothing",
        "rows = Zone.objects.raw('SELECT 1')",
        "def prepared_cursor() -> CursorWrapper:",
    ]
    assert unexplained(source) == [4, 6]
