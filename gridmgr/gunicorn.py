"""gunicorn settings for serving gridmgr: `gunicorn gridmgr.wsgi --config python:gridmgr.gunicorn`.

Threaded workers, two processes on a 2-core machine: threads keep a slow request (a large map
layer, a coverage page) from holding up the quick ones behind it. For pure Open311 intake, which
is CPU-bound, the bench's layout sweep finds sync ×2, gthread 3×4 and 2×8 within noise of each
other (bench.intake_load prints the sweep). The application is loaded once in the master (preload) and, before
the workers fork, everything loaded so far is frozen out of the garbage collector's reach: a
worker's full collections then walk only what requests made, not the whole of Django, GEOS and
the URL and model registries (a 60 ms pause, measured, that otherwise lands in the latency
tail), and the forked pages stay shared. Override any of these on the command line.

The address, processes and threads are Django settings (GRIDMGR_BIND, GRIDMGR_WORKERS,
GRIDMGR_THREADS), read from the environment in settings.py with the others: gunicorn reads this
file before it loads the app, so the file loads the settings itself, as the preloading master
would next anyway.
"""

from __future__ import annotations

import gc
import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridmgr.settings")  # as gridmgr/wsgi.py does
from django.conf import settings  # noqa: E402  (needs DJANGO_SETTINGS_MODULE)

bind = settings.GRIDMGR_BIND
worker_class = "gthread"
workers = settings.GRIDMGR_WORKERS
threads = settings.GRIDMGR_THREADS
preload_app = True
keepalive = 5
timeout = 120  # a coverage export of a whole district runs in the background, not in a request
# gunicorn's own lines go to standard error in the app's format (GRIDMGR_LOG_FORMAT), like the
# app's; one access line per request comes from the app (gridmgr.server.request_id), with its id.
logger_class = "gridmgr.server.logs.GunicornLogger"
errorlog = "-"
accesslog = None


def when_ready(server: Any) -> None:
    """Called in the master once the application is loaded, before any worker is forked."""
    gc.collect()
    gc.freeze()
