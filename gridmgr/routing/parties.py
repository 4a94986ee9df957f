"""Who answers for an issue: its responsible parties (条块结合) and its chain of owners.

- Lines and blocks: the territorial owner (from the zones) and the handling department (from
  the category) are both responsible. Events go territory first (先属地、后属主), components go
  asset owner first (先属主、后属地): the first party listed is the lead (主办) notified on dispatch.
- The owner chain runs from the issue's owner up the routing receipt, lowest layer first
  (grid worker → stationed cadre → sector lead), then to the linked leaders (挂钩领导: ownerships
  with role linked_leader on any zone of the receipt, usually the sector).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridmgr.models import Category, Issue, Owner, Ownership, Routing
from gridmgr.models.owners import Role


@dataclass(frozen=True)
class Party:
    """One responsible party of an issue; the first listed leads (主办)."""

    duty: str  # "territorial" or "department"
    owner: Owner
    lead: bool

    @property
    def label(self) -> str:
        duty = "属地 / territorial owner" if self.duty == "territorial" else "主管部门 / department"
        return f"{duty}{'（主办 / lead）' if self.lead else ''}"


def responsible_parties(issue: Issue) -> list[Party]:
    """The territorial owner and the department, in the routing order of the category's kind."""
    pairs = [("territorial", issue.owner_id), ("department", issue.department_id)]
    if issue.category.kind == Category.Kind.COMPONENT:
        pairs.reverse()
    owners = Owner.objects.in_bulk([pk for _, pk in pairs if pk is not None])
    found = [(duty, owners[pk]) for duty, pk in pairs if pk in owners]
    return [Party(duty, owner, k == 0) for k, (duty, owner) in enumerate(found)]


def owner_chain(issue: Issue, on: dt.date | None = None) -> list[Owner]:
    """The owners of an issue from the bottom up; index = escalation level (0: its owner)."""
    routings = Routing.objects.filter(issue=issue).order_by("-layer__rank")
    ids = [issue.owner_id, *routings.values_list("owner_id", flat=True)]
    zones = [z for z in routings.values_list("zone_id", flat=True) if z is not None]
    leaders = (
        Ownership.objects.current(on)
        .filter(zone_id__in=zones, role=Role.LINKED_LEADER)
        .order_by("-zone__layer__rank", "id")
        .values_list("owner_id", flat=True)
    )
    ordered = list(dict.fromkeys(pk for pk in [*ids, *leaders] if pk is not None))
    owners = Owner.objects.in_bulk(ordered)
    return [owners[pk] for pk in ordered if pk in owners]
