"""The pages of the app: who may open each, the top bar's entries, and where each role lands.

One rule per page. The page's view checks it (`page_view`) and the top bar lists exactly the
pages whose rule lets the user in, so the bar never shows a page that would refuse the user and
never hides one that would open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridmgr.access import account_of, may_edit_zones, sees_every_issue
from gridmgr.models import Account, AccountRole

View = Callable[..., HttpResponse]
Rule = Callable[[HttpRequest], bool]


def acting(request: HttpRequest) -> Account | None:
    """The account of the request's user, read once per request."""
    if not hasattr(request, "_gridmgr_account"):
        request._gridmgr_account = account_of(request.user)  # type: ignore[attr-defined]
    return request._gridmgr_account  # type: ignore[attr-defined]


def _signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


def _overseer(request: HttpRequest) -> bool:
    # The overview counts every case of the district: for the roles that see every case.
    return _signed_in(request) and sees_every_issue(acting(request))


def _zone_editor(request: HttpRequest) -> bool:
    return _signed_in(request) and may_edit_zones(acting(request))


def _admin(request: HttpRequest) -> bool:
    return admin.site.has_permission(request)  # the admin's own test: an active staff user


@dataclass(frozen=True)
class Page:
    key: str
    url_name: str
    label: Any  # a lazy translation
    rule: Rule


# The staff pages in top-bar order. The sub-pages of a page (the issue map, a case, the zone
# editor of a plan) follow its rule.
PAGES = {
    page.key: page
    for page in (
        Page("overview", "overview", _("总览"), _overseer),
        Page("map", "maps:page", _("地图"), _signed_in),
        Page("issues", "casework:list", pgettext_lazy("plural", "问题"), _signed_in),
        Page("coverage", "coverage:page", pgettext_lazy("nav", "覆盖"), _signed_in),
        Page("editor", "editor:page", pgettext_lazy("nav", "编辑"), _zone_editor),
        Page("scores", "scores", _("综合评价"), _signed_in),
        Page("api", "api:docs", _("接口"), _signed_in),
        Page("admin", "admin:index", _("后台"), _admin),
    )
}
# What the top bar offers a visitor who is not logged in: the citizen's pages.
PUBLIC = (
    Page("report", "casework:report", _("市民上报"), lambda request: True),
    Page("track", "casework:track", _("进度查询"), lambda request: True),
)

OWN_OPEN_CASES = "mine=1&status=open&sort=due"
# The case list a role works from, as its first top-bar entry and its landing page.
WORK = {
    AccountRole.GRID_WORKER: (_("我的待办"), OWN_OPEN_CASES),
    AccountRole.STATIONED_CADRE: (_("我的待办"), OWN_OPEN_CASES),
    AccountRole.SECTOR_LEAD: (_("我的待办"), OWN_OPEN_CASES),
    AccountRole.DEPARTMENT: (_("部门待办"), OWN_OPEN_CASES),
    AccountRole.INSPECTOR: (_("待核查"), "status=handled&sort=due"),
}
LEADERS = (AccountRole.LINKED_LEADER, AccountRole.VIEWER)


def may_open(request: HttpRequest, key: str) -> bool:
    return PAGES[key].rule(request)


def page_view(key: str) -> Callable[[View], View]:
    """A view of the page `key`: a login, then the page's rule (403 when it says no)."""
    rule = PAGES[key].rule

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not rule(request):
                raise PermissionDenied(key)
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorate


def work_list(account: Account | None) -> tuple[Any, str] | None:
    """The label and address of the role's own case list, if its role works from one."""
    if account is None or account.role not in WORK:
        return None
    label, query = WORK[AccountRole(account.role)]
    return label, f"{reverse('casework:list')}?{query}"


def landing(request: HttpRequest) -> str:
    """Where a signed-in user starts: its own cases, the verification queue, the scores, the
    overview (the command centre), or the case list (a user without a role)."""
    account = acting(request)
    work = work_list(account)
    if work is not None:
        return work[1]
    if account is not None and account.role in LEADERS:
        return reverse("scores")
    return reverse("overview" if may_open(request, "overview") else "casework:list")


@dataclass(frozen=True)
class TopBarEntry:
    key: str
    url: str
    label: Any
    current: bool = False


def _current(entries: list[TopBarEntry], request: HttpRequest) -> list[TopBarEntry]:
    """Mark the entry of the page shown: the exact address, else the longest path prefix."""
    here, full = request.path, request.get_full_path()
    exact = [e for e in entries if e.url == full]
    prefixed = [e for e in entries if "?" not in e.url and here.startswith(e.url)]
    found = exact or sorted(prefixed, key=lambda e: -len(e.url))[:1]
    return [TopBarEntry(e.key, e.url, e.label, e in found[:1]) for e in entries]


def top_bar_entries(request: HttpRequest) -> list[TopBarEntry]:
    """The top bar's pages for this user, in order: its work list first."""
    if not request.user.is_authenticated:
        entries = [TopBarEntry(p.key, reverse(p.url_name), p.label) for p in PUBLIC]
        return _current(entries, request)
    work = work_list(acting(request))
    entries = [TopBarEntry("work", work[1], work[0])] if work else []
    entries += [
        TopBarEntry(p.key, reverse(p.url_name), p.label) for p in PAGES.values() if p.rule(request)
    ]
    return _current(entries, request)


def top_bar(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the top bar's entries, worked out only if a template shows them."""
    return {"top_bar": SimpleLazyObject(lambda: top_bar_entries(request))}
