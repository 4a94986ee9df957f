"""Serializers of the reference data, plans, zones, owners, coverage reports and issues."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from gridmgr.api.fields import (
    CodeRelatedField,
    LonLatPolygonField,
    StrictFeatureMixin,
    StrictMixin,
)
from gridmgr.models import (
    Category,
    Layer,
    Owner,
    Ownership,
    Plan,
    Region,
    Station,
    Zone,
)

PRECISION = 7  # decimal degrees: about 1 cm


class RegionSerializer(GeoFeatureModelSerializer):
    boundary = GeometryField(precision=PRECISION, read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        geo_field = "boundary"
        fields = ("id", "code", "name", "name_en", "level", "parent", "area_m2")


class LayerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Layer
        fields = ("id", "name", "name_en", "rank", "parent", "owner_role", "is_unit_grid")


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    department_name = serializers.CharField(
        source="department.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Category
        fields = (
            "id",
            "code",
            "kind",
            "parent",
            "name",
            "name_en",
            "department",
            "department_name",
            "limit_value",
            "limit_unit",
            "is_focus",
        )


class PlanSerializer(StrictMixin, serializers.ModelSerializer):
    zone_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Plan
        fields = ("id", "name", "status", "note", "created_at", "activated_at", "zone_count")
        read_only_fields = ("status", "created_at", "activated_at")


class HandoverSerializer(serializers.Serializer):
    """Open issues of one layer that change owner (territory.plans.Handover)."""

    layer = serializers.CharField()
    from_owner = serializers.CharField()
    to_owner = serializers.CharField()
    count = serializers.IntegerField()


class PreviewSerializer(serializers.Serializer):
    """What activating a plan would change: open issues that would change hands."""

    plan = serializers.CharField()
    layers = serializers.ListField(child=serializers.CharField())
    open_issues = serializers.IntegerField()
    moved = serializers.IntegerField()
    moves = HandoverSerializer(many=True)


class LayerChangeSerializer(serializers.Serializer):
    layer = serializers.CharField()
    layer_en = serializers.CharField()
    zones = serializers.IntegerField()
    added = serializers.IntegerField(help_text="zones whose code the active plan lacks")
    removed = serializers.IntegerField(help_text="active zones whose code the plan lacks")
    redrawn = serializers.IntegerField(help_text="zones of the same code with another outline")
    blind_before_m2 = serializers.FloatField()
    blind_after_m2 = serializers.FloatField()
    overlap_before_m2 = serializers.FloatField()
    overlap_after_m2 = serializers.FloatField()


class PlanSummarySerializer(serializers.Serializer):
    """What the activation changed, computed just before the switch as the preview is."""

    plan = serializers.CharField()
    layers = LayerChangeSerializer(many=True)
    open_issues = serializers.IntegerField()
    moved = serializers.IntegerField(help_text="open issues whose owner changed in some layer")
    moves = HandoverSerializer(many=True)


class ActivationSerializer(serializers.Serializer):
    plan = PlanSerializer()
    rerouted = serializers.IntegerField(
        help_text="open issues routed again, whether or not their owner changed"
    )
    summary = PlanSummarySerializer()


class OwnerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="owner.id")
    name = serializers.CharField(source="owner.name")
    role = serializers.CharField()


class ZoneSerializer(StrictFeatureMixin, GeoFeatureModelSerializer):
    """A zone as a GeoJSON Feature; edits send `version`, the version they were based on."""

    geom = LonLatPolygonField(precision=PRECISION)
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all())
    layer = serializers.PrimaryKeyRelatedField(queryset=Layer.objects.all())
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Zone.objects.all(), allow_null=True, required=False
    )
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="required on update: the version the edit is based on (409 if stale)",
    )
    owners = serializers.SerializerMethodField()

    class Meta:
        model = Zone
        geo_field = "geom"
        fields = (
            "id",
            "plan",
            "layer",
            "code",
            "name",
            "parent",
            "region",
            "area_m2",
            "active",
            "version",
            "updated_at",
            "owners",
        )
        read_only_fields = ("area_m2", "active", "updated_at")
        # The zone service checks that codes are unique per plan and layer.
        validators: list[Any] = []

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        if self.instance is not None:
            # A zone stays in its plan and layer; sent values are ignored on update.
            fields["plan"].read_only = fields["layer"].read_only = True
        return fields

    @extend_schema_field(OwnerRefSerializer(many=True))
    def get_owners(self, zone: Zone) -> list[dict[str, Any]]:
        current = getattr(zone, "current_ownerships", None)
        if current is None:
            current = list(zone.ownerships.current().select_related("owner"))
        return list(OwnerRefSerializer(current, many=True).data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": ["修改区域须提交其版本号 / an update must send the zone's version"]}
            )
        layer = attrs.get("layer") or getattr(self.instance, "layer", None)
        parent = attrs.get("parent")
        if parent is not None and layer is not None and parent.layer_id != layer.parent_id:
            raise serializers.ValidationError(
                {"parent": ["上级区域不在上级图层 / the parent zone is not of the parent layer"]}
            )
        return attrs


class OwnerSerializer(StrictMixin, serializers.ModelSerializer):
    class Meta:
        model = Owner
        fields = ("id", "kind", "name", "name_en", "organisation", "phone", "email")


class OwnershipSerializer(StrictMixin, serializers.ModelSerializer):
    """An owner's responsibility for one zone or one region (by code) over a period."""

    owner_name = serializers.CharField(source="owner.name", read_only=True)
    region = CodeRelatedField(
        slug_field="code", queryset=Region.objects.all(), allow_null=True, required=False
    )
    zone = serializers.PrimaryKeyRelatedField(
        queryset=Zone.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Ownership
        fields = ("id", "owner", "owner_name", "zone", "region", "role", "valid_from", "valid_to")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        def value(name: str) -> Any:
            return attrs[name] if name in attrs else getattr(self.instance, name, None)

        if (value("zone") is None) == (value("region") is None):
            raise serializers.ValidationError(
                "须且只能指定区域或行政区之一 / give either a zone or a region, not both or neither"
            )
        start, end = value("valid_from"), value("valid_to")
        if start is not None and end is not None and end < start:
            raise serializers.ValidationError(
                {"valid_to": ["结束日期早于开始日期 / ends before it starts"]}
            )
        return attrs


class StationSerializer(GeoFeatureModelSerializer):
    location = GeometryField(precision=PRECISION, read_only=True)
    package_area_code = serializers.CharField(
        source="package_area.code", read_only=True, allow_null=True
    )
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, allow_null=True)

    class Meta:
        model = Station
        geo_field = "location"
        fields = (
            "id",
            "name",
            "address",
            "package_area",
            "package_area_code",
            "cadre",
            "cadre_name",
        )


