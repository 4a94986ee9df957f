"""Open311 API keys: shown once in clear when issued, stored only as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import secrets

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from gridmgr.models import ApiKey
from gridmgr.open311.errors import InvalidRequest, KeyRefused
from gridmgr.routing.prepared import prepared_cursor

PREFIX_LENGTH = 8
NAME_MAX = ApiKey._meta.get_field("name").max_length or 100


def hash_key(raw: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_key() -> str:
    """A fresh random key (256 bits, URL-safe) that does not begin with "-": its prefix names
    it on the command line (`revoke_api_key <prefix>`), where a leading dash reads as an option."""
    while True:
        raw = secrets.token_urlsafe(32)
        if not raw.startswith("-"):
            return raw


def issue_key(name: str) -> tuple[ApiKey, str]:
    """Create a key for the client `name`; the clear key is returned here and never again."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidRequest(
            f"客户端名称须为 1–{NAME_MAX} 个字符",
            f"the client name must be 1 to {NAME_MAX} characters",
        )
    raw = new_key()
    key = ApiKey.objects.create(name=name, prefix=raw[:PREFIX_LENGTH], key_hash=hash_key(raw))
    return key, raw


def authenticate(raw: str | None) -> ApiKey:
    """The active key matching `raw`; refuse a missing, unknown or revoked one."""
    if not raw:
        raise KeyRefused(
            "缺少 api_key，提交问题须提供密钥", "api_key is missing: posting a request needs one"
        )
    key = _by_hash(hash_key(raw))
    if key is None:
        raise KeyRefused("api_key 无效", "invalid api_key")
    if key.revoked_at is not None:
        raise KeyRefused("该 api_key 已被吊销", "this api_key has been revoked")
    return key


_BY_HASH_SQL = f"SELECT id, name, revoked_at FROM {ApiKey._meta.db_table} WHERE key_hash = %s"


def _by_hash(key_hash: str) -> ApiKey | None:
    """The key with this hash, its other fields loaded when read."""
    # Raw SQL: every posted request checks its key: one prepared statement, no query building.
    with prepared_cursor() as cur:
        cur.execute(_BY_HASH_SQL, [key_hash])
        row = cur.fetchone()
    return ApiKey.from_db(connection.alias, ["id", "name", "revoked_at"], row) if row else None


def active_keys(name_or_prefix: str) -> list[ApiKey]:
    """The unrevoked keys of the client with this name, or with this key prefix."""
    wanted = name_or_prefix.strip()
    return list(
        ApiKey.objects.filter(revoked_at__isnull=True).filter(Q(name=wanted) | Q(prefix=wanted))
    )


def revoke(keys: list[ApiKey]) -> int:
    """Revoke these keys now; return how many were revoked."""
    return ApiKey.objects.filter(pk__in=[k.pk for k in keys], revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
