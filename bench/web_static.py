"""Static files for the web bench's gunicorn, served as a front web server would serve them.

gridmgr serves no static files without DEBUG; in production a front server (nginx) does,
gzipped. serving_static() answers /static/ the same way: files found through Django's
staticfiles finders, gzipped when the browser accepts it, cached for a day.
"""

from __future__ import annotations

import gzip
import mimetypes
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

StartResponse = Callable[..., Any]
App = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
# What nginx's gzip_types would name: text, scripts, JSON, SVG.
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


@lru_cache(maxsize=512)
def _load(path: str) -> tuple[bytes, bytes, str] | None:
    """A static file's bytes, their gzip form and content type; None if no finder has it."""
    from django.contrib.staticfiles import finders

    found = finders.find(path)
    if not isinstance(found, str):
        return None
    with open(found, "rb") as f:
        body = f.read()
    kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind == "application/javascript":
        kind += "; charset=utf-8"
    return body, gzip.compress(body, 6), kind


def serving_static(app: App, prefix: str) -> App:
    """The application, with paths under `prefix` answered from the static files."""

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if not path.startswith(prefix) or ".." in path:
            return app(environ, start_response)
        found = _load(path[len(prefix) :])
        if found is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        body, zipped, kind = found
        headers = [("Content-Type", kind), ("Cache-Control", "public, max-age=86400")]
        if kind.startswith(COMPRESSIBLE) and "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
            body = zipped
            headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        start_response("200 OK", [*headers, ("Content-Length", str(len(body)))])
        return [body]

    return wsgi
