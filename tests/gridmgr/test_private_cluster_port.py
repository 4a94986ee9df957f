"""A port held by another program: .ci/db.sh says which and how to choose, or moves on.

Each test runs a copy of db.sh in a temporary checkout, so the suite's own cluster is untouched.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridmgr.conf import private_cluster_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def checkout() -> Iterator[Path]:
    """A fresh checkout with db.sh and no cluster; its cluster is stopped at the end.

    It lies under var/, which the 'postgres' user can reach (pytest's tmp_path is private).
    """
    (ROOT / "var").mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="db-sh-test-", dir=ROOT / "var"))
    (path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "db.sh", path / ".ci" / "db.sh")
    yield path
    if (path / "var" / "pgdata").exists():
        db_sh(path, "stop")
    shutil.rmtree(path)


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port another program listens on (here a plain socket)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


def db_sh(
    checkout: Path, command: str, port: int | None = None
) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    if port is not None:
        env["GRIDMGR_PG_PORT"] = str(port)
    return subprocess.run(
        ["bash", ".ci/db.sh", command],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_a_chosen_port_that_is_taken_is_named_with_how_to_choose_another(
    checkout: Path, taken_port: int
) -> None:
    done = db_sh(checkout, "start", port=taken_port)
    assert done.returncode != 0
    assert f"port {taken_port} is taken by another program" in done.stderr
    assert f"GRIDMGR_PG_PORT={taken_port + 1} make test" in done.stderr
    assert f"端口 {taken_port} 已被其他程序占用" in done.stderr
    assert not (checkout / "var" / "pgdata").exists()  # nothing created


@pytest.mark.slow
def test_a_fresh_checkout_whose_port_is_taken_starts_on_a_free_one_and_remembers_it(
    checkout: Path, taken_port: int
) -> None:
    (checkout / "var").mkdir()
    (checkout / "var" / "pgport").write_text(f"{taken_port}\n")  # as the default 54329 would be
    done = db_sh(checkout, "start")
    assert done.returncode == 0, done.stderr
    port = private_cluster_port(checkout)
    assert port != taken_port
    assert f"port {taken_port} is taken by another program" in done.stdout
    assert f"running on 127.0.0.1:{port}" in done.stdout
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass  # the cluster listens where settings.py will look for it
    again = db_sh(checkout, "start")  # a second start finds it running on its port
    assert again.returncode == 0 and private_cluster_port(checkout) == port


def test_settings_read_the_remembered_port_and_fall_back_on_the_default(tmp_path: Path) -> None:
    assert private_cluster_port(tmp_path) == 54329
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "pgport").write_text("54400\n")
    assert private_cluster_port(tmp_path) == 54400
    (tmp_path / "var" / "pgport").write_text("not a port")
    assert private_cluster_port(tmp_path) == 54329
