"""The history of a case for its detail page: steps, notifications and photos in time order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridmgr.models import Issue, Notification, Photo, Transition
from gridmgr.models.cases import action_name

# At the same instant a step comes before the photos and notifications it caused.
_ORDER = {"transition": 0, "photo": 1, "notification": 2}


@dataclass(frozen=True)
class Entry:
    """One line of a case's history."""

    at: dt.datetime
    kind: str  # "transition", "notification" or "photo"
    title: str
    who: str
    text: str
    item: Transition | Notification | Photo


def timeline(issue: Issue) -> list[Entry]:
    """Everything that happened to a case, oldest first."""
    entries = [_step(t) for t in issue.transitions.select_related("actor")]
    entries += [_photo(p) for p in issue.photos.all()]
    notes = Notification.objects.filter(issue=issue).select_related("owner", "recipient")
    entries += [_note(n) for n in notes]
    return sorted(entries, key=lambda e: (e.at, _ORDER[e.kind], e.item.pk))


def _step(t: Transition) -> Entry:
    zh = action_name(t.action)
    who = t.actor.get_username() if t.actor is not None else t.actor_label
    return Entry(t.at, "transition", f"{zh} / {t.action}", who, t.comment, t)


def _photo(p: Photo) -> Entry:
    return Entry(p.uploaded_at, "photo", str(Photo.Kind(p.kind).label), "", p.public.name or "", p)


def _note(n: Notification) -> Entry:
    to = (
        str(n.owner) if n.owner is not None else (n.recipient.get_username() if n.recipient else "")
    )
    return Entry(n.created_at, "notification", f"通知 / notification: {n.kind}", to, n.message, n)
