"""Owners (people, teams, departments), their ownership of zones and regions, and stations."""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Owner(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "个人 / person"
        TEAM = "team", "团队 / team"
        DEPARTMENT = "department", "部门 / department"

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("姓名/名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    organisation = models.CharField(_("单位"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮件"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "责任人")
        verbose_name_plural = pgettext_lazy("models", "责任人")
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


# The owner chain, from the bottom up (docs/DOMAIN.md, "owner chain").
OWNER_CHAIN = (
    Role.GRID_WORKER,
    Role.GRID_LEADER,
    Role.STATIONED_CADRE,
    Role.SECTOR_LEAD,
    Role.LINKED_LEADER,
)


class OwnershipQuerySet(models.QuerySet["Ownership"]):
    def current(self, on: dt.date | None = None) -> OwnershipQuerySet:
        """Ownerships valid on the given day (today by default): begun, and not ended before it."""
        day = on or dt.date.today()
        return self.filter(valid_from__lte=day).unended(day)

    def unended(self, on: dt.date) -> OwnershipQuerySet:
        """Ownerships not ended before the given day: the current ones and those yet to begin."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def holder(self) -> Owner | None:
        """The owner of the earliest made of these ownerships: who answers when several do."""
        first = self.select_related("owner").order_by("id").first()
        return first.owner if first is not None else None


# The same rules in SQL, for the raw statements that stay SQL (the routers' one-statement
# lookups, the map's and the coverage's JSON). Each reads the day from the %(day)s parameter;
# tests/gridmgr/test_current_ownership.py holds them to the query set's methods.
def unended_sql(alias: str) -> str:
    """`unended(day)` as an SQL condition on the ownership row named `alias`."""
    return f"({alias}.valid_to IS NULL OR {alias}.valid_to >= %(day)s)"


def current_sql(alias: str) -> str:
    """`current(day)` as an SQL condition on the ownership row named `alias`."""
    return f"{alias}.valid_from <= %(day)s AND {unended_sql(alias)}"


def holder_sql(match: str) -> str:
    """`current(day).filter(…).holder()` as an SQL subquery: `match` is a condition on `o`."""
    return (
        f"(SELECT o.owner_id FROM gridmgr_ownership o WHERE {match} AND {current_sql('o')}"
        " ORDER BY o.id LIMIT 1)"
    )


class Ownership(models.Model):
    """An owner's responsibility for a zone (or, for the fallback, a region) over a period."""

    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="ownerships", verbose_name=_("责任人")
    )
    zone = models.ForeignKey(
        "gridmgr.Zone",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ownerships",
        verbose_name=_("区域"),
    )
    region = models.ForeignKey(
        "gridmgr.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ownerships",
        verbose_name=pgettext_lazy("region", "区域"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    valid_from = models.DateField(_("生效日期"), default=dt.date.today)
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)

    objects = OwnershipQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("model", "责任关系")
        verbose_name_plural = pgettext_lazy("models", "责任关系")
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

    name = models.CharField(_("名称"), max_length=100)
    location = models.PointField(_("位置"), srid=4326)
    package_area = models.ForeignKey(
        "gridmgr.Zone",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stations",
        verbose_name=_("包片区"),
    )
    cadre = models.ForeignKey(
        Owner, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("驻点干部")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "驻点")
        verbose_name_plural = pgettext_lazy("models", "驻点")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
