"""What every browser test shares: Debian's chromium (no Playwright download), its flags, the
folder for screenshots (tests/artifacts/, git-ignored) and the marks of a live-server test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

# A browser test is slow, talks to a live server (so its data must be committed) and needs chromium.
BROWSER_TEST = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]


def launch(playwright: Any) -> Any:
    """Start headless chromium from Debian's package."""
    ARTIFACTS.mkdir(exist_ok=True)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
