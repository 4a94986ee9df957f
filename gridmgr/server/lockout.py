"""Locking out password guessers, and what they are told.

django-axes (settings AXES_*) locks one user name out from one address after a few failures.
Guessing a few passwords for each of many names from one address (password spraying) is
slowed here: each failed login from an address takes a token of its bucket
(gridmgr.server.ratelimit, GRIDMGR_LOGIN_ADDRESS_FAILURES_PER_HOUR); with none left, every login
from that address is refused, the right password too, until the bucket refills.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gridmgr.i18n import local
from gridmgr.server.ratelimit import has_token, take_token

# Set on a request refused because its address used up its failures (not one user name's).
ADDRESS_SPENT = "gridmgr_address_spent"


def _address_bucket(request: Any) -> tuple[str, float, int] | None:
    """The failed-login bucket of the request's address: key, tokens a second, capacity."""
    limit = int(settings.GRIDMGR_LOGIN_ADDRESS_FAILURES_PER_HOUR)
    if request is None or limit <= 0:
        return None
    return f"login-failures:{request.META.get('REMOTE_ADDR') or '-'}", limit / 3600, limit


class AddressBackend:
    """Admits nobody; refuses every login from an address that has no failures left.

    It has no get_user: Django signs forced logins and sessions in with the first backend
    that has one.
    """

    def authenticate(self, request: Any, **credentials: Any) -> None:
        bucket = _address_bucket(request)
        if bucket is not None and not has_token(*bucket):
            setattr(request, ADDRESS_SPENT, True)
            raise PermissionDenied("too many failed logins from this address")


def count_failure(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    """Take a failure from the address's bucket (user_login_failed); none left locks it out."""
    bucket = _address_bucket(request)
    if bucket is not None and not take_token(*bucket):
        setattr(request, ADDRESS_SPENT, True)
    if getattr(request, ADDRESS_SPENT, False):
        request.axes_locked_out = True  # axes's middleware and the token view answer it


def lockout_message(request: Any = None) -> tuple[str, str]:
    """The lockout's reason, in Chinese and in English."""
    if getattr(request, ADDRESS_SPENT, False):
        return (
            "此地址登录失败次数过多，暂停登录，请稍后再试或联系管理员",
            "Too many failed logins from this address: logins from it are paused. "
            "Try again later or ask an administrator.",
        )
    minutes = f"{float(settings.GRIDMGR_LOGIN_COOLOFF_MIN):g}"
    return (
        f"登录失败次数过多：该账号在此地址已被锁定 {minutes} 分钟，请稍后再试或联系管理员",
        f"Too many failed logins: this account is locked from this address for {minutes} "
        "minutes. Try again later or ask an administrator.",
    )


def retry_after(request: Any = None) -> str:
    """The Retry-After header of a lockout in seconds: the cool-off, or one token's refill."""
    if getattr(request, ADDRESS_SPENT, False):
        return str(math.ceil(3600 / int(settings.GRIDMGR_LOGIN_ADDRESS_FAILURES_PER_HOUR)))
    return str(round(float(settings.GRIDMGR_LOGIN_COOLOFF_MIN) * 60))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    """The login page again, saying why and for how long (429 Too Many Requests)."""
    context = {
        "form": AuthenticationForm(request),
        "locked_out": local(*lockout_message(request)),
        "next": request.POST.get("next", ""),
    }
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = retry_after(request)
    return response
