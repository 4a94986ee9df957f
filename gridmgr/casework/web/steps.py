"""What the case-work pages write: a step with its evidence photos, a citizen's report.

Each is one transaction around the shared services (cases.apply / cases.receive and
photos.add_photo), so that a refused step or a bad photo leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from gridmgr.casework.idempotency import Sender
from gridmgr.casework.loop import apply, receive
from gridmgr.casework.photo_rules import check_photo
from gridmgr.casework.photos import Readable, add_photo
from gridmgr.models import Category, Issue, Owner, Photo, Transition

CITIZEN = "市民 / citizen"


def act(
    issue: Issue,
    action: str,
    user: AbstractBaseUser,
    *,
    comment: str = "",
    photos: Sequence[Readable] = (),
    owner: Owner | None = None,
    department: Owner | None = None,
    into: Issue | None = None,
) -> Transition:
    """Take a step; the photos of a report-back ("handle") are stored as its evidence."""
    with transaction.atomic():
        if action == "handle":
            if photos:
                check_photo(user, issue, Photo.Kind.EVIDENCE)
            for upload in photos:
                add_photo(issue, upload, Photo.Kind.EVIDENCE)
        return apply(
            issue,
            action,
            user,
            comment=comment,
            owner=owner,
            department=department,
            into=into,
        )


@dataclass(frozen=True)
class Report:
    """A citizen's report as entered on the report page (a WGS84 point from the browser)."""

    lon: float
    lat: float
    category: Category
    description: str
    name: str
    contact: str
    key: str


def submit_report(
    report: Report,
    photos: Sequence[Readable],
    sender: Sender,
    count: Callable[[], None] = lambda: None,
) -> Issue:
    """Open a case for a citizen's report with its photos; the same key twice gives one case.

    `count` is called for a new case inside its transaction: raising there (a used-up
    allowance) undoes the case, and a case that fails undoes what `count` wrote.
    """
    with transaction.atomic():
        issue, created = receive(
            report.lon,
            report.lat,
            report.category,
            description=report.description,
            source="citizen",
            coord_sys="wgs84",
            reporter_name=report.name,
            reporter_contact=report.contact,
            idempotency=sender.key(report.key),
            actor_label=CITIZEN,
        )
        if created:
            count()
            for upload in photos:
                add_photo(issue, upload, Photo.Kind.REPORT)
        return issue
