"""Notifications: a row in the app for an owner or a user, and an e-mail once the step commits."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from gridmgr.models import Issue, Notification, Owner

log = logging.getLogger(__name__)


def addresses_of(owner: Owner) -> list[str]:
    """The e-mail addresses of an owner: its own, then those of the users acting for it."""
    users = get_user_model().objects.filter(account__owner=owner).exclude(email="")
    found = [owner.email, *users.order_by("pk").values_list("email", flat=True)]
    return list(dict.fromkeys(a for a in found if a))


def notify(
    issue: Issue | None,
    kind: str,
    message: str,
    *,
    owner: Owner | None = None,
    recipient: AbstractBaseUser | None = None,
    email: bool = False,
    now: dt.datetime | None = None,
) -> Notification:
    """Store a notification; with `email`, mail it after the surrounding transaction commits."""
    note = Notification.objects.create(
        issue=issue,
        kind=kind,
        message=message,
        owner=owner,
        recipient_id=recipient.pk if recipient is not None else None,
        created_at=now or timezone.now(),
    )
    if email:
        to = addresses_of(owner) if owner is not None else []
        if recipient is not None:
            to.append(str(getattr(recipient, recipient.get_email_field_name(), None) or ""))
        to = sorted({address for address in to if address})
        if to:
            # Only mail what is committed: a dry run or a failed step sends nothing.
            transaction.on_commit(partial(_mail, note.pk, message, to))
    return note


def _mail(note_id: int, message: str, to: list[str]) -> None:
    subject = f"[网格化管理 / gridmgr] {message.splitlines()[0][:120]}"
    try:
        send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, to)
    except (smtplib.SMTPException, OSError):
        # The in-app notification stands; emailed_at stays empty so the failure is visible.
        log.exception("could not e-mail notification %s", note_id)
        return
    Notification.objects.filter(pk=note_id).update(emailed_at=timezone.now())


# The messages of the steps that notify, written once: the live loop and the demo history send them.
def _due(due_at: dt.datetime | None) -> str:
    return timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M") if due_at else "—"


def dispatched_message(issue: Issue, party_label: str, due_at: dt.datetime | None) -> str:
    """To a party of a dispatched (or reassigned) case: it is theirs, and by when."""
    ref, due = issue.reference, _due(due_at)
    return (
        f"案件 {ref}（{issue.category.name}）已派至您，身份：{party_label}，"
        f"办理时限 {due} / case {ref} is yours as {party_label}; due {due}"
    )


def rework_message(issue: Issue, reason: str) -> str:
    """To the handler of a case sent back by its verifier."""
    ref = issue.reference
    return (
        f"案件 {ref} 核查未通过，请返工：{reason} / "
        f"case {ref} failed verification, rework: {reason}"
    )


def escalated_message(issue: Issue, level: int, owner: Owner, due_at: dt.datetime | None) -> str:
    """To the owner an overdue case escalates to (also the escalation's record)."""
    ref, due, category = issue.reference, _due(due_at), issue.category
    return (
        f"案件 {ref}（{category.name}）已超期（时限 {due}），升级至第 {level} 级：{owner}\n"
        f"Case {ref} ({category.name_en or category.code}) is overdue "
        f"(due {due}); escalated to level {level}: {owner}"
    )
