"""gunicorn hooks of the intake bench (`--config python:bench.intake_gunicorn`): the project's own
(gridmgr/gunicorn.py), so that the bench measures the server as it is deployed. The worker
layout is set on the bench's command line (bench.intake_server)."""

from __future__ import annotations

from gridmgr.gunicorn import when_ready

__all__ = ["when_ready"]
