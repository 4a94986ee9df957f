"""Domain errors of the service, each with a Chinese and an English message, and the HTTP status
and JSON body every front (the API, the editor, the request guards) answers them with."""

from typing import Any

from geodata.errors import GeoDataError
from gridmgr.i18n import SEPARATOR

# The reasons a refused import lists, one per line, before "… and N more".
MAX_REPORTED = 20


class GridError(GeoDataError):
    """A request the service refuses, with a reason a grid manager understands."""

    http_status = 400


class OutsideDistrictError(GridError):
    """A point that lies outside the district."""


class UnknownCategoryError(GridError):
    """A category code or name that is not in the taxonomy."""


class PlanError(GridError):
    """A plan that cannot be activated or edited as asked."""

    http_status = 409


class NotFoundError(GridError):
    """A region, layer, plan or zone that does not exist."""

    http_status = 404


def http_status(exc: GeoDataError) -> int:
    """The HTTP status of a refusal: the error's own, else 400 (bad coordinates, unknown
    category… are the client's to fix)."""
    return int(getattr(exc, "http_status", 400))


def bilingual(zh: str, en: str, **extra: Any) -> dict[str, Any]:
    """An error body: `detail` in both languages, and each language on its own."""
    return {**extra, "detail": f"{zh}{SEPARATOR}{en}", "zh": zh, "en": en}