class CoverageQuerySerializer(StrictMixin, serializers.Serializer):
    region = CodeRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        help_text="region code (default: the district)",
    )
    layer = serializers.CharField(
        required=False, max_length=50, help_text="layer name (default: every layer)"
    )

    def validate_layer(self, value: str) -> Layer:
        found = Layer.objects.filter(Q(name=value) | Q(name_en=value)).first()
        if found is None:
            raise serializers.ValidationError(f"没有名为“{value}”的图层 / no layer named '{value}'")
        return found


class CoverageSerializer(serializers.Serializer):
    """Coverage of a region by the active zones of one layer (nothing is stored)."""

    region = serializers.CharField()
    region_name = serializers.CharField()
    layer = serializers.CharField()
    total_m2 = serializers.FloatField()
    covered_m2 = serializers.FloatField()
    blind_m2 = serializers.FloatField()
    overlap_m2 = serializers.FloatField()
    coverage_pct = serializers.FloatField()
    zone_count = serializers.IntegerField()
    unowned = serializers.ListField(child=serializers.CharField(), help_text="zone codes")
    blind = serializers.ListField(child=serializers.DictField(), help_text="area_m2, zones, bbox")
    overlaps = serializers.ListField(child=serializers.DictField())
    slivers = serializers.IntegerField()
    crossing_parent = serializers.ListField(child=serializers.DictField())
    outside_district = serializers.ListField(child=serializers.DictField())
    by_region = serializers.ListField(child=serializers.DictField())
    change = serializers.DictField(allow_null=True, help_text="since the last stored snapshot")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    role_label = serializers.CharField(allow_null=True)
    owner = serializers.IntegerField(allow_null=True)
    owner_name = serializers.CharField(allow_null=True)
    is_centre = serializers.BooleanField()
    can_report = serializers.BooleanField()
    can_edit_zones = serializers.BooleanField()


class VersionQuerySerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="refuse (409) if stale"
    )


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="send as `Authorization: Token <token>`")
