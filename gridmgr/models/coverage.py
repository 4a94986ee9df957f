"""Dated coverage snapshots, so a report can say what changed since the last one."""

from __future__ import annotations

from django.contrib.gis.db import models


class CoverageSnapshot(models.Model):
    """Coverage figures of one region and one layer, as measured at one time."""

    region = models.ForeignKey("gridmgr.Region", on_delete=models.CASCADE)
    layer = models.ForeignKey("gridmgr.Layer", on_delete=models.CASCADE)
    taken_at = models.DateTimeField(auto_now_add=True)
    total_m2 = models.FloatField()
    covered_m2 = models.FloatField()
    blind_m2 = models.FloatField()
    overlap_m2 = models.FloatField()
    coverage_pct = models.FloatField()
    zone_count = models.PositiveIntegerField()
    blind_count = models.PositiveIntegerField()
    overlap_count = models.PositiveIntegerField()
    sliver_count = models.PositiveIntegerField()
    blind = models.MultiPolygonField(srid=4326, null=True, blank=True)
    overlap = models.MultiPolygonField(srid=4326, null=True, blank=True)
    # Lists (blind pieces, overlaps with zone codes, per-region coverage, border crossings).
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["-taken_at", "-id"]
        get_latest_by = "taken_at"

    def __str__(self) -> str:
        return f"{self.region.code}/{self.layer.name} {self.taken_at:%Y-%m-%d %H:%M}"
