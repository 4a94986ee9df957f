"""The coverage PDF of a sub-district, through `manage.py coverage --format pdf`, timed whole and
in its two steps (analysis, PDF), and read back with pdftotext."""

from __future__ import annotations

import io
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

from bench.measure import Results, Row

PDF_TARGET_S = 10.0


@contextmanager
def timed_steps(module: ModuleType, steps: dict[str, str]) -> Iterator[dict[str, float]]:
    """While inside, calls to the module's functions named in `steps` (name → label) record
    their seconds under their label."""
    spent: dict[str, float] = {}

    def timed(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] = time.perf_counter() - start

        return call

    with ExitStack() as stack:
        for name, label in steps.items():
            stack.enter_context(
                mock.patch.object(module, name, timed(label, getattr(module, name)))
            )
        yield spent


def _run(code: str, path: Path) -> tuple[float, dict[str, float]]:
    from django.core.management import call_command

    from gridmgr.management.commands import coverage as command

    path.unlink(missing_ok=True)
    start = time.perf_counter()
    with timed_steps(command, {"analyse": "analysis", "write_coverage": "pdf"}) as steps:
        args = ("--region", code, "--format", "pdf", "--output", str(path))
        call_command("coverage", *args, stdout=io.StringIO(), stderr=io.StringIO())
    return time.perf_counter() - start, steps


def coverage_pdf(results: Results, code: str, name: str, path: Path, repeats: int) -> float:
    """Median seconds of `repeats` runs; adds the row, with the PDF checked for the name."""
    # A fresh `manage.py coverage` process also imports WeasyPrint and friends: timed apart.
    start = time.perf_counter()
    import gridmgr.coverage.exports  # noqa: F401

    imports_s = time.perf_counter() - start
    timed = [_run(code, path) for _ in range(repeats)]
    runs = [t for t, _ in timed]
    steps = timed[-1][1]
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    real = path.read_bytes().startswith(b"%PDF-") and name in text
    seconds = sorted(runs)[len(runs) // 2]
    size = path.stat().st_size
    results.add(
        Row(
            "web: coverage PDF",
            f"manage.py coverage --region {code} --format pdf ({name}, every layer)",
            seconds,
            "s",
            seconds=seconds,
            detail=f"last run: analysis {steps['analysis']:.2f} s + PDF {steps['pdf']:.2f} s"
            f" (+ {imports_s:.1f} s of imports in a fresh process, not counted); {size:,} bytes;"
            f" pdftotext finds '{name}': {real}; runs " + ", ".join(f"{s:.2f}" for s in runs),
            target=f"≤ {PDF_TARGET_S:g} s",
            met=real and seconds <= PDF_TARGET_S,
            extra={"runs": runs, "steps_s": steps, "imports_s": imports_s, "pdf_ok": real},
        )
    )
    return seconds
