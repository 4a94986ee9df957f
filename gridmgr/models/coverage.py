"""Dated coverage snapshots, so a report can say what changed since the last one."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CoverageSnapshot(models.Model):
    """Coverage figures of one region and one layer, as measured at one time."""

    region = models.ForeignKey(
        "gridmgr.Region", on_delete=models.CASCADE, verbose_name=pgettext_lazy("region", "区域")
    )
    layer = models.ForeignKey("gridmgr.Layer", on_delete=models.CASCADE, verbose_name=_("图层"))
    taken_at = models.DateTimeField(_("快照时间"), auto_now_add=True)
    total_m2 = models.FloatField(_("总面积（平方米）"))
    covered_m2 = models.FloatField(_("已覆盖面积（平方米）"))
    blind_m2 = models.FloatField(_("盲区面积（平方米）"))
    overlap_m2 = models.FloatField(_("重叠面积（平方米）"))
    coverage_pct = models.FloatField(_("覆盖率（%）"))
    zone_count = models.PositiveIntegerField(_("区域数"))
    blind_count = models.PositiveIntegerField(_("盲区数"))
    overlap_count = models.PositiveIntegerField(_("重叠数"))
    sliver_count = models.PositiveIntegerField(_("碎片数"))
    blind = models.MultiPolygonField(_("盲区范围"), srid=4326, null=True, blank=True)
    overlap = models.MultiPolygonField(_("重叠范围"), srid=4326, null=True, blank=True)
    # Lists (blind pieces, overlaps with zone codes, per-region coverage, border crossings).
    details = models.JSONField(_("明细"), default=dict)

    class Meta:
        verbose_name = pgettext_lazy("model", "覆盖快照")
        verbose_name_plural = pgettext_lazy("models", "覆盖快照")
        ordering = ["-taken_at", "-id"]
        get_latest_by = "taken_at"

    def __str__(self) -> str:
        return f"{self.region.code}/{self.layer.name} {self.taken_at:%Y-%m-%d %H:%M}"
