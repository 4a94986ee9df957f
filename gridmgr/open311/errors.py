"""Errors of the Open311 API, each with the HTTP status the GeoReport v2 specification asks for."""

from gridmgr.errors import GridError


class Open311Error(GridError):
    """A request the Open311 API refuses; `status` is its HTTP status code."""

    status = 400


class InvalidRequest(Open311Error):
    """Missing, malformed or out-of-range parameters."""


class KeyRefused(Open311Error):
    """A missing, unknown or revoked api_key."""

    status = 403


class NotFound(Open311Error):
    """An unknown service, request, token or resource."""

    status = 404
