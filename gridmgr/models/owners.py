"""Owners (people, teams, departments), their ownership of zones and regions, and stations."""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.db import models
from django.db.models import Q


class Owner(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "个人 / person"
        TEAM = "team", "团队 / team"
        DEPARTMENT = "department", "部门 / department"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField("姓名/名称 / name", max_length=100)
    name_en = models.CharField("English name", max_length=100, blank=True)
    organisation = models.CharField("单位 / organisation", max_length=100, blank=True)
    phone = models.CharField("电话 / phone", max_length=30, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", "网格员 / grid worker"
    GRID_LEADER = "grid_leader", "网格长 / grid leader"
    STATIONED_CADRE = "stationed_cadre", "驻点干部 / stationed cadre"
    SECTOR_LEAD = "sector_lead", "板块负责人 / sector lead"
    LINKED_LEADER = "linked_leader", "挂钩领导 / linked leader"
    TERRITORIAL = "territorial", "属地责任人 / territorial owner"


# The escalation chain, from the bottom up (docs/DOMAIN.md, "owner chain").
OWNER_CHAIN = (
    Role.GRID_WORKER,
    Role.GRID_LEADER,
    Role.STATIONED_CADRE,
    Role.SECTOR_LEAD,
    Role.LINKED_LEADER,
)


class OwnershipQuerySet(models.QuerySet["Ownership"]):
    def current(self, on: dt.date | None = None) -> OwnershipQuerySet:
        """Ownerships valid on the given day (today by default)."""
        day = on or dt.date.today()
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Ownership(models.Model):
    """An owner's responsibility for a zone (or, for the fallback, a region) over a period."""

    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="ownerships")
    zone = models.ForeignKey(
        "gridmgr.Zone", null=True, blank=True, on_delete=models.CASCADE, related_name="ownerships"
    )
    region = models.ForeignKey(
        "gridmgr.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ownerships",
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    valid_from = models.DateField(default=dt.date.today)
    valid_to = models.DateField(null=True, blank=True)

    objects = OwnershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(zone__isnull=False, region__isnull=True)
                | Q(zone__isnull=True, region__isnull=False),
                name="ownership_of_zone_or_region",
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.role} {self.zone or self.region}"


class Station(models.Model):
    """A point where a cadre is posted (驻点), tied to a package area."""

    name = models.CharField(max_length=100)
    location = models.PointField(srid=4326)
    package_area = models.ForeignKey(
        "gridmgr.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="stations"
    )
    cadre = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL)
    address = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
