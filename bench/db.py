"""The bench's own database: created fresh on the configured server, Django pointed at it."""

from __future__ import annotations

import importlib
import os
import secrets
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import psycopg
from psycopg import sql

# GRIDMGR_BENCH_DB: another name, so that two benches on one server do not drop each other's.
BENCH_DB = os.environ.get("GRIDMGR_BENCH_DB", "gridmgr_bench")
SETTINGS = "gridmgr.settings"


def bench_url(url: str, name: str = BENCH_DB) -> str:
    """The database URL with its database name replaced."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _connect_args(url: str, dbname: str) -> dict[str, Any]:
    cfg: dict[str, Any] = dict(dj_database_url.parse(url))
    args: dict[str, Any] = {"dbname": dbname, "autocommit": True}
    for key, arg in (
        ("HOST", "host"),
        ("PORT", "port"),
        ("USER", "user"),
        ("PASSWORD", "password"),
    ):
        if cfg.get(key):
            args[arg] = str(cfg[key])
    return args


def recreate(url: str, name: str = BENCH_DB) -> None:
    """Drop and create the bench database with PostGIS, through the server's `postgres` db."""
    real = dj_database_url.parse(url).get("NAME")
    if real == name:
        raise SystemExit(f"refusing to drop {name}: it is the configured database")
    with psycopg.connect(**_connect_args(url, "postgres")) as conn:
        ident = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
    with psycopg.connect(**_connect_args(url, name)) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def setup_django(verbosity: int = 0) -> str:
    """Create the bench database, point Django at it, migrate; returns the database name."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    settings_module = importlib.import_module(SETTINGS)
    url = bench_url(str(settings_module.DATABASE_URL))
    recreate(str(settings_module.DATABASE_URL))
    os.environ["DATABASE_URL"] = url
    # Production runs without DEBUG; with it, Django keeps every query in memory.
    os.environ["DEBUG"] = "0"
    # Without DEBUG the settings refuse to start on no key; a throwaway one serves the bench.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    importlib.reload(settings_module)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if name != BENCH_DB:
        raise SystemExit(f"Django points at {name!r}, not {BENCH_DB!r}: stopping")
    call_command("migrate", verbosity=verbosity, interactive=False)
    return name


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write rows into a table with one COPY on Django's connection."""
    from django.db import connection

    names = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), names)
    with connection.cursor() as cur, cur.cursor.copy(stmt) as copy:
        for row in rows:
            copy.write_row(row)


def execute(query: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[tuple]:
    """Run one statement on Django's connection; returns its rows (if any)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(query, params)
        return list(cur.fetchall()) if cur.description else []
