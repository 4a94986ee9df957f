"""The intake bench's own database and the gunicorn server under load, both on 127.0.0.1 only."""

from __future__ import annotations

import importlib
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from bench.db import SETTINGS, bench_url, recreate
from bench.loadgen import LOCALHOST

INTAKE_DB = "gridmgr_bench_intake"
ROOT = Path(__file__).resolve().parent.parent
READY_PATH = "/open311/v2/discovery.json"


def _exists(base: str, name: str) -> bool:
    import psycopg

    from bench.db import _connect_args

    with psycopg.connect(**_connect_args(base, "postgres")) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def setup_database(name: str = INTAKE_DB, reuse: bool = False) -> str:
    """Create the intake database (fresh unless `reuse` and it exists), point Django at it,
    migrate; returns its URL."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    settings_module = importlib.import_module(SETTINGS)
    base = str(settings_module.DATABASE_URL)
    url = bench_url(base, name)
    if not (reuse and _exists(base, name)):
        recreate(base, name)
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    # Without DEBUG the settings refuse to start on no key; a throwaway one serves the bench.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    # This process profiles through Django's test client (host "testserver").
    os.environ["ALLOWED_HOSTS"] = f"{LOCALHOST},testserver"
    importlib.reload(settings_module)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.settings_dict["NAME"] != name:
        raise SystemExit(f"Django points at {connection.settings_dict['NAME']!r}: stopping")
    call_command("migrate", verbosity=0, interactive=False)
    return url


@dataclass(frozen=True)
class ServerConfig:
    """How gunicorn runs: worker class, processes and threads per process."""

    workers: int
    worker_class: str = "sync"
    threads: int = 1

    @property
    def label(self) -> str:
        if self.worker_class == "gthread":
            return f"gthread {self.workers}×{self.threads}"
        return f"{self.worker_class} ×{self.workers}"

    def args(self) -> list[str]:
        args = ["--workers", str(self.workers), "--worker-class", self.worker_class]
        return [*args, "--threads", str(self.threads)] if self.worker_class == "gthread" else args


def parse_config(text: str) -> ServerConfig:
    """'sync:3' or 'gthread:2x4' (workers × threads)."""
    kind, _, size = text.partition(":")
    workers, _, threads = size.partition("x")
    return ServerConfig(int(workers or 1), kind or "sync", int(threads or 1))


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOCALHOST, 0))
        return int(s.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection((LOCALHOST, port), timeout=2.0) as s:
            s.sendall(f"GET {READY_PATH} HTTP/1.0\r\nHost: {LOCALHOST}\r\n\r\n".encode())
            return s.recv(16).split(b" ")[1:2] == [b"200"]
    except OSError:
        return False


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of one process so far; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def postgres_backends(dbname: str) -> list[int]:
    """Pids of the server processes connected to `dbname`, but this process's own."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [dbname],
        )
        return [int(row[0]) for row in cur.fetchall()]


class CpuMeter:
    """CPU seconds used by gunicorn (master and workers) and by the PostgreSQL backends of the
    intake database: with other work on the machine, CPU per request is the figure that holds.
    A backend that connects during the run counts with all its CPU."""

    def __init__(self, server: Gunicorn, dbname: str = INTAKE_DB) -> None:
        self.server, self.dbname = server, dbname
        self.db0: dict[int, float] = {}
        self.app0 = 0.0

    def _app(self) -> float:
        master = self.server.proc.pid if self.server.proc is not None else 0
        return sum(_proc_cpu(p) for p in [master, *_children(master)]) if master else 0.0

    def begin(self) -> None:
        self.db0 = {pid: _proc_cpu(pid) for pid in postgres_backends(self.dbname)}
        self.app0 = self._app()

    def end(self) -> dict[str, float]:
        app = self._app() - self.app0
        db = sum(_proc_cpu(pid) - self.db0.get(pid, 0.0) for pid in postgres_backends(self.dbname))
        return {"gunicorn_cpu_s": app, "postgres_cpu_s": db}


def _normal_priority() -> None:
    """In the child before exec: back to the default priority (the bench may run above it)."""
    os.setpriority(os.PRIO_PROCESS, 0, 0)


class Gunicorn:
    """gunicorn serving gridmgr.wsgi on 127.0.0.1:<free port> against the database at `url`.

    Production settings: DEBUG off, application preloaded in the master before forking (and
    frozen out of the garbage collector, see bench.intake_gunicorn),
    persistent database connections (CONN_MAX_AGE 60 in settings), no access log.
    """

    def __init__(self, config: ServerConfig, url: str, log: Path) -> None:
        self.config, self.url, self.log = config, url, log
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        self.port = free_port()
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.url,
            DEBUG="0",
            SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            ALLOWED_HOSTS=LOCALHOST,
            DJANGO_SETTINGS_MODULE=SETTINGS,
        )
        env.pop("GUNICORN_CMD_ARGS", None)
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "gridmgr.wsgi:application",
            "--bind",
            f"{LOCALHOST}:{self.port}",
            # The project's gunicorn hooks; a --config among the layout's own arguments wins
            # (bench.web's, which also serves the static files).
            "--config",
            "python:bench.intake_gunicorn",
            *self.config.args(),
            "--preload",
            "--backlog",
            "2048",
            "--keep-alive",
            "5",
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--no-control-socket",
            "--log-level",
            "warning",
        ]
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            out.write(f"\n== {self.config.label} on port {self.port}\n".encode())
            out.flush()
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=out, stderr=out, preexec_fn=_normal_priority
            )
        deadline = time.monotonic() + 60.0
        while not _answers(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"gunicorn did not start: see {self.log}")
            time.sleep(0.2)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
