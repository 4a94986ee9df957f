"""A background coverage export logs its failure with the id of the request that started it."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from gridmgr.coverage import jobs
from gridmgr.server.logs import request_id
from tests.waiting import until


def test_a_failed_background_export_is_logged_under_the_starting_request_id(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings.GRIDMGR_COVERAGE_EXPORT_SYNC = False
    settings.GRIDMGR_COVERAGE_EXPORT_DIR = tmp_path

    def broken_select(*args: Any) -> None:
        raise RuntimeError("analysis exploded")

    monkeypatch.setattr(jobs, "select", broken_select)
    selection: Any = SimpleNamespace(region=SimpleNamespace(code="110101"), layer=None)
    token = request_id.set("req-export-7")
    try:
        status = jobs.start_export(1, selection, "geojson")
    finally:
        request_id.reset(token)
    state_file = tmp_path / status["id"] / "status.json"
    until(lambda: json.loads(state_file.read_text())["state"] == "failed", "the export to fail", 10)
    err = capsys.readouterr().err
    line = next(ln for ln in err.splitlines() if f"coverage export {status['id']} failed" in ln)
    assert "[req-export-7]" in line
    assert "RuntimeError: analysis exploded" in err
