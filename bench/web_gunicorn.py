"""gunicorn config module of the web bench: `--config python:bench.web_gunicorn`.

gunicorn imports it in the master before --preload imports gridmgr.wsgi's application, so the
application it then serves is the one wrapped here, with /static/ answered (bench.web_static).
"""

from django.conf import settings

import gridmgr.wsgi
from bench.web_static import serving_static
from gridmgr.gunicorn import when_ready  # the project's hook: GC frozen before the fork

gridmgr.wsgi.application = serving_static(  # type: ignore[assignment]
    gridmgr.wsgi.application, "/" + str(settings.STATIC_URL).lstrip("/")
)

__all__ = ["when_ready"]
