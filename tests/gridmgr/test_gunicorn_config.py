"""The shipped gunicorn settings serve the app (threaded workers, preloaded, GC frozen)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.waiting import listening, until

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow  # starts gunicorn and waits for it to listen
@pytest.mark.django_db
def test_gunicorn_with_the_project_settings_serves_the_login_page() -> None:
    port = free_port()
    db = connection.settings_dict
    url = f"postgis://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = dict(os.environ, DATABASE_URL=url, GRIDMGR_BIND=f"127.0.0.1:{port}")
    env["GRIDMGR_WORKERS"], env["GRIDMGR_THREADS"] = "1", "2"
    cmd = [sys.executable, "-m", "gunicorn", "gridmgr.wsgi", "--config", "python:gridmgr.gunicorn"]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE)
    try:
        until(lambda: listening(port) or server.poll() is not None, "gunicorn to listen", 20)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as r:
            assert r.status == 200
            body = r.read()
        assert "登录".encode() in body
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=20)
    assert b"gthread" in err  # the worker class of gridmgr/gunicorn.py
