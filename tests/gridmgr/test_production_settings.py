"""The README's production environment passes `check --deploy`; without a secret key, no start."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- production environment:"
# Settings this file sets itself; the caller's own values must not leak into the subprocess.
OWN = re.compile(r"^(DEBUG|SECRET_KEY|ALLOWED_HOSTS|CSRF_.*|SECURE_.*|SESSION_COOKIE_.*)$")


def documented_production_environment() -> dict[str, str]:
    """The NAME=value lines of the README's production environment block."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(MARKER, 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    pairs = (line.split("#", 1)[0].strip().split("=", 1) for line in block.splitlines())
    return {name: value for name, value in pairs if value}


def manage(extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not OWN.match(k)} | extra
    cmd = [sys.executable, "manage.py", *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_the_documented_production_environment() -> None:
    env = documented_production_environment()
    assert env["DEBUG"] == "false" and env["SECRET_KEY"] == "…"
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    done = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "identified no issues" in done.stdout


def test_debug_off_without_a_secret_key_refuses_to_start_in_both_languages() -> None:
    done = manage({"DEBUG": "false"}, "check")
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "DEBUG=false 时必须设置 SECRET_KEY" in done.stderr
    assert "SECRET_KEY must be set when DEBUG=false" in done.stderr


def test_debug_off_with_the_public_development_key_refuses_to_start() -> None:
    done = manage({"DEBUG": "false", "SECRET_KEY": "dev-only-insecure-key-change-me"}, "check")
    assert done.returncode != 0
    assert "SECRET_KEY must be set when DEBUG=false" in done.stderr


def test_a_malformed_proxy_ssl_header_is_refused_with_its_shape() -> None:
    done = manage({"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO"}, "check")
    assert done.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be two comma-separated values" in done.stderr


def test_debug_on_without_a_secret_key_still_runs_for_development() -> None:
    done = manage({}, "check")
    assert done.returncode == 0, done.stderr
