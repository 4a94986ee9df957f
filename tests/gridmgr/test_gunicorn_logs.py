"""Under gunicorn, a server error leaves a JSON traceback on standard error and a Sentry event,
both with the request id the client got, and no personal data in the event."""

from __future__ import annotations

import gzip
import json
import os
import secrets
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.waiting import listening, until

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("secret-session-8c1f", "203.0.113.77", "key-secret-456")


class FakeSentry(BaseHTTPRequestHandler):
    """Takes Sentry envelopes on 127.0.0.1, as the district's Sentry would."""

    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli  # the SDK compresses with brotli when it is installed (fonttools)

            body = brotli.decompress(body)
        FakeSentry.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def sentry() -> Iterator[int]:
    FakeSentry.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSentry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    headers = {"Cookie": f"sessionid={SECRETS[0]}", "X-Forwarded-For": SECRETS[1]}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def sentry_events() -> list[dict[str, Any]]:
    items = (json.loads(line) for body in FakeSentry.received for line in body.splitlines())
    return [item for item in items if isinstance(item, dict) and "exception" in item]


def serve_until_error(port: int, dsn: str) -> tuple[int, dict[str, str], bytes, str]:
    """gunicorn on a database that does not exist, asked for the Open311 services."""
    db = connection.settings_dict
    env = dict(os.environ, GRIDMGR_BIND=f"127.0.0.1:{port}", GRIDMGR_LOG_FORMAT="json")
    env.update(DATABASE_URL=f"postgis://{db['USER']}@{db['HOST']}:{db['PORT']}/no_such_db_x")
    env.update(GRIDMGR_WORKERS="1", GRIDMGR_THREADS="2", SENTRY_DSN=dsn)
    env.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1")
    cmd = [sys.executable, "-m", "gunicorn", "gridmgr.wsgi", "--config", "python:gridmgr.gunicorn"]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/open311/v2/services.json?api_key={SECRETS[2]}"
        until(lambda: listening(port) or server.poll() is not None, "gunicorn to listen", 30)
        status, headers, body = get(url)
        # The event leaves in the SDK's background thread.
        until(sentry_events, "the Sentry event", 10)
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=30)
    return status, headers, body, err


@pytest.mark.slow
@pytest.mark.django_db
def test_a_server_error_under_gunicorn_is_logged_and_reported_with_its_request_id(
    sentry: int,
) -> None:
    status, headers, body, err = serve_until_error(free_port(), f"http://pub@127.0.0.1:{sentry}/1")
    assert status == 500
    rid = headers["X-Request-ID"]
    assert rid in json.loads(body)[0]["description"]  # Open311's error shape, with the id

    records = [json.loads(line) for line in err.splitlines() if line.strip()]  # all JSON
    assert any(r["logger"] == "gunicorn.error" for r in records)  # gunicorn's own lines too
    error = next(r for r in records if r["level"] == "ERROR" and r["logger"] == "django.request")
    assert error["request_id"] == rid
    assert "OperationalError" in error["exc_info"] and "no_such_db_x" in error["exc_info"]
    access = next(r for r in records if r["logger"] == "gridmgr.access")
    assert access["request_id"] == rid and access["status"] == 500

    events = sentry_events()
    assert events and events[0]["tags"]["request_id"] == rid
    sent = b"".join(FakeSentry.received).decode()
    for secret in SECRETS:
        assert secret not in sent
        assert secret not in err
