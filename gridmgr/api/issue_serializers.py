"""Serializers of issues: GeoJSON features, receipts, history, reports and transitions."""

from __future__ import annotations

import math

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geodata.coords import COORD_SYSTEMS
from gridmgr.api.fields import StrictMixin
from gridmgr.api.serializers import PRECISION
from gridmgr.casework.loop import STEPS, allowed_actions, duplicates_of
from gridmgr.casework.report import find_category
from gridmgr.errors import UnknownCategoryError
from gridmgr.models import Category, Issue, Owner, Photo, Routing, Transition


class IssueSerializer(GeoFeatureModelSerializer):
    """An issue as a GeoJSON Feature (WGS84 point) with its assignment and deadlines."""

    location = GeometryField(precision=PRECISION, read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    zone_code = serializers.CharField(source="zone.code", read_only=True, allow_null=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True, allow_null=True)
    department_name = serializers.CharField(
        source="department.name", read_only=True, allow_null=True
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Issue
        geo_field = "location"
        fields: tuple[str, ...] = (
            "id",
            "tracking_number",
            "category",
            "category_name",
            "description",
            "address",
            "source",
            "status",
            "status_label",
            "reported_at",
            "region",
            "zone",
            "zone_code",
            "owner",
            "owner_name",
            "department",
            "department_name",
            "in_overlap",
            "in_blind_spot",
            "distance_m",
            "due_at",
            "overdue",
            "escalation_level",
            "rework_count",
        )
        read_only_fields = fields

    def get_overdue(self, issue: Issue) -> bool:
        return bool(issue.is_open and issue.due_at is not None and issue.due_at < timezone.now())


class RoutingSerializer(serializers.ModelSerializer):
    """The routing receipt of one layer: which zone, plan, owner and rule, and when."""

    layer_name = serializers.CharField(source="layer.name")
    zone_code = serializers.CharField(source="zone.code", allow_null=True)
    plan_name = serializers.CharField(source="plan.name", allow_null=True)
    owner_name = serializers.CharField(source="owner.name", allow_null=True)

    class Meta:
        model = Routing
        fields = (
            "layer",
            "layer_name",
            "zone",
            "zone_code",
            "plan",
            "plan_name",
            "owner",
            "owner_name",
            "rule",
            "distance_m",
            "routed_at",
        )


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_username", allow_null=True)

    class Meta:
        model = Transition
        fields = (
            "id",
            "action",
            "from_status",
            "to_status",
            "actor",
            "actor_label",
            "comment",
            "at",
        )


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.FileField(source="public", use_url=True, help_text="location data removed")

    class Meta:
        model = Photo
        fields = ("id", "kind", "url", "content_type", "size", "uploaded_at")


class IssueDetailSerializer(IssueSerializer):
    """An issue with its routing receipts, its history and what the caller may do next."""

    routings = RoutingSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    possible_duplicates = serializers.SerializerMethodField()

    class Meta(IssueSerializer.Meta):
        fields = (
            *IssueSerializer.Meta.fields,
            "reporter_name",
            "reporter_contact",
            "registered_at",
            "dispatched_at",
            "handled_at",
            "closed_at",
            "routed_at",
            "merged_into",
            "routings",
            "allowed_actions",
            "possible_duplicates",
            "transitions",
            "photos",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=list(STEPS))))
    def get_allowed_actions(self, issue: Issue) -> list[str]:
        request = self.context.get("request")
        return allowed_actions(request.user if request else None, issue)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_possible_duplicates(self, issue: Issue) -> list[int]:
        """Open cases of the same category close by in space and time (ids, nearest first)."""
        return [twin.pk for twin in duplicates_of(issue)] if issue.is_open else []


# Who filed a report when the client does not say: the account's role, or "staff".
SOURCES = (
    "grid_worker",
    "inspector",
    "citizen",
    "hotline",
    "video",
    "superior",
    "assessor",
    "staff",
)


class IssueCreateSerializer(StrictMixin, serializers.Serializer):
    """A report: a point in one of the coordinate systems, a category code or name, a text."""

    lon = serializers.FloatField(min_value=-180.0, max_value=180.0)
    lat = serializers.FloatField(min_value=-90.0, max_value=90.0)
    coord_sys = serializers.ChoiceField(
        choices=list(COORD_SYSTEMS),
        default="wgs84",
        help_text="wgs84/cgcs2000 (GPS), gcj02 (AMap, Tencent, WeChat), bd09 (Baidu)",
    )
    category = serializers.CharField(max_length=100, help_text="category code or name")
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    source = serializers.ChoiceField(choices=list(SOURCES), required=False)
    reporter_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    reporter_contact = serializers.CharField(required=False, allow_blank=True, max_length=100)

    def validate_lon(self, value: float) -> float:
        return _finite(value)

    def validate_lat(self, value: float) -> float:
        return _finite(value)

    def validate_category(self, value: str) -> Category:
        try:
            return find_category(value)
        except UnknownCategoryError as exc:
            raise serializers.ValidationError(str(exc)) from None


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise serializers.ValidationError("坐标须为有限数值 / a coordinate must be a finite number")
    return value


class TransitionRequestSerializer(StrictMixin, serializers.Serializer):
    """One step; `reassign` names a new owner and/or department, `merge` the case to keep."""

    action = serializers.ChoiceField(choices=list(STEPS))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    owner = serializers.PrimaryKeyRelatedField(
        queryset=Owner.objects.all(), required=False, help_text="reassign: new territorial owner"
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Owner.objects.all(), required=False, help_text="reassign: new department"
    )
    into = serializers.PrimaryKeyRelatedField(
        queryset=Issue.objects.all(), required=False, help_text="merge: the case to merge into"
    )


class PhotoUploadSerializer(StrictMixin, serializers.Serializer):
    photo = serializers.FileField(help_text="JPEG, PNG or WebP")
    kind = serializers.ChoiceField(choices=Photo.Kind.choices, default=Photo.Kind.REPORT)


class TimelineEntrySerializer(serializers.Serializer):
    """One line of a case's history: a step, a photo or a notification."""

    at = serializers.DateTimeField()
    kind = serializers.CharField(help_text="transition, photo or notification")
    title = serializers.CharField()
    who = serializers.CharField()
    text = serializers.CharField()
