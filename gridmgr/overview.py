"""The district at a glance, for the home page."""

from typing import Any

from django.db.models import Count, Q

from gridmgr.models import Category, Issue, Layer, Owner, Plan, Region, Station, Zone
from gridmgr.models.owners import Role


def district_summary() -> dict[str, Any]:
    """Counts of regions, zones per layer, plans, owners and issues."""
    by_level = dict(Region.objects.values_list("level").annotate(n=Count("id")).order_by())
    by_status = dict(Issue.objects.values_list("status").annotate(n=Count("id")).order_by())
    layers = (
        Layer.objects.annotate(n=Count("zones", filter=Q(zones__active=True)))
        .order_by("rank")
        .values_list("name", "name_en", "owner_role", "n")
    )
    roles = dict(Role.choices)
    return {
        "district": Region.objects.district(),
        # Top level first; each row: level, label ("区 / district"), n.
        "region_counts": [
            {"level": level, "label": label, "n": by_level[level]}
            for level, label in Region.Level.choices
            if level in by_level
        ],
        "layers": [
            {"name": name, "name_en": name_en, "role": roles.get(role, role), "n": n}
            for name, name_en, role, n in layers
        ],
        "plans": list(Plan.objects.annotate(n=Count("zones"))),
        "owner_count": Owner.objects.count(),
        "station_count": Station.objects.count(),
        "category_count": Category.objects.count(),
        "issue_count": sum(by_status.values()),
        "open_issue_count": sum(by_status.get(s, 0) for s in Issue.OPEN_STATUSES),
        "status_counts": [
            {"status": s, "label": label, "n": by_status[s]}
            for s, label in Issue.Status.choices
            if s in by_status
        ],
        "blind_issue_count": Issue.objects.filter(in_blind_spot=True).count(),
        "overlap_issue_count": Issue.objects.filter(in_overlap=True).count(),
        "zone_count": Zone.objects.active().count(),
    }
