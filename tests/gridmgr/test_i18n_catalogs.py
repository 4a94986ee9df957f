"""The message catalogues: every message translated, the compiled .mo files up to date, and
no string of the sources missing from them (README: languages).

The .mo files are committed, so that a set-up needs no gettext; these tests read them with
Python's gettext and need no gettext tools either, except the last, which runs makemessages
(xgettext) on a copy of the sources when gettext is installed.
"""

from __future__ import annotations

import ast
import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
# The language that is not the source language of the message ids (they are Chinese).
TRANSLATED = "en"
DOMAINS = ("django", "djangojs")
CONTEXT = "\x04"  # how gettext joins a context and a message id


def po_path(domain: str) -> Path:
    return LOCALE / TRANSLATED / "LC_MESSAGES" / f"{domain}.po"


def entries(path: Path) -> list[dict[str, object]]:
    """The entries of a .po file: flags, msgctxt, msgid, msgid_plural, msgstr or msgstr[n]."""
    found: list[dict[str, object]] = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict[str, object] = {"flags": set()}
        key = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] = {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] = str(entry[key]) + ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
        found.append(entry)
    return found


def messages(domain: str) -> list[dict[str, object]]:
    """The entries with a message id (the header has none)."""
    return [e for e in entries(po_path(domain)) if e.get("msgid")]


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_is_translated_and_none_is_fuzzy(domain: str) -> None:
    header = entries(po_path(domain))[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]  # type: ignore[operator]
    assert f"Language: {TRANSLATED}\\n" in repr(header["msgstr"])
    found = messages(domain)
    assert len(found) > 40
    for e in found:
        assert "fuzzy" not in e["flags"], e  # type: ignore[operator]
        translations = [v for k, v in e.items() if str(k).startswith("msgstr")]
        assert translations and all(translations), e


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_compiled_catalogue_matches_the_po_file(domain: str) -> None:
    """The committed .mo holds exactly the .po's translations: compilemessages was run."""
    po = po_path(domain)
    with po.with_suffix(".mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for e in messages(domain):
        msgid = str(e["msgid"])
        if "msgctxt" in e:
            msgid = f"{e['msgctxt']}{CONTEXT}{msgid}"
        if "msgid_plural" in e:
            for k in range(2):
                expected[(msgid, k)] = str(e[f"msgstr[{k}]"])
        else:
            expected[msgid] = str(e["msgstr"])
    compiled = {k: v for k, v in catalog.items() if k != ""}
    assert compiled == expected


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_the_catalogues_hold_every_message_of_the_sources(tmp_path: Path) -> None:
    """makemessages on a copy of the sources finds no message the committed .po files lack."""
    copy = tmp_path / "src"
    copy.mkdir()
    base = Path(settings.BASE_DIR)
    for name in ("gridmgr", "geodata", "templates", "locale"):
        shutil.copytree(base / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(base / "manage.py", copy / "manage.py")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    for domain in DOMAINS:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", TRANSLATED, "-d", domain],
            cwd=copy,
            env=env,
            check=True,
            capture_output=True,
        )
        relative = po_path(domain).relative_to(base)
        before = {(e.get("msgctxt"), e["msgid"]) for e in messages(domain)}
        after = {(e.get("msgctxt"), e["msgid"]) for e in entries(copy / relative) if e.get("msgid")}
        assert after - before == set(), f"run makemessages -l {TRANSLATED} -d {domain}"
        assert before - after == set(), f"obsolete messages in {relative}"
