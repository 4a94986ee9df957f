"""A redrawn plan over the shared world, for the tests of units across plan versions.

`redraw(world, centre, layer, ...)` copies the active zones of a layer into a draft (the editor's
draft_from_active: new zone rows, same codes, same owners), optionally merges two of them and
splits one by a north–south line, and activates it: open issues are re-routed, closed ones keep
their receipts on the old rows.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from gridmgr.access import account_of
from gridmgr.editor.drafts import draft_from_active, merge_zones, split_zone
from gridmgr.models import Layer, Plan, Zone
from gridmgr.territory.plans import activate_plan
from tests.gridmgr.editor_cases import across
from tests.world import World


def redraw(
    world: World,
    centre: User,
    layer: Layer,
    *,
    merge: tuple[str, str] | None = None,
    split: tuple[str, float] | None = None,
    name: str = "2027 调整方案",
) -> Plan:
    """Copy, edit and activate the layer's plan; merge (keep, other) and split (code, where)."""
    plan = draft_from_active(name, [layer], centre)
    account = account_of(centre)
    if merge is not None:
        keep, other = (Zone.objects.get(plan=plan, layer=layer, code=c) for c in merge)
        merge_zones(account, keep, keep.version, other, other.version)
    if split is not None:
        code, where = split
        zone = Zone.objects.get(plan=plan, layer=layer, code=code)
        split_zone(account, zone, zone.version, across(zone, where))
    activate_plan(plan)
    return plan
