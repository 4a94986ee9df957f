"""Cursors for the hot path's few fixed statements: bound and prepared on the server.

Django's cursors bind parameters on the client, so PostgreSQL parses and plans every statement
anew (Django leaves prepared statements off for the sake of connection poolers). Intake runs
the same three or four statements for every report; prepared once per connection, they cost
PostgreSQL about half the CPU. GRIDMGR_PREPARED_STATEMENTS = False turns this off (behind a
pooler in transaction mode, e.g. PgBouncer before 1.21).
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

# Django's own cursors never prepare (they bind on the client), so a connection-wide threshold
# only concerns the cursors made here, which ask for preparation explicitly.
_NEVER_BY_COUNT = 2**31


class _PreparingCursor(psycopg.Cursor[Any]):
    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> _PreparingCursor:
        kwargs["prepare"] = True
        super().execute(query, params, **kwargs)
        return self


class _DebugWrapper(CursorDebugWrapper):
    """Logs a statement as written (a prepared one leaves the driver no text to show)."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


def prepared_cursor() -> CursorWrapper:
    """A cursor whose statements are prepared, logged and wrapped as Django's own are."""
    db = connections[DEFAULT_DB_ALIAS]
    db.ensure_connection()
    raw = db.connection
    cursor: psycopg.Cursor[Any]
    if getattr(settings, "GRIDMGR_PREPARED_STATEMENTS", True):
        if raw.prepare_threshold is None:
            raw.prepare_threshold = _NEVER_BY_COUNT
        cursor = _PreparingCursor(raw)
    else:
        cursor = psycopg.Cursor(raw)
    if db.queries_logged:
        return _DebugWrapper(cursor, db)
    return CursorWrapper(cursor, db)
