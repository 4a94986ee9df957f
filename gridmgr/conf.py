"""Typed helpers with which settings.py reads the environment; nothing else reads it
(tests/gridmgr/test_environment_read_in_settings.py).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str) -> str:
    """Return the environment variable `name`, or `default`."""
    return os.environ.get(name, default)


TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


def _refuse(name: str, raw: str, zh: str, en: str) -> ImproperlyConfigured:
    """A setting whose value cannot be read: say which, what it holds and what it takes."""
    return ImproperlyConfigured(
        f"环境变量 {name}={raw!r} 无法读取：应为{zh} / {name}={raw!r} cannot be read: expected {en}"
    )


def env_float(name: str, default: float) -> float:
    """Return the environment variable `name` as a float, or `default`."""
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError:
        raise _refuse(name, raw, "数字", "a number") from None


def env_int(name: str, default: int) -> int:
    """Return the environment variable `name` as an int, or `default`."""
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise _refuse(name, raw, "整数", "a whole number") from None


def env_bool(name: str, default: bool) -> bool:
    """Return the environment variable `name` as a boolean, or `default`.

    A value that is neither true nor false is refused: a mistyped SECURE_SSL_REDIRECT=ture
    must not quietly turn a protection off.
    """
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    word = raw.strip().lower()
    if word not in TRUE + FALSE:
        raise _refuse(name, raw, "true 或 false", "true or false (1/0, yes/no, on/off)")
    return word in TRUE


def env_list(name: str, default: list[str]) -> list[str]:
    """Return the comma-separated environment variable `name`, or `default`."""
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_pair(name: str) -> tuple[str, str] | None:
    """Return the environment variable `name` as two comma-separated values, or None if unset."""
    items = env_list(name, [])
    if not items:
        return None
    if len(items) != 2:
        raise ImproperlyConfigured(
            f"{name} 应为两个用逗号分隔的值，例如 HTTP_X_FORWARDED_PROTO,https / "
            f"{name} must be two comma-separated values, e.g. HTTP_X_FORWARDED_PROTO,https"
        )
    return items[0], items[1]


def private_cluster_port(base_dir: Path, default: int = 54329) -> int:
    """The port .ci/db.sh last started the private cluster on (var/pgport), else `default`.

    db.sh moves to a free port when another program holds the default one, and writes it there.
    """
    try:
        return int((base_dir / "var" / "pgport").read_text().strip())
    except (OSError, ValueError):
        return default
