"""Idempotency keys of reports, scoped to the client that sent them.

A client that retries a report with the same key gets its first case back, not a second one.
A key is only unique among one client's requests, so the key stored on the case is always
namespaced by its sender, here and nowhere else: `api:<user id>:<key>` (the REST API, by the
signed-in user), `open311:<api key id>:<key>` (an Open311 client), `form:<session token>:<key>`
(the public report form, by its browser session). A sender's id holds no colon, so no key a
client sends can reach into another's namespace: the same key from anyone else is a new report.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase

from gridmgr.models import ApiKey, Issue

# The session entry naming the browser as a sender of report forms: a random token rather than
# the session key itself, which is a credential and must not be copied into the issue table.
FORM_SENDER = "report_sender"


@dataclass(frozen=True)
class ScopedKey:
    """An idempotency key as stored: its sender's namespace, then the key the client sent."""

    stored: str


@dataclass(frozen=True)
class Sender:
    """Who sent a report: the namespace of its idempotency keys."""

    kind: Literal["api", "open311", "form"]
    ident: str

    def __post_init__(self) -> None:
        if not self.ident or ":" in self.ident:
            raise ValueError(f"a sender id is non-empty and holds no colon: {self.ident!r}")

    @classmethod
    def user(cls, user: AbstractBaseUser) -> Sender:
        """A signed-in user of the REST API."""
        return cls("api", str(user.pk))

    @classmethod
    def api_key(cls, key: ApiKey) -> Sender:
        """An Open311 client, by its API key."""
        return cls("open311", str(key.pk))

    @classmethod
    def form(cls, session: SessionBase) -> Sender:
        """A browser using the public report form; makes the session if there is none yet."""
        token = session.get(FORM_SENDER)
        if not isinstance(token, str) or not token.isalnum():
            token = session[FORM_SENDER] = secrets.token_hex(12)
        return cls("form", token)

    def key(self, sent: str | None) -> ScopedKey | None:
        """The stored form of the key this sender sent (None when it sent none)."""
        return ScopedKey(f"{self.kind}:{self.ident}:{sent}") if sent else None


def earlier_case(key: ScopedKey | None) -> Issue | None:
    """The case this sender already opened with this key, if any."""
    return Issue.objects.filter(idempotency_key=key.stored).first() if key else None
