"""What a client is told when it is locked out of logging in (django-axes, settings AXES_*)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gridmgr.i18n import local


def lockout_message() -> tuple[str, str]:
    """The lockout's reason, in Chinese and in English."""
    minutes = f"{float(settings.GRIDMGR_LOGIN_COOLOFF_MIN):g}"
    return (
        f"登录失败次数过多：该账号在此地址已被锁定 {minutes} 分钟，请稍后再试或联系管理员",
        f"Too many failed logins: this account is locked from this address for {minutes} "
        "minutes. Try again later or ask an administrator.",
    )


def retry_after() -> str:
    """The Retry-After header of a lockout: the cool-off in seconds."""
    return str(round(float(settings.GRIDMGR_LOGIN_COOLOFF_MIN) * 60))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    """The login page again, saying why and for how long (429 Too Many Requests)."""
    context = {
        "form": AuthenticationForm(request),
        "locked_out": local(*lockout_message()),
        "next": request.POST.get("next", ""),
    }
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = retry_after()
    return response
