"""Query filters of the list endpoints, and a bounding-box filter that refuses bad boxes."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django import forms
from django.contrib.gis.geos import Polygon
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_filters import rest_framework as df
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework_gis.filters import InBBoxFilter

from gridmgr.models import Category, Issue, Owner, Ownership, Region, Zone

BIGINT = 2**63 - 1


class IdFilter(df.NumberFilter):
    """A row id: a whole number within PostgreSQL's bigint."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT)
        super().__init__(*args, **kwargs)


class LonLatBBoxFilter(InBBoxFilter):
    """`in_bbox=min_lon,min_lat,max_lon,max_lat` in WGS84 degrees."""

    def get_filter_bbox(self, request: Request) -> Polygon | None:
        raw = request.query_params.get(self.bbox_param)
        if not raw:
            return None
        try:
            x0, y0, x1, y1 = (float(v) for v in raw.split(","))
        except ValueError:
            x0 = y0 = x1 = y1 = math.nan
        box = (x0, y0, x1, y1)
        if (
            not all(math.isfinite(v) for v in box)
            or max(abs(x0), abs(x1)) > 180
            or (max(abs(y0), abs(y1)) > 90)
        ):
            raise ValidationError(
                {
                    self.bbox_param: [
                        "须为经纬度范围：最小经度,最小纬度,最大经度,最大纬度 / "
                        "must be min_lon,min_lat,max_lon,max_lat in degrees"
                    ]
                }
            )
        return Polygon.from_bbox(box)


class RegionFilter(df.FilterSet):
    parent = df.CharFilter(field_name="parent__code", help_text="code of the parent region")

    class Meta:
        model = Region
        fields = ("level", "code", "parent")


class CategoryFilter(df.FilterSet):
    parent = df.CharFilter(field_name="parent__code", help_text="code of the parent category")
    department = IdFilter(field_name="department_id")

    class Meta:
        model = Category
        fields = ("kind", "parent", "department", "is_focus")


class OwnerFilter(df.FilterSet):
    name = df.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Owner
        fields = ("kind", "name")


class OwnershipFilter(df.FilterSet):
    owner = IdFilter(field_name="owner_id")
    zone = IdFilter(field_name="zone_id")
    region = df.CharFilter(field_name="region__code", help_text="region code")
    on = df.DateFilter(method="filter_on", help_text="ownerships valid on this day")

    class Meta:
        model = Ownership
        fields = ("owner", "zone", "region", "role", "on")

    def filter_on(self, queryset: QuerySet[Ownership], name: str, value: dt.date) -> QuerySet:
        return queryset.current(value)  # type: ignore[attr-defined]


class ZoneFilter(df.FilterSet):
    layer = IdFilter(field_name="layer_id")
    plan = IdFilter(field_name="plan_id")
    region = df.CharFilter(
        field_name="region__code", lookup_expr="startswith", help_text="region code (and below)"
    )

    class Meta:
        model = Zone
        fields = ("layer", "plan", "active", "code", "region")


class IssueFilter(df.FilterSet):
    status = df.MultipleChoiceFilter(choices=Issue.Status.choices)
    category = df.CharFilter(method="filter_category", help_text="category code (and below)")
    region = df.CharFilter(
        field_name="region__code", lookup_expr="startswith", help_text="region code (and below)"
    )
    zone = IdFilter(
        method="filter_zone",
        help_text="zone id, in any layer of the receipt: the issues of its unit (its code in "
        "its layer) under every plan version",
    )
    owner = IdFilter(field_name="owner_id", help_text="territorial owner id")
    department = IdFilter(field_name="department_id", help_text="department (owner) id")
    overdue = df.BooleanFilter(method="filter_overdue", help_text="open and past its due time")
    reported_after = df.IsoDateTimeFilter(field_name="reported_at", lookup_expr="gte")
    reported_before = df.IsoDateTimeFilter(field_name="reported_at", lookup_expr="lt")

    class Meta:
        model = Issue
        fields = (
            "status",
            "category",
            "region",
            "zone",
            "owner",
            "department",
            "overdue",
            "reported_after",
            "reported_before",
        )

    def filter_category(self, queryset: QuerySet[Issue], name: str, value: str) -> QuerySet:
        return queryset.filter(Q(category__code=value) | Q(category__parent__code=value))

    def filter_zone(self, queryset: QuerySet[Issue], name: str, value: int) -> QuerySet:
        return queryset.filter(Issue.routed_to_units([value]))

    def filter_overdue(self, queryset: QuerySet[Issue], name: str, value: bool) -> QuerySet:
        late = Q(status__in=Issue.OPEN_STATUSES, due_at__lt=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)
