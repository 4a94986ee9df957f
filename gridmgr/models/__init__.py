"""The tables of gridmgr: regions, layers, plans and zones, owners and stations, issues, receipts
and categories, the records of cases, accounts, snapshots. Query rules that belong to one table
live on its model or queryset.

May import: errors, i18n.
"""

from gridmgr.models.accounts import Account, AccountRole
from gridmgr.models.cases import (
    ApiKey,
    CalendarDay,
    Notification,
    Photo,
    RateBucket,
    Transition,
)
from gridmgr.models.coverage import CoverageSnapshot
from gridmgr.models.issues import Category, Issue, Receipt, Routing
from gridmgr.models.owners import Owner, Ownership, Station
from gridmgr.models.regions import Region
from gridmgr.models.zones import GridCode, Layer, Plan, PlanActivation, Zone

__all__ = [
    "Account",
    "AccountRole",
    "ApiKey",
    "CalendarDay",
    "Notification",
    "Photo",
    "RateBucket",
    "Transition",
    "Category",
    "CoverageSnapshot",
    "GridCode",
    "Issue",
    "Layer",
    "Owner",
    "Ownership",
    "Plan",
    "PlanActivation",
    "Region",
    "Receipt",
    "Routing",
    "Station",
    "Zone",
]
