"""Domain errors of the service, each with a Chinese and an English message."""

from geodata.errors import GeoDataError


class GridError(GeoDataError):
    """A request the service refuses, with a reason a grid manager understands."""


class OutsideDistrictError(GridError):
    """A point that lies outside the district."""


class UnknownCategoryError(GridError):
    """A category code or name that is not in the taxonomy."""


class PlanError(GridError):
    """A plan that cannot be activated or edited as asked."""


class NotFoundError(GridError):
    """A region, layer, plan or zone that does not exist."""
