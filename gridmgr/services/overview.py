"""The district at a glance, for the home page."""

from typing import Any

from django.db.models import Count, Q

from gridmgr.models import Issue, Layer, Plan, Region, Zone


def district_summary() -> dict[str, Any]:
    """Counts of regions, zones per layer, plans and issues."""
    return {
        "district": Region.objects.filter(level=Region.Level.DISTRICT).first(),
        "region_counts": list(Region.objects.values("level").annotate(n=Count("id"))),
        "layers": list(
            Layer.objects.annotate(n=Count("zones", filter=Q(zones__active=True))).order_by("rank")
        ),
        "plans": list(Plan.objects.annotate(n=Count("zones"))),
        "issue_count": Issue.objects.count(),
        "blind_issue_count": Issue.objects.filter(in_blind_spot=True).count(),
        "overlap_issue_count": Issue.objects.filter(in_overlap=True).count(),
        "zone_count": Zone.objects.active().count(),
    }
