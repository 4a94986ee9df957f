"""Typed helpers that read settings from environment variables."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str) -> str:
    """Return the environment variable `name`, or `default`."""
    return os.environ.get(name, default)


def env_float(name: str, default: float) -> float:
    """Return the environment variable `name` as a float, or `default`."""
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def env_int(name: str, default: int) -> int:
    """Return the environment variable `name` as an int, or `default`."""
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    """Return the environment variable `name` as a boolean, or `default`."""
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


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
