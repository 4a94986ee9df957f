"""Responsibility layers, versioned zone plans and the zones themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.gis.db import models
from django.contrib.gis.geos import Point
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridmgr.i18n import local_label


class Layer(models.Model):
    """A responsibility layer (sector, package area, unit grid), ordered from the top."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=50, blank=True)
    rank = models.PositiveSmallIntegerField(_("层级顺序"), default=0, help_text=_("0 为最上层"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("上级图层")
    )
    # The role of the person who owns a zone of this layer (grid worker, cadre, sector lead).
    owner_role = models.CharField(_("责任人角色"), max_length=20, default="grid_worker")
    is_unit_grid = models.BooleanField(_("单元网格图层"), default=False)

    class Meta:
        verbose_name = pgettext_lazy("model", "图层")
        verbose_name_plural = pgettext_lazy("models", "图层")
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """A version of the zones: drafted, previewed, then activated in one step."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿 / draft"
        ACTIVE = "active", "生效 / active"
        RETIRED = "retired", "已停用 / retired"

    name = models.CharField(_("名称"), max_length=100, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    activated_at = models.DateTimeField(_("生效时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "方案")
        verbose_name_plural = pgettext_lazy("models", "方案")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({local_label(self.get_status_display())})"


class PlanActivation(models.Model):
    """The period during which a plan was the active one for a layer (history of 'who owned')."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="activations", verbose_name=_("方案")
    )
    layer = models.ForeignKey(Layer, on_delete=models.PROTECT, verbose_name=_("图层"))
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "方案生效记录")
        verbose_name_plural = pgettext_lazy("models", "方案生效记录")
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["layer"], condition=Q(ended_at=None), name="one_active_plan_per_layer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.name}/{self.layer.name} {self.started_at:%Y-%m-%d}"


class ZoneQuerySet(models.QuerySet["Zone"]):
    def active(self) -> ZoneQuerySet:
        """Zones of the plans in force now."""
        return self.filter(active=True)

    def covering(self, point: Point) -> ZoneQuerySet:
        """Zones that cover the point (`covers`: a point on a shared border matches)."""
        return self.filter(geom__covers=point)

    def at(self, when: dt.datetime) -> ZoneQuerySet:
        """Zones that were in force at `when` (one filter call: one join on activations)."""
        return self.filter(
            Q(plan__activations__layer=models.F("layer"))
            & Q(plan__activations__started_at__lte=when)
            & (
                Q(plan__activations__ended_at__isnull=True)
                | Q(plan__activations__ended_at__gt=when)
            )
        ).distinct()

    def unit_versions(self, zone_ids: Iterable[int]) -> ZoneQuerySet:
        """Every zone, in any plan, of the units of the given zones (index zone_unit).

        A unit is one layer and one zone code, whichever plan its rows belong to
        (gridmgr.territory.lineage tells what a redraw made of it)."""
        codes: dict[int, list[str]] = {}
        for layer_id, code in self.filter(pk__in=list(zone_ids)).values_list("layer", "code"):
            codes.setdefault(layer_id, []).append(code)
        match = Q(pk__in=[])
        for layer_id, some in codes.items():
            match |= Q(layer_id=layer_id, code__in=some)
        return self.model.objects.filter(match)


class Zone(models.Model):
    """A polygon of one layer in one plan, with a code, a name and an owner."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="zones", verbose_name=_("方案")
    )
    layer = models.ForeignKey(
        Layer, on_delete=models.PROTECT, related_name="zones", verbose_name=_("图层")
    )
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("上级区域"),
    )
    region = models.ForeignKey(
        "gridmgr.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="zones",
        verbose_name=pgettext_lazy("region", "区域"),
    )
    geom = models.MultiPolygonField(_("范围"), srid=4326)
    area_m2 = models.FloatField(_("面积（平方米）"), default=0.0)
    # Denormalised from PlanActivation for the hot lookup path.
    active = models.BooleanField(_("生效中"), default=False, db_index=True)
    # Optimistic locking: an edit based on an older version is refused.
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("model", "责任区域")
        verbose_name_plural = pgettext_lazy("models", "责任区域")
        ordering = ["layer__rank", "code"]
        # A unit across plan versions is its code in its layer (gridmgr.territory.lineage).
        indexes = [models.Index(fields=["layer", "code"], name="zone_unit")]
        constraints = [
            models.UniqueConstraint(fields=["plan", "layer", "code"], name="zone_code_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def unit(self) -> Q:
        """The zones of this zone's unit (its layer and code) in every plan: a Zone filter."""
        return Q(layer_id=self.layer_id, code=self.code)


class GridCode(models.Model):
    """Every unit-grid code ever issued: codes are unique and never reused."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    prefix = models.CharField(_("前缀"), max_length=20, db_index=True)
    sequence = models.PositiveIntegerField(_("序号"))
    first_plan = models.ForeignKey(
        Plan, null=True, on_delete=models.SET_NULL, verbose_name=_("首次使用的方案")
    )
    issued_at = models.DateTimeField(_("发放时间"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "网格编码")
        verbose_name_plural = pgettext_lazy("models", "网格编码")

    def __str__(self) -> str:
        return self.code
