"""A setting the app cannot read stops it with the variable's name, in both languages.

Before, SECURE_SSL_REDIRECT=ture was quietly false and SECURE_HSTS_SECONDS=1y a bare
"invalid literal for int()" naming no variable.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def check(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("SECURE_SSL_REDIRECT", "ture", "expected true or false"),
        ("SECURE_HSTS_SECONDS", "1y", "expected a whole number"),
        ("GRIDMGR_NEAREST_ZONE_M", "50m", "expected a number"),
        ("GRIDMGR_LOG_FORMAT", "xml", "GRIDMGR_LOG_FORMAT must be text or json"),
        ("GRIDMGR_LOG_LEVEL", "LOUD", "GRIDMGR_LOG_LEVEL must be DEBUG, INFO"),
    ],
)
def test_an_unreadable_setting_stops_the_app_naming_it(
    name: str, value: str, expected: str
) -> None:
    done = check(**{name: value})
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert name in done.stderr and expected in done.stderr
    assert "应为" in done.stderr  # and in Chinese


def test_the_usual_spellings_of_true_and_false_are_read() -> None:
    done = check(SECURE_SSL_REDIRECT="Off", SESSION_COOKIE_SECURE="1", DEBUG="yes")
    assert done.returncode == 0, done.stderr
