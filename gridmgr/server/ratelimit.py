"""Rate limits as token buckets in PostgreSQL, each take one atomic statement.

A bucket holds up to `burst` tokens and refills at `rate` tokens a second; a request takes one
token or is refused. Unlike a count per clock hour, no window boundary lets twice the limit
through (a full allowance just before the hour and another just after).

Written here rather than taken from django-ratelimit: that counts through Django's cache, and
the database cache's incr is a read then a write, so parallel requests read the same count and
all pass. Here the refill and the take are one UPSERT: PostgreSQL locks the bucket's row, so
concurrent takes queue and each sees the one before; run inside a transaction, the take is
undone with it (a report that fails takes no token).
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from gridmgr.models import RateBucket

_TABLE = RateBucket._meta.db_table
# The tokens a bucket holds now: what it held, refilled for the time since, at most `burst`.
_REFILLED = (
    "LEAST(%(burst)s::float8, b.tokens + %(rate)s::float8"
    " * GREATEST(0, EXTRACT(EPOCH FROM %(now)s::timestamptz - b.updated_at)::float8))"
)
_TAKE = (
    f"INSERT INTO {_TABLE} AS b (key, tokens, updated_at)"
    " VALUES (%(key)s, %(burst)s::float8 - 1, %(now)s::timestamptz)"
    f" ON CONFLICT (key) DO UPDATE SET tokens = {_REFILLED} - 1,"
    " updated_at = GREATEST(b.updated_at, %(now)s::timestamptz)"
    f" WHERE {_REFILLED} >= 1"
    " RETURNING tokens"
)
_PEEK = f"SELECT {_REFILLED} FROM {_TABLE} AS b WHERE b.key = %(key)s"


def take_token(key: str, rate: float, burst: int) -> bool:
    """Take a token from bucket `key` (refilling `rate` a second, holding at most `burst`)."""
    if burst < 1:
        return False
    # Raw SQL: one atomic UPSERT with a conditional update (the module docstring says why).
    with connection.cursor() as cur:
        cur.execute(_TAKE, {"key": key, "rate": rate, "burst": burst, "now": timezone.now()})
        return cur.fetchone() is not None


def has_token(key: str, rate: float, burst: int) -> bool:
    """Whether bucket `key` holds a token now (taking none)."""
    # Raw SQL: the bucket's refill computed as the take computes it, in the same expression.
    with connection.cursor() as cur:
        cur.execute(_PEEK, {"key": key, "rate": rate, "burst": burst, "now": timezone.now()})
        row = cur.fetchone()
    return row is None or row[0] >= 1
