"""API keys: printed once, stored as a hash, refused once revoked (revoking needs --commit)."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from gridmgr.models import ApiKey
from gridmgr.open311 import keys
from gridmgr.open311.errors import KeyRefused
from gridmgr.open311.keys import authenticate, issue_key


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_api_key_prints_the_key_once_and_stores_only_its_hash(db: None) -> None:
    out, err = run("create_api_key", "市民通 App")
    raw = out.strip()
    key = ApiKey.objects.get()
    assert key.name == "市民通 App" and key.revoked_at is None
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert key.prefix == raw[:8] and len(raw) >= 40
    assert raw not in err and "shown only this once" in err
    assert authenticate(raw) == key


def test_each_key_is_new_even_for_the_same_client(db: None) -> None:
    first, _ = run("create_api_key", "App")
    second, _ = run("create_api_key", "App")
    assert first != second and ApiKey.objects.count() == 2


def test_a_blank_client_name_is_refused(db: None) -> None:
    with pytest.raises(CommandError, match="client name"):
        run("create_api_key", "  ")


def test_revoke_without_commit_lists_the_keys_and_revokes_nothing(db: None) -> None:
    key, raw = issue_key("App")
    out, err = run("revoke_api_key", "App")
    assert f"{key.prefix}…  App" in out and "would be revoked" in out and "dry run" in err
    assert authenticate(raw) == key


@pytest.mark.parametrize("by", ["name", "prefix"])
def test_revoke_by_name_or_prefix_refuses_the_key_from_then_on(db: None, by: str) -> None:
    key, raw = issue_key("App")
    other, other_raw = issue_key("Other")
    out, _ = run("revoke_api_key", "App" if by == "name" else key.prefix, "--commit")
    assert "1 key(s) revoked" in out
    with pytest.raises(KeyRefused, match="revoked"):
        authenticate(raw)
    assert authenticate(other_raw) == other


def test_revoking_an_unknown_or_already_revoked_key_is_an_error(db: None) -> None:
    issue_key("App")
    run("revoke_api_key", "App", "--commit")
    with pytest.raises(CommandError, match="no active key"):
        run("revoke_api_key", "App", "--commit")
    with pytest.raises(CommandError, match="no active key"):
        run("revoke_api_key", "Nobody", "--commit")


def test_no_issued_key_begins_with_a_dash_so_its_prefix_works_on_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn = iter(["-" + "a" * 42, "-" + "b" * 42, "c" * 43])
    monkeypatch.setattr(keys.secrets, "token_urlsafe", lambda n: next(drawn))
    assert keys.new_key() == "c" * 43
