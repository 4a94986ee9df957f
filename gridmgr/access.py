"""Who may see and do what: the roles of docs/DOMAIN.md applied to issues and zones."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from gridmgr.models import Account, AccountRole, Issue, Ownership, Receipt, Zone


def account_of(user: AbstractBaseUser | AnonymousUser | None) -> Account | None:
    """The account of a logged-in user (superusers act as the command centre)."""
    if user is None or not user.is_authenticated:
        return None
    account = Account.objects.filter(user_id=user.pk).select_related("owner").first()
    if account is None and getattr(user, "is_superuser", False):
        return Account(user=user, role=AccountRole.COMMAND_CENTRE)  # type: ignore[misc]
    return account


def is_centre(account: Account | None) -> bool:
    return account is not None and account.role == AccountRole.COMMAND_CENTRE


def owned_zone_ids(account: Account) -> set[int]:
    """Active zones the account's owner is responsible for, and every zone below them."""
    if account.owner_id is None:
        return set()
    roots = set(
        Ownership.objects.current()
        .filter(owner_id=account.owner_id, zone__active=True)
        .values_list("zone_id", flat=True)
    )
    found, frontier = set(roots), set(roots)
    while frontier:
        frontier = (
            set(
                Zone.objects.filter(parent_id__in=frontier, active=True).values_list(
                    "id", flat=True
                )
            )
            - found
        )
        found |= frontier
    return found


def responsible_q(account: Account | None) -> Q:
    """The issues an account answers for: its department's, or its zones' and its own."""
    if account is None or account.owner_id is None:
        return Q(pk__in=[])
    if account.role == AccountRole.DEPARTMENT:
        return Q(department_id=account.owner_id)
    # The units of the zones owned now, under every plan version: a redraw that keeps a code
    # keeps its earlier cases in sight, as an ownership change within one plan does.
    zones = owned_zone_ids(account)
    return Issue.routed_to_units(zones) | Q(owner_id=account.owner_id)


def sees_every_issue(account: Account | None) -> bool:
    """Whether the account's role oversees the whole district's issues."""
    return account is not None and account.role in (
        AccountRole.COMMAND_CENTRE,
        AccountRole.INSPECTOR,
        AccountRole.VIEWER,
        AccountRole.LINKED_LEADER,
        AccountRole.SECTOR_LEAD,
    )


def visible_issues(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[Issue]:
    """The issues a user may see."""
    account = account_of(user)
    issues = Issue.objects.all()
    if account is None:
        return issues.none()
    if sees_every_issue(account):
        return issues
    return issues.filter(responsible_q(account))


def may_handle(account: Account | None, issue: Issue) -> bool:
    """Whether the account is one of the issue's owners or its department."""
    if account is None:
        return False
    if is_centre(account):
        return True
    if account.owner_id is None:
        return False
    if account.owner_id in (issue.owner_id, issue.department_id):
        return True
    if account.role == AccountRole.DEPARTMENT:
        return False
    zones = owned_zone_ids(account)
    if issue.receipt_set is None:
        return False
    return Receipt.objects.filter(set_id=issue.receipt_set, zone_id__in=zones).exists()


def may_edit_zones(account: Account | None) -> bool:
    """Whether the account's role edits zones at all (the centre, and sector leads)."""
    return is_centre(account) or (account is not None and account.role == AccountRole.SECTOR_LEAD)


def may_edit_zone(account: Account | None, zone: Zone) -> bool:
    """Centre edits everything; a sector lead edits inside its own sector only."""
    if is_centre(account):
        return True
    if account is None or not may_edit_zones(account):
        return False
    return zone.pk in owned_zone_ids(account)
