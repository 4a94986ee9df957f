"""How many cases one address may report on the public form.

The citizen form needs no login, so a script could flood the command centre with cases. Each
client address has a token bucket (gridmgr.server.ratelimit) of GRIDMGR_REPORT_LIMIT_PER_HOUR cases,
refilled at that many an hour (0: no limit); logged-in users (grid workers reporting for
someone) are not counted. The token is taken in the case's own transaction, in one statement,
so parallel posts cannot all pass and a refused or failed report takes none. REMOTE_ADDR is
the address: behind a reverse proxy, have it set REMOTE_ADDR (e.g. nginx's real_ip module).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from gridmgr.errors import GridError
from gridmgr.server.ratelimit import take_token


class TooManyReports(GridError):
    """A client address that has used up its allowance of reports."""


def take_report(request: HttpRequest) -> None:
    """Count one new case of this client, or raise TooManyReports when none is left."""
    limit = int(settings.GRIDMGR_REPORT_LIMIT_PER_HOUR)
    if limit <= 0 or request.user.is_authenticated:
        return
    address = request.META.get("REMOTE_ADDR") or "-"
    if not take_token(f"report:{address}", limit / 3600, limit):
        raise TooManyReports(
            f"提交过于频繁：每小时最多 {limit} 件，请稍后再试",
            f"Too many reports from this address: at most {limit} reports an hour."
            " Please try again later.",
        )
