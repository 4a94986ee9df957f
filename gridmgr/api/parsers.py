"""The API's JSON parser: DRF's, refusing text no response could echo (gridmgr.validators).

A lone surrogate ("\\ud800") parses into a Python string that UTF-8 cannot encode: an error
message quoting it would fail while being rendered. Such text, NUL and the other control
characters are refused as the body is read, as a field error of where they were.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser

from gridmgr.i18n import SEPARATOR
from gridmgr.validators import forbidden_character, refusal, strings


class CheckedJSONParser(JSONParser):
    """JSON whose every key and string value passes the text rule."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        for where, text in strings(data):
            char = forbidden_character(text)
            if char is not None:
                raise ValidationError({where: [SEPARATOR.join(refusal(where, char))]})
        return data
