"""Coverage exports as background jobs: threads of the web process, their state on disk.

No job queue (Celery, RQ, …) runs in this deployment, so an export runs in a small thread pool
of the web process itself (WORKERS at a time, hand-written here). Each job lives in
GRIDMGR_COVERAGE_EXPORT_DIR/<uuid>/: status.json (state, progress 0–100, step, bilingual error,
the user who asked) and, when done, the file. Any process of the web server can read the state.
Django keeps one database connection per thread: a job closes its own when it ends. A job whose
process stopped (a restart) is reported failed after STALE_S without news; jobs older than
GRIDMGR_COVERAGE_EXPORT_KEEP_H hours are removed when a new one starts.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import os
import shutil
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from geodata.crs import SYSTEMS
from geodata.errors import GeoDataError
from gridmgr.coverage import cache
from gridmgr.coverage.files import write_coverage
from gridmgr.coverage.gpkg import srid_for
from gridmgr.coverage.page import Selection, select
from gridmgr.errors import GridError

logger = logging.getLogger(__name__)

WORKERS = 2
# A queued or running job without news for this long (seconds) was lost with its process.
STALE_S = 900


@dataclass(frozen=True)
class ExportFormat:
    """A format of the export buttons: its file extension, media type and label."""

    extension: str
    content_type: str
    label: str | Promise  # a lazy translation where the label has words


FORMATS = {
    "pdf": ExportFormat("pdf", "application/pdf", "PDF"),
    "xlsx": ExportFormat(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"
    ),
    "geojson": ExportFormat("geojson", "application/geo+json", "GeoJSON"),
    "gpkg": ExportFormat("gpkg", "application/geopackage+sqlite3", "GeoPackage"),
    "html": ExportFormat("html", "text/html; charset=utf-8", gettext_lazy("HTML 地图")),
}
STEPS = {
    "queued": "排队中 / queued",
    "analysing": "分析中 / analysing",
    "rendering": "生成中 / rendering",
    "writing": "写入中 / writing",
    "done": "完成 / done",
    "failed": "失败 / failed",
}


class ExportError(GridError):
    """An export that cannot be started, shown or downloaded."""


class JobNotFoundError(ExportError):
    """No such export job (never started, or already cleaned up)."""


class NotYourJobError(ExportError):
    """An export job started by another user."""


class JobNotReadyError(ExportError):
    """An export job that has not finished (or failed)."""


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="coverage-export")
        return _pool


def export_root() -> Path:
    """Where jobs keep their state and files (GRIDMGR_COVERAGE_EXPORT_DIR)."""
    return Path(settings.GRIDMGR_COVERAGE_EXPORT_DIR)


def _dir(job_id: str) -> Path:
    return export_root() / str(uuid.UUID(job_id))


def _now() -> str:
    return timezone.now().isoformat()


def _save(status: dict[str, Any]) -> None:
    """Write status.json at once (write then rename), as pollers read it meanwhile."""
    folder = _dir(status["id"])
    tmp = folder / "status.json.tmp"
    tmp.write_text(json.dumps(status, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, folder / "status.json")


def _update(status: dict[str, Any], **changes: Any) -> None:
    status.update(changes, updated=_now())
    if "step" in changes:
        status["step_label"] = STEPS[changes["step"]]
    _save(status)


def _system(fmt: str, crs: str) -> str:
    """The coordinate system of an export: the one chosen for a GeoPackage, else WGS84."""
    if crs not in SYSTEMS:
        raise ExportError(f"不支持的坐标系“{crs}”", f"unknown coordinate system {crs!r}")
    return crs if fmt == "gpkg" else "wgs84"


def _filename(selection: Selection, fmt: str, system: str) -> str:
    """coverage_<region>_<day>[_epsg<code>].<ext>: a GeoPackage not in WGS84 says its EPSG."""
    day = timezone.localdate()
    crs = ""
    if system != "wgs84":
        try:
            crs = f"_epsg{srid_for(selection.region, system)}"
        except GeoDataError as error:  # a region outside every Gauss–Krüger zone
            raise ExportError(error.zh, error.en) from None
    return f"coverage_{selection.region.code}_{day:%Y%m%d}{crs}.{FORMATS[fmt].extension}"


def start_export(
    user_id: int, selection: Selection, fmt: str, crs: str = "wgs84"
) -> dict[str, Any]:
    """Queue an export of a selection in a format (a GeoPackage in `crs`); return its status."""
    if fmt not in FORMATS:
        raise ExportError(f"不支持的导出格式“{fmt}”", f"unknown export format {fmt!r}")
    system = _system(fmt, crs)
    filename = _filename(selection, fmt, system)
    _prune()
    job_id = str(uuid.uuid4())
    _dir(job_id).mkdir(parents=True)
    status: dict[str, Any] = {
        "id": job_id,
        "user": user_id,
        "format": fmt,
        "region": selection.region.code,
        "layer": selection.layer,
        # The PDF is written in the language of the page that asked for it.
        "lang": translation.get_language() or settings.LANGUAGE_CODE,
        "crs": system,
        "filename": filename,
        "state": "queued",
        "progress": 0,
        "step": "queued",
        "step_label": STEPS["queued"],
        "error": None,
        "created": _now(),
        "updated": _now(),
    }
    _save(status)
    if settings.GRIDMGR_COVERAGE_EXPORT_SYNC:
        run_export(status)
    else:
        # In the request's context: the export's log lines keep the id of the request (logs.py).
        _executor().submit(contextvars.copy_context().run, _in_thread, status)
    return status


def _in_thread(status: dict[str, Any]) -> None:
    try:
        run_export(status)
    finally:
        connections.close_all()


def run_export(status: dict[str, Any]) -> None:
    """Analyse, render and write one export, recording each step; never raises."""
    with translation.override(status.get("lang") or settings.LANGUAGE_CODE):
        _run_export(status)


def _run_export(status: dict[str, Any]) -> None:
    try:
        selection = select(status["region"], status["layer"])
        reports = []
        for i, layer in enumerate(selection.layers):
            progress = 5 + 35 * i // max(len(selection.layers), 1)
            _update(status, state="running", step="analysing", progress=progress)
            reports.append(cache.report(selection.region, layer))
        _update(status, state="running", step="rendering", progress=40)
        folder = _dir(status["id"])
        partial = folder / "partial" / status["filename"]
        partial.parent.mkdir(exist_ok=True)
        crs = status.get("crs", "wgs84")
        write_coverage(reports, status["format"], partial, None, selection.region, crs)
        _update(status, step="writing", progress=90)
        os.replace(partial, folder / status["filename"])
        partial.parent.rmdir()
        _update(status, state="done", step="done", progress=100)
    except GeoDataError as error:
        _fail(status, error.zh, error.en)
    except Exception as error:
        logger.exception("coverage export %s failed", status["id"])
        _fail(status, "导出失败，请重试或联系管理员", f"the export failed: {error}")


def _fail(status: dict[str, Any], zh: str, en: str) -> None:
    _update(status, state="failed", step="failed", error={"zh": zh, "en": en})


def job_status(job_id: str, user_id: int) -> dict[str, Any]:
    """The status of a job of this user."""
    try:
        path = _dir(job_id) / "status.json"
        status: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        raise JobNotFoundError("没有这个导出任务", f"no export job {job_id}") from None
    if status["user"] != user_id:
        raise NotYourJobError("这是其他用户的导出任务", "this export belongs to another user")
    if status["state"] in ("queued", "running") and _age_s(status["updated"]) > STALE_S:
        _fail(status, "导出中断（服务可能已重启），请重新导出", "the export was interrupted; retry")
    return status


def _age_s(iso: str) -> float:
    return (timezone.now() - dt.datetime.fromisoformat(iso)).total_seconds()


def public(status: dict[str, Any]) -> dict[str, Any]:
    """The status as the page sees it (without the user id)."""
    return {k: v for k, v in status.items() if k != "user"}


def output(status: dict[str, Any]) -> tuple[Path, ExportFormat]:
    """The finished file of a job and its format."""
    if status["state"] != "done":
        raise JobNotReadyError("导出尚未完成", f"the export is {status['state']}, not done")
    return _dir(status["id"]) / status["filename"], FORMATS[status["format"]]


def _prune() -> None:
    """Remove jobs older than GRIDMGR_COVERAGE_EXPORT_KEEP_H hours."""
    root = export_root()
    if not root.is_dir():
        return
    keep_s = 3600 * float(settings.GRIDMGR_COVERAGE_EXPORT_KEEP_H)
    for folder in root.iterdir():
        status = folder / "status.json"
        if status.is_file() and time.time() - status.stat().st_mtime > keep_s:
            shutil.rmtree(folder, ignore_errors=True)
