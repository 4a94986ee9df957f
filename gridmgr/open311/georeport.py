"""The GeoReport v2 use cases: discovery, services, and posting and querying service requests.

Services are the leaf issue categories (service_code = Category.code, group = the parent's
name); a service request is a case of the closed loop (service_request_id = its tracking
number), created through gridmgr.casework.loop.receive and so routed on arrival.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from gridmgr.casework.idempotency import Sender
from gridmgr.casework.loop import receive
from gridmgr.casework.report import find_category
from gridmgr.errors import UnknownCategoryError
from gridmgr.models import ApiKey, Category, Issue, Owner, Photo
from gridmgr.open311.errors import NotFound
from gridmgr.open311.params import NewRequest, RequestQuery

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MIME_TYPES = ("text/xml", "application/json")
# "Default query limit is a span of 90 days or first 1000 requests returned".
MAX_REQUESTS = 1000
# Statuses whose last comment is shown to the public as status_notes: the reasons a citizen
# is owed; comments on internal steps (reassign, rework) stay internal.
PUBLIC_REASONS = (Issue.Status.REJECTED, Issue.Status.SUSPENDED)

Item = dict[str, object]
# Turns a site-relative URL into an absolute one (request.build_absolute_uri).
Absolute = Callable[[str], str]


def w3c(moment: dt.datetime | None) -> str | None:
    """A datetime in W3C format with the server's UTC offset, e.g. 2026-03-01T08:30:00+08:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def discovery(url: str) -> Item:
    """The service discovery document of the single GeoReport v2 endpoint at `url`."""
    changeset = settings.GRIDMGR_OPEN311_CHANGESET
    return {
        "changeset": changeset,
        "contact": settings.GRIDMGR_OPEN311_CONTACT,
        "key_service": settings.GRIDMGR_OPEN311_KEY_SERVICE,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": changeset,
                "type": "production",
                "formats": list(MIME_TYPES),
            }
        ],
    }


def offered() -> QuerySet[Category]:
    """The categories offered as services: those without subcategories."""
    return (
        Category.objects.filter(children__isnull=True)
        .select_related("department", "parent__department")
        .order_by("code")
    )


def _lookup_service(code: str) -> Category | None:
    """The offered category with this code (one query), else with this name or English name."""
    service = offered().filter(code=code.strip()).first()
    if service is not None:
        return service
    try:
        category = find_category(code)
    except UnknownCategoryError:
        return None
    return offered().filter(pk=category.pk).first()


# Offered services by the code (or name) asked for, per process, for at most SERVICE_CACHE_S
# seconds: every posted request looks its service up. Saving or deleting a category or an owner
# (a department's name is in the notice) empties the cache at once, in this process; a change
# made elsewhere (another process, a queryset update) shows here within SERVICE_CACHE_S.
SERVICE_CACHE_S = 30.0
_SERVICE_CACHE_MAX = 1000
_services: dict[str, tuple[float, Category]] = {}


def forget_services(**_: object) -> None:
    """Empty the per-process cache of offered services."""
    _services.clear()


post_save.connect(forget_services, sender=Category, dispatch_uid="open311-services-save")
post_delete.connect(forget_services, sender=Category, dispatch_uid="open311-services-delete")
post_save.connect(forget_services, sender=Owner, dispatch_uid="open311-owners-save")
post_delete.connect(forget_services, sender=Owner, dispatch_uid="open311-owners-delete")


def offered_service(code: str) -> Category:
    """The offered category with this code (or name); NotFound otherwise.

    The instance may be shared with other requests of this process: read it, do not change it.
    """
    now = time.monotonic()
    hit = _services.get(code)
    if hit is not None and now - hit[0] < SERVICE_CACHE_S:
        return hit[1]
    service = _lookup_service(code)
    if service is None:
        raise NotFound(f"未知的服务类别 service_code：{code}", f"unknown service_code: {code}")
    if len(_services) >= _SERVICE_CACHE_MAX:
        _services.clear()
    _services[code] = (now, service)
    return service


def department(category: Category) -> Owner | None:
    """The handling department of a category, inherited from its parent when unset."""
    if category.department is not None:
        return category.department
    return category.parent.department if category.parent is not None else None


def notice_parts(category: Category) -> tuple[str, str]:
    """Who handles a request of this service and within what time, in Chinese and English."""
    dept = department(category)
    if dept is None:
        return "由区网格化管理中心派遣处置", "the district command centre dispatches it"
    if category.limit_value is None:
        return f"由{dept.name}处置", f"handled by {dept.name}"
    zh, _, en = Category.LimitUnit(category.limit_unit).label.partition(" / ")
    n = category.limit_value
    return (
        f"由{dept.name}在派遣后 {n} {zh}内处置",
        f"handled by {dept.name} within {n} {en} of dispatch",
    )


def service_notice(category: Category) -> str:
    """What will happen to a request of this service, in both languages."""
    return " / ".join(notice_parts(category))


