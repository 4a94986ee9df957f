"""How many cases one address may report on the public form in an hour.

The citizen form needs no login, so a script could flood the command centre with cases. Each
client address may open GRIDMGR_REPORT_LIMIT_PER_HOUR cases an hour (0: no limit); logged-in
users (grid workers reporting for someone) are not counted. The counts live in the shared cache
(the database by default), so every worker counts the same. REMOTE_ADDR is the address: behind
a reverse proxy, have it set REMOTE_ADDR (e.g. nginx's real_ip module).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone


def _key(request: HttpRequest) -> str | None:
    limit = int(settings.GRIDMGR_REPORT_LIMIT_PER_HOUR)
    if limit <= 0 or request.user.is_authenticated:
        return None
    address = request.META.get("REMOTE_ADDR") or "-"
    return f"gridmgr:report:{address}:{timezone.now():%Y%m%d%H}"


def over_limit(request: HttpRequest) -> bool:
    """Whether this client has already opened its allowance of cases this hour."""
    key = _key(request)
    return key is not None and int(cache.get(key, 0)) >= int(settings.GRIDMGR_REPORT_LIMIT_PER_HOUR)


def count_report(request: HttpRequest) -> None:
    """Count one more case opened by this client this hour."""
    key = _key(request)
    if key is not None and not cache.add(key, 1, 3600):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, 3600)
