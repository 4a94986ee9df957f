"""Administrative regions: district → sub-district/town → community/village."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegionQuerySet(models.QuerySet["Region"]):
    def by_location(self, point: Point) -> RegionQuerySet:
        """Regions whose boundary covers the point (a point on a border matches both sides)."""
        return self.filter(boundary__covers=point)

    def district(self) -> Region:
        """The one district of this installation."""
        return self.get(level=Region.Level.DISTRICT)


class Region(models.Model):
    class Level(models.TextChoices):
        DISTRICT = "district", "区 / district"
        SUBDISTRICT = "subdistrict", "街道/镇 / sub-district or town"
        COMMUNITY = "community", "社区/村 / community or village"

    # National statistical code: 6 digits (district), 9 (sub-district), 12 (community).
    code = models.CharField(_("代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级区划"),
    )
    boundary = models.MultiPolygonField(_("边界"), srid=4326)
    area_m2 = models.FloatField(_("面积（平方米）"), default=0.0)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("model", "行政区划")
        verbose_name_plural = pgettext_lazy("models", "行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


CODE_LENGTH = {
    Region.Level.DISTRICT: 6,
    Region.Level.SUBDISTRICT: 9,
    Region.Level.COMMUNITY: 12,
}
