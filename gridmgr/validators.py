"""Text a client may send: no character that PostgreSQL, UTF-8 or XML 1.0 cannot carry.

PostgreSQL text cannot hold NUL; a lone UTF-16 surrogate (from a JSON "\\ud800") cannot be
encoded as UTF-8; XML 1.0, the Open311 default format, cannot carry the other C0 controls nor
DEL. Tab, line feed and carriage return are ordinary text. This is the one rule: Open311
parameters, the pages' form fields, the editor's JSON and the request guard all apply it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# What no text may hold at all: the pages' form bodies are checked for it alone, so that their
# forms can show the other characters as field errors.
NUL = re.compile("\x00")
# Years of a date a client sends: far enough out for any query, and a date range or period
# around one is still a date Python can compute (its dates stop at year 9999).
YEARS = (1900, 2999)


def years_refusal(*years: int) -> tuple[str, str] | None:
    """Why dates of these years are refused (one is outside YEARS), in Chinese and English."""
    first, last = YEARS
    if all(first <= year <= last for year in years):
        return None
    return f"须在 {first} 至 {last} 年之间", f"must fall in the years {first} to {last}"


def forbidden_character(text: str, forbidden: re.Pattern[str] = FORBIDDEN) -> str | None:
    """The first forbidden character of `text` as a reader names it (NUL, U+001B), or None."""
    found = forbidden.search(text)
    if found is None:
        return None
    char = found.group()
    return "NUL (U+0000)" if char == "\x00" else f"U+{ord(char):04X}"


def refusal(name: str, char: str) -> tuple[str, str]:
    """The Chinese and English refusal of a value of `name` holding the character `char`."""
    return (
        f"{name} 含有不可接受的控制字符 {char}",
        f"{name} contains a control character that is not accepted: {char}",
    )


def strings(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (where, text) of a parsed JSON value: its keys and its string values."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, Mapping):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            yield where, str(key)
            yield from strings(value, where)
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            yield from strings(value, f"{path}[{i}]")


def first_refusal(
    pairs: Iterator[tuple[str, str]], forbidden: re.Pattern[str] = FORBIDDEN
) -> tuple[str, str] | None:
    """The refusal of the first (name, text) pair holding a forbidden character, or None."""
    for name, text in pairs:
        char = forbidden_character(text, forbidden)
        if char is not None:
            return refusal(name, char)
    return None


def validate_text(text: str) -> None:
    """Django validator: refuse a forbidden character, in the page's language."""
    char = forbidden_character(text)
    if char is not None:
        raise ValidationError(
            _("含有不可接受的控制字符 %(char)s"), code="control_character", params={"char": char}
        )


class TextField(forms.CharField):
    """A form's text field: Django's CharField, refusing every forbidden character."""

    default_validators = [validate_text]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Django's own NUL check would repeat ours in a second message.
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