def service_item(category: Category) -> Item:
    """One service of the service list, fields in the specification's order."""
    parent = category.parent
    kind_zh, _, kind_en = Category.Kind(category.kind).label.partition(" / ")
    notice_zh, notice_en = notice_parts(category)
    keywords = [category.name_en, parent.name if parent else "", parent.name_en if parent else ""]
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{kind_zh}类问题“{category.name}”，{notice_zh}"
        f" / {kind_en}: {category.name_en or category.name}, {notice_en}",
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(k for k in keywords if k) or None,
        "group": parent.name if parent else None,
    }


def service_list() -> list[Item]:
    """The service list."""
    return [service_item(c) for c in offered()]


def service_definition(code: str) -> Item:
    """The definition of one service: no service asks for extra attributes (metadata false)."""
    return {"service_code": offered_service(code).code, "attributes": []}


def submit(new: NewRequest, key: ApiKey) -> tuple[list[Item], bool]:
    """Open a case for a posted request; True when created, False for a repeated key."""
    category = offered_service(new.service_code)
    issue, created = receive(
        new.lon,
        new.lat,
        category,
        description=new.description,
        source="open311",
        coord_sys=new.coord_sys,
        reporter_name=new.reporter_name,
        reporter_contact=new.reporter_contact,
        address=new.address,
        idempotency=Sender.api_key(key).key(new.idempotency_key),
        actor_label=f"Open311: {key.name}"[:100],
    )
    item: Item = {
        "service_request_id": issue.tracking_number,
        "service_notice": service_notice(issue.category),
        "account_id": new.account_id,
    }
    return [item], created


def cases() -> QuerySet[Issue]:
    """The cases visible through Open311 (those with a tracking number), ready to render."""
    return (
        Issue.objects.filter(tracking_number__isnull=False)
        .select_related(
            "category__department", "category__parent__department", "department", "merged_into"
        )
        .prefetch_related(
            "transitions",
            Prefetch(
                "photos", queryset=Photo.objects.filter(kind=Photo.Kind.REPORT), to_attr="shown"
            ),
        )
    )


def status_notes(issue: Issue) -> str:
    """The current state in both languages, with the public reason for it when there is one."""
    notes = dict(Issue.Status.choices).get(issue.status, issue.status)
    steps = list(issue.transitions.all())
    if issue.status in PUBLIC_REASONS and steps and steps[-1].comment.strip():
        notes += f"：{steps[-1].comment.strip()}"
    if issue.merged_into is not None and issue.merged_into.tracking_number:
        merged = issue.merged_into.tracking_number
        notes += f"（已并入 {merged} / merged into {merged}）"
    return notes


def updated_at(issue: Issue) -> dt.datetime:
    """When the case last changed; for a closed case, when it was closed."""
    if not issue.is_open and issue.closed_at is not None:
        return issue.closed_at
    return max((t.at for t in issue.transitions.all()), default=issue.reported_at)


def request_item(issue: Issue, absolute: Absolute) -> Item:
    """One service request, fields in the specification's order."""
    dept = issue.department
    photos: list[Photo] = getattr(issue, "shown", [])
    return {
        "service_request_id": issue.tracking_number,
        "status": "open" if issue.is_open else "closed",
        "status_notes": status_notes(issue),
        "service_name": issue.category.name,
        "service_code": issue.category.code,
        "description": issue.description or None,
        "agency_responsible": dept.name if dept is not None else None,
        "service_notice": service_notice(issue.category),
        "requested_datetime": w3c(issue.reported_at),
        "updated_datetime": w3c(updated_at(issue)),
        "expected_datetime": w3c(issue.due_at),
        "address": issue.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": round(issue.location.y, 7),
        "long": round(issue.location.x, 7),
        "media_url": absolute(photos[0].public.url) if photos else None,
    }


def find_requests(query: RequestQuery, absolute: Absolute) -> list[Item]:
    """The service requests matching the query, newest first, at most MAX_REQUESTS."""
    found = cases()
    if query.ids:
        found = found.filter(tracking_number__in=query.ids)
    else:
        if query.service_codes:
            found = found.filter(category__code__in=query.service_codes)
        if query.start is not None:
            found = found.filter(reported_at__gte=query.start)
        if query.end is not None:
            found = found.filter(reported_at__lte=query.end)
        if set(query.statuses) == {"open"}:
            found = found.filter(status__in=Issue.OPEN_STATUSES)
        elif set(query.statuses) == {"closed"}:
            found = found.exclude(status__in=Issue.OPEN_STATUSES)
    found = found.order_by("-reported_at", "-id")[:MAX_REQUESTS]
    return [request_item(issue, absolute) for issue in found]


def request_by_id(request_id: str, absolute: Absolute) -> list[Item]:
    """The one service request with this id, as a list (the specification's shape)."""
    issue = cases().filter(tracking_number=request_id).first()
    if issue is None:
        raise NotFound(f"未找到服务请求：{request_id}", f"no service request with id {request_id}")
    return [request_item(issue, absolute)]


def token_lookup(token: str) -> list[Item]:
    """The service request of a token (this server's tokens are the tracking numbers)."""
    if not Issue.objects.filter(tracking_number=token).exists():
        raise NotFound(f"未知的 token：{token}", f"unknown token: {token}")
    return [{"service_request_id": token, "token": token}]
