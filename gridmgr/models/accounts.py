"""Accounts: which role a login plays, and as which owner (person or department) it acts."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountRole(models.TextChoices):
    COMMAND_CENTRE = "command_centre", "区网格化管理中心 / command centre"
    SECTOR_LEAD = "sector_lead", "板块负责人 / sector lead"
    LINKED_LEADER = "linked_leader", "挂钩领导 / linked leader"
    STATIONED_CADRE = "stationed_cadre", "驻点干部 / stationed cadre"
    GRID_WORKER = "grid_worker", "网格员 / grid worker"
    DEPARTMENT = "department", "条线部门 / department handler"
    INSPECTOR = "inspector", "督查 / inspector"
    VIEWER = "viewer", "领导查看 / viewer"


class Account(models.Model):
    """The role of a user and the owner record it acts for (its zones or its department)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account",
        verbose_name=_("用户"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=AccountRole.choices)
    owner = models.ForeignKey(
        "gridmgr.Owner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accounts",
        verbose_name=_("责任人"),
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "账号")
        verbose_name_plural = pgettext_lazy("models", "账号")

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"
