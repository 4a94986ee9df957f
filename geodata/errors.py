"""Errors raised by geodata, each with a Chinese and an English message."""


class GeoDataError(Exception):
    """A problem with input data that a grid manager can fix."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh
        self.en = en
        super().__init__(f"{zh} / {en}")


class InvalidGeometryError(GeoDataError):
    """A geometry that is not a valid polygon (or point) where one is required."""


class CoordinateError(GeoDataError):
    """Coordinates out of range, swapped or missing."""


class UnknownCRSError(GeoDataError):
    """A coordinate reference system that is not on the allow-list."""


class EmptyInputError(GeoDataError):
    """A file or table with nothing in it."""


class FieldError(GeoDataError):
    """A named attribute field that the input does not have."""


class UnsupportedFormatError(GeoDataError):
    """A file type that no reader handles."""


class UnitGridError(GeoDataError):
    """Unit grids that cannot be generated or coded as asked (cell size, code scheme, prefix)."""


class InputLimitError(GeoDataError):
    """A file beyond a limit: too many features, or folders nested too deeply."""
