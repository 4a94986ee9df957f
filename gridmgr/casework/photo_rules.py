"""Which photos a case takes, at which step of the loop, and from whom.

Two steps take photos (docs/DOMAIN.md): collecting a report takes the report photos, which the
public sees on /track/; the report back ("handle") takes the evidence photos. A photo is added
only at its step, by the people who own that step:
- report photos while the case is reported or registered (not yet dispatched), by the person
  who reported it or by the command centre, which receives and registers reports;
- evidence photos while the case is in handling, by a handler of the case (a handling role
  that is one of its owners, its department, or the centre).
A closed or rejected case takes no photo at all.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from gridmgr.access import account_of, is_centre, may_handle
from gridmgr.casework.lifecycle import HANDLERS
from gridmgr.errors import GridError
from gridmgr.i18n import split_label
from gridmgr.models import Issue, Photo

S = Issue.Status
# The states in which each kind of photo is taken: those of its step.
OPEN_TO = {
    Photo.Kind.REPORT: (S.REPORTED, S.REGISTERED),
    Photo.Kind.EVIDENCE: (S.HANDLING,),
}


class PhotoRefused(GridError):
    """A photo that this person may not add to this case now."""

    def __init__(self, zh: str, en: str, *, conflict: bool) -> None:
        super().__init__(zh, en)
        self.conflict = conflict  # True: the case's state refuses it (409); else the person (403)


def check_photo(user: AbstractBaseUser | AnonymousUser | None, issue: Issue, kind: str) -> None:
    """Refuse, with the reason, a photo that is not for this person or this step of the case."""
    if not _owns_step(user, issue, kind):
        if kind == Photo.Kind.EVIDENCE:
            raise PhotoRefused(
                "只有案件的处置人可以上传处置照片",
                "only a handler of the case adds evidence photos",
                conflict=False,
            )
        raise PhotoRefused(
            "只有上报人或区网格化管理中心可以添加上报照片",
            "only the person who reported the case or the command centre adds report photos",
            conflict=False,
        )
    if issue.status in (S.CLOSED, S.REJECTED):
        raise PhotoRefused(
            "案件已办结，不能再添加照片",
            "the case is closed: it takes no new photos",
            conflict=True,
        )
    if issue.status not in OPEN_TO[Photo.Kind(kind)]:
        zh, en = split_label(S(issue.status).label)
        if kind == Photo.Kind.EVIDENCE:
            raise PhotoRefused(
                f"处置照片只能在案件处置中添加（当前状态：{zh}）",
                f"evidence photos are added while the case is in handling (it is {en})",
                conflict=True,
            )
        raise PhotoRefused(
            f"上报照片只能在案件派遣前添加（当前状态：{zh}）",
            f"report photos are added before the case is dispatched (it is {en})",
            conflict=True,
        )


def _owns_step(user: AbstractBaseUser | AnonymousUser | None, issue: Issue, kind: str) -> bool:
    account = account_of(user)
    if account is None:
        return False
    if kind == Photo.Kind.EVIDENCE:
        return account.role in HANDLERS and may_handle(account, issue)
    reporter = issue.transitions.filter(action="report").values_list("actor_id", flat=True)
    return is_centre(account) or (user is not None and user.pk in set(reporter) - {None})
