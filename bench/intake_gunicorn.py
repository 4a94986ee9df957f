"""gunicorn hooks of the intake bench (`--config python:bench.intake_gunicorn`).

The application is preloaded in the master; before it forks the workers, everything loaded so
far is frozen out of the garbage collector's reach: a worker's full collections then walk only
what requests made, not the whole of Django, GEOS and the URL and model registries (a pause of
tens of milliseconds that lands in the latency tail), and forked pages stay shared.
"""

from __future__ import annotations

import gc
from typing import Any


def when_ready(server: Any) -> None:
    """Called in the master once the application is loaded, before any worker is forked."""
    gc.collect()
    gc.freeze()
