"""Nothing in the repository cites a document that is not in it (the domain document lives in
docs/DOMAIN.md, not in a folder beside the checkout)."""

from __future__ import annotations

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
