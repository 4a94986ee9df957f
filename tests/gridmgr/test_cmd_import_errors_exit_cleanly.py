"""A refused import ends with its bilingual message and exit code 1: never a traceback or an abort.

The command runs in real processes here, several at a time (an abort at exit, which the
in-process call_command cannot see, used to come in about one run of three under load), and
through call_command for every import command and every kind of unusable path.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gridmgr.models import Issue, Region, Zone
from gridmgr.routing import issue_import
from tests.world import World, full_cells

ROOT = Path(__file__).resolve().parents[2]
FIELDS = ["--lon-field", "lon", "--lat-field", "lat", "--category-field", "category"]
RUNS = 5


def write_issues_csv(path: Path, rows: int = 200) -> Path:
    lines = ["lon,lat,category"] + [f"116.42{k:03d},39.92{k:03d},0201" for k in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def database_url() -> str:
    """The test database, for a command run in another process."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgis://{auth}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def run_many(args: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """RUNS processes of manage.py at once (they load each other, as a busy server would)."""
    env = {**os.environ, "DATABASE_URL": database_url()}
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    procs = [
        subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(RUNS)
    ]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        done.append(
            subprocess.CompletedProcess(command, proc.returncode, out.decode(), err.decode())
        )
    return done


REFUSALS = {
    "srid off the allow-list": (["--srid", "999999"], "不支持的坐标系 EPSG:999999", "EPSG:999999"),
    "missing category field": (
        ["--category-field", "kind"],
        "没有类别字段“kind”",
        "no category field 'kind'",
    ),
}


@pytest.mark.slow  # RUNS manage.py processes at once, each loading Django: 10-30 s
@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refused_import_exits_1_with_its_message_every_time(
    db: None, tmp_path: Path, case: str
) -> None:
    extra, zh, en = REFUSALS[case]
    path = write_issues_csv(tmp_path / "issues.csv")
    for done in run_many(["import_issues", str(path), *FIELDS, *extra]):
        assert done.returncode == 1, done.stderr
        assert zh in done.stderr and en in done.stderr
        assert "terminate called" not in done.stderr
        assert "Traceback" not in done.stderr


def _folder(tmp_path: Path, name: str) -> Path:
    (tmp_path / name).mkdir()
    return tmp_path / name


def _under_a_file(tmp_path: Path, name: str) -> Path:
    (tmp_path / "plain.txt").write_text("x")
    return tmp_path / "plain.txt" / name


def _unreadable(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text("code,name\n")
    path.chmod(0)
    return path


BAD_PATHS = {
    "missing": (lambda tmp, name: tmp / name, "文件不存在", "file not found"),
    "a folder": (_folder, "不是文件", "is not a file"),
    "below a file": (_under_a_file, "文件不存在", "file not found"),
    "unreadable": (_unreadable, "无法读取文件", "cannot read"),
}

READER = ["--code-field", "code", "--name-field", "name", "--commit"]
COMMANDS: dict[str, tuple[str, list[str]]] = {
    "import_issues": ("issues.csv", ["import_issues", "{path}", *FIELDS, "--commit"]),
    "import_issues --category-map": (
        "map.csv",
        ["import_issues", "{good}", *FIELDS, "--category-map", "{path}", "--commit"],
    ),
    "import_zones": ("zones.geojson", ["import_zones", "{path}", "--plan", "P", "--layer", "L"]),
    "import_regions": ("regions.shp", ["import_regions", "{path}", "--level", "district"]),
    "generate_grid --streets": (
        "streets.geojson",
        ["generate_grid", "--region", "110101", "--plan", "P", "--layer", "L", "--streets"],
    ),
    "load_calendar": ("days.csv", ["load_calendar", "{path}", "--commit"]),
}


def command_args(command: str, path: Path, good: Path) -> list[str]:
    name, template = COMMANDS[command]
    args = [a.format(path=path, good=good) for a in template]
    if command in ("import_zones", "import_regions"):
        args += READER
    if command.startswith("generate_grid"):
        args += [str(path), "--commit"]
    return args


@pytest.mark.parametrize("kind", list(BAD_PATHS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_unusable_path_is_refused_by_every_import_command(
    world: World, tmp_path: Path, command: str, kind: str
) -> None:
    make, zh, en = BAD_PATHS[kind]
    if kind == "unreadable" and os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = make(tmp_path, COMMANDS[command][0])
    good = write_issues_csv(tmp_path / "good.csv", rows=3)
    before = Issue.objects.count(), Zone.objects.count(), Region.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command(*command_args(command, path, good), stdout=io.StringIO(), stderr=io.StringIO())
    assert zh in str(refused.value) and en in str(refused.value)
    assert (Issue.objects.count(), Zone.objects.count(), Region.objects.count()) == before


class SlowRouter:
    """A router that takes its time, so that chunks are still queued when the import fails."""

    def __init__(self) -> None:
        self.inner = issue_import.BulkRouter()
        self.calls = 0

    def route(self, lon: Any, lat: Any) -> Any:
        self.calls += 1
        threading.Event().wait(0.05)
        return self.inner.route(lon, lat)


def test_a_failing_import_stops_and_joins_its_routing_thread(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    points = [world.inside(c) for c in full_cells(world.subs["S3"], world.grid)[:40]]
    lon, lat = (np.array(v) for v in zip(*points, strict=True))
    category = world.categories["parking"]
    batch = issue_import.IssueBatch(
        lon, lat, np.full(40, category.pk), np.full(40, category.department_id)
    )
    monkeypatch.setattr(issue_import, "IMPORT_CHUNK", 2)  # 20 chunks

    def broken(self: Any, columns: Any) -> None:
        raise OSError("the server went away")

    monkeypatch.setattr(issue_import.CopyStream, "write", broken)
    router = SlowRouter()
    with pytest.raises(OSError, match="went away"):
        issue_import.import_batch(batch, router)  # type: ignore[arg-type]
    assert not [t for t in threading.enumerate() if t.name.startswith(issue_import.ROUTING_THREAD)]
    assert router.calls < 20
    assert Issue.objects.count() == 0
