"""Administrative regions: district → sub-district/town → community/village."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridmgr.errors import NotFoundError


class RegionQuerySet(models.QuerySet["Region"]):
    def by_location(self, point: Point) -> RegionQuerySet:
        """Regions whose boundary covers the point (a point on a border matches both sides)."""
        return self.filter(boundary__covers=point)

    def districts(self) -> RegionQuerySet:
        """The regions of the district level (one, once the district's boundary is imported)."""
        return self.filter(level=Region.Level.DISTRICT)

    def district(self) -> Region | None:
        """The district of this installation (the lowest code), or None before it is imported."""
        return self.districts().order_by("code").first()

    def district_and_subdistricts(self) -> RegionQuerySet:
        """The district with the sub-districts below it: the regions a district-wide map outlines."""
        return self.filter(level__in=[Region.Level.DISTRICT, Region.Level.SUBDISTRICT])

    def require_district(self) -> Region:
        """The district of this installation; NotFoundError before it is imported."""
        found = self.district()
        if found is None:
            raise NotFoundError("尚未导入区界", "no district has been imported yet")
        return found


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
