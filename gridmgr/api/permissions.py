"""Who may call what: reads for every signed-in user, writes by role (docs/DOMAIN.md, "People")."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from gridmgr.access import account_of, is_centre
from gridmgr.models import Account, AccountRole

# Roles that may report a problem: everyone with a role except the read-only viewer.
REPORTERS = frozenset(AccountRole) - {AccountRole.VIEWER}
ZONE_EDITORS = frozenset({AccountRole.COMMAND_CENTRE, AccountRole.SECTOR_LEAD})


def account(request: Request) -> Account | None:
    """The account of the request's user, looked up once per request."""
    if not hasattr(request, "_gridmgr_account"):
        request._gridmgr_account = account_of(request.user)
    return request._gridmgr_account


def _signed_in(request: Request) -> bool:
    return bool(request.user and request.user.is_authenticated)


class CentreWrites(BasePermission):
    """Signed-in users read; only the command centre writes."""

    message = "只有区网格化管理中心可以修改 / only the command centre may change this"

    def has_permission(self, request: Request, view: Any) -> bool:
        if not _signed_in(request):
            return False
        return request.method in SAFE_METHODS or is_centre(account(request))


class CentreOnly(BasePermission):
    """Only the command centre, for reads and writes alike."""

    message = "只有区网格化管理中心可以执行此操作 / only the command centre may do this"

    def has_permission(self, request: Request, view: Any) -> bool:
        return _signed_in(request) and is_centre(account(request))


class ZoneEditors(BasePermission):
    """Signed-in users read; the centre and sector leads write (the service checks where)."""

    message = "只有管理中心和板块负责人可以编辑区域 / only the centre and sector leads edit zones"

    def has_permission(self, request: Request, view: Any) -> bool:
        if not _signed_in(request):
            return False
        found = account(request)
        return request.method in SAFE_METHODS or (found is not None and found.role in ZONE_EDITORS)


class Reporters(BasePermission):
    """Signed-in users read; every role but the viewer reports issues."""

    message = "只读账号不能上报问题 / a read-only account cannot report issues"

    def has_permission(self, request: Request, view: Any) -> bool:
        if not _signed_in(request):
            return False
        found = account(request)
        return request.method in SAFE_METHODS or (found is not None and found.role in REPORTERS)
