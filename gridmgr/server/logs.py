"""Where the app's log goes: standard error, one line a record, each tagged with its request id.

settings.LOGGING and gunicorn's own log (GunicornLogger, named by gridmgr/gunicorn.py) share one
configuration, logging_config() of GRIDMGR_LOG_FORMAT (`text` or `json` lines) and GRIDMGR_LOG_LEVEL. The
request id is set by gridmgr.server.request_id's middleware in a context variable, so every record
logged while a request is served carries it, the traceback of a server error included.
Errors also go to Sentry when SENTRY_DSN names one (init_sentry), without personal data.
"""

from __future__ import annotations

import logging
import logging.config
import sys
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from gunicorn import glogging
from pythonjsonlogger.core import RESERVED_ATTRS

# The id of the request being served by this thread, "-" outside a request.
request_id: ContextVar[str] = ContextVar("request_id", default="-")

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Give every record the id of the request it was logged in."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class StderrHandler(logging.StreamHandler):
    """A handler on the sys.stderr of the moment of each record, not of its creation.

    Test runners and gunicorn's workers replace sys.stderr after logging is configured.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass  # always the current sys.stderr


def logging_config(fmt: str, level: str) -> dict[str, Any]:
    """The dictConfig of the app: every logger to standard error in `fmt`, from `level` up."""
    if fmt not in FORMATS:
        raise ImproperlyConfigured(
            f"GRIDMGR_LOG_FORMAT 应为 text 或 json，而不是 {fmt!r} / "
            f"GRIDMGR_LOG_FORMAT must be text or json, not {fmt!r}"
        )
    if not isinstance(logging.getLevelName(level.upper()), int):
        raise ImproperlyConfigured(
            f"GRIDMGR_LOG_LEVEL 应为 DEBUG、INFO、WARNING、ERROR 或 CRITICAL，而不是 {level!r} / "
            f"GRIDMGR_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {level!r}"
        )
    # Loggers that bring their own handlers give them up and pass their records to the root.
    to_root = {"handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {
            "text": {"format": TEXT_FORMAT},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": ["levelname", "name", "message", "request_id"],
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": True,
                # django.request's record carries the request, whose text has the query string.
                "reserved_attrs": [*RESERVED_ATTRS, "request"],
            },
        },
        "handlers": {
            "stderr": {"()": StderrHandler, "filters": ["request_id"], "formatter": fmt},
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            "django": to_root,
            # runserver's own request lines would repeat gridmgr.access's: only its errors.
            "django.server": to_root | {"level": "WARNING"},
            # Its 4xx warnings repeat the access line, and come after the request's id is gone.
            "django.request": to_root | {"level": "ERROR"},
            "gunicorn.error": to_root,
            "gunicorn.access": to_root,
        },
    }


class GunicornLogger(glogging.Logger):
    """gunicorn's log through the app's handler, so that its lines have the app's format."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        logging.config.dictConfig(settings.LOGGING)


# What Sentry may collect (sentry-sdk 3's data_collection): no person and nothing a citizen typed.
# Local variables and bodies may hold a reporter's phone or description, cookies a session,
# query strings an Open311 api_key, headers a client address (X-Forwarded-For).
SENTRY_DATA_COLLECTION: dict[str, Any] = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {
        "request": {"mode": "allowlist", "terms": ["user-agent", "accept", "content-type"]}
    },
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "stack_frame_variables": False,
    "database_query_data": False,
}


def init_sentry(dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    """Send errors (and a sample of traces) to the district's Sentry, without personal data."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        data_collection=SENTRY_DATA_COLLECTION,  # type: ignore[arg-type]
        integrations=[DjangoIntegration()],
    )
