"""The language of a request: the one the user chose, else Simplified Chinese.

Django's LocaleMiddleware falls back on the browser's Accept-Language header, so an English
Windows on a district intranet would get English pages nobody asked for. Pages here show
Chinese until the user picks English with the switcher in the top bar (POST /i18n/setlang/
sets the django_language cookie). Machine clients of the API and of Open311 still get the
language of their Accept-Language header, as Django's middleware gives it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Paths whose clients may ask for a language with Accept-Language.
HEADER_PATHS = ("/api/", "/open311/")


def chosen_language(request: HttpRequest) -> str:
    """The language of the cookie if it names a supported one, else settings.LANGUAGE_CODE."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or ""
    try:
        return translation.get_supported_language_variant(code) if code else settings.LANGUAGE_CODE
    except LookupError:
        return str(settings.LANGUAGE_CODE)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """LocaleMiddleware that ignores Accept-Language on the pages (see the module docstring)."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith(HEADER_PATHS):
            super().process_request(request)
            return
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        return response
