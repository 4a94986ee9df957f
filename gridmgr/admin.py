"""The Django admin of gridmgr; maps use django-leaflet's bundled Leaflet (no CDN, no tiles)."""

from __future__ import annotations

from typing import Any

import shapely
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from leaflet.admin import LeafletGeoAdmin

from geodata.errors import GeoDataError
from geodata.measure import areas_m2
from gridmgr.i18n import local_message
from gridmgr.models import (
    Category,
    CoverageSnapshot,
    Issue,
    Layer,
    Owner,
    Ownership,
    Plan,
    PlanActivation,
    Region,
    Routing,
    Station,
    Zone,
)
from gridmgr.territory.plans import activate_plan

admin.site.site_header = gettext_lazy("gridmgr 网格化管理")
admin.site.site_title = "gridmgr"
admin.site.index_title = gettext_lazy("网格管理后台")


def area_m2(geom: Any) -> float:
    """The area in m² of a GEOS geometry in lon/lat."""
    return float(areas_m2([shapely.from_wkb(bytes(geom.wkb))])[0])


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows rows and never edits them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ZoneOwnershipInline(admin.TabularInline):
    model = Ownership
    fk_name = "zone"
    fields = ("owner", "role", "valid_from", "valid_to")
    raw_id_fields = ("owner",)
    extra = 0


class RegionOwnershipInline(ZoneOwnershipInline):
    fk_name = "region"


@admin.register(Region)
class RegionAdmin(LeafletGeoAdmin):
    list_display = ("code", "name", "name_en", "level", "parent", "area_km2")
    list_filter = ("level",)
    search_fields = ("code", "name", "name_en")
    raw_id_fields = ("parent",)
    readonly_fields = ("area_m2",)
    inlines = (RegionOwnershipInline,)

    @admin.display(description=gettext_lazy("面积 km²"), ordering="area_m2")
    def area_km2(self, obj: Region) -> str:
        return f"{obj.area_m2 / 1e6:.2f}"

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        obj.area_m2 = area_m2(obj.boundary)
        super().save_model(request, obj, form, change)


@admin.register(Layer)
class LayerAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "rank", "parent", "owner_role", "is_unit_grid", "zones")
    ordering = ("rank",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Layer]:
        return super().get_queryset(request).annotate(n_zones=Count("zones"))

    @admin.display(description=gettext_lazy("区域数"), ordering="n_zones")
    def zones(self, obj: Any) -> int:
        return int(obj.n_zones)


class PlanActivationInline(ReadOnlyInline):
    model = PlanActivation
    fields = ("layer", "started_at", "ended_at")
    readonly_fields = fields


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "zones", "created_at", "activated_at")
    list_filter = ("status",)
    search_fields = ("name",)
    # Status changes only through activation, which also re-routes open issues.
    readonly_fields = ("status", "created_at", "activated_at")
    inlines = (PlanActivationInline,)
    actions = ("activate",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Plan]:
        return super().get_queryset(request).annotate(n_zones=Count("zones"))

    @admin.display(description=gettext_lazy("区域数"), ordering="n_zones")
    def zones(self, obj: Any) -> int:
        return int(obj.n_zones)

    @admin.action(description=gettext_lazy("生效所选方案并重新分派在办问题"))
    def activate(self, request: HttpRequest, queryset: QuerySet[Plan]) -> None:
        for plan in queryset:
            try:
                moved = activate_plan(plan)
            except GeoDataError as exc:
                self.message_user(request, local_message(exc), messages.ERROR)
            else:
                text = gettext(
                    "方案“%(plan)s”已生效：在办问题 %(open)d 件中，%(moved)d 件已换责任人"
                ) % {
                    "plan": plan.name,
                    "open": moved.open_issues,
                    "moved": moved.moved,
                }
                self.message_user(request, text, messages.SUCCESS)


@admin.register(Zone)
class ZoneAdmin(LeafletGeoAdmin):
    list_display = ("code", "name", "layer", "plan", "active", "parent", "region", "area_m2")
    list_filter = ("layer", "plan", "active", "region")
    list_select_related = ("layer", "plan", "parent", "region")
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "region")
    readonly_fields = ("area_m2", "active", "version", "updated_at")
    inlines = (ZoneOwnershipInline,)

    def save_model(self, request: HttpRequest, obj: Zone, form: Any, change: bool) -> None:
        obj.area_m2 = area_m2(obj.geom)
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


class OwnerOwnershipInline(admin.TabularInline):
    model = Ownership
    fields = ("role", "zone", "region", "valid_from", "valid_to")
    raw_id_fields = ("zone", "region")
    extra = 0


@admin.register(Owner)
class OwnerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organisation", "phone", "email")
    list_filter = ("kind",)
    search_fields = ("name", "name_en", "organisation", "phone")
    inlines = (OwnerOwnershipInline,)


@admin.register(Ownership)
class OwnershipAdmin(admin.ModelAdmin):
    list_display = ("owner", "role", "zone", "region", "valid_from", "valid_to")
    list_filter = ("role",)
    list_select_related = ("owner", "zone", "region")
    search_fields = ("owner__name", "zone__code", "zone__name", "region__name")
    raw_id_fields = ("owner", "zone", "region")


@admin.register(Station)
class StationAdmin(LeafletGeoAdmin):
    list_display = ("name", "package_area", "cadre", "address")
    list_select_related = ("package_area", "cadre")
    search_fields = ("name", "address", "cadre__name")
    raw_id_fields = ("package_area", "cadre")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "name_en",
        "kind",
        "department",
        "limit_value",
        "limit_unit",
        "is_focus",
    )
    list_filter = ("kind", "is_focus", ("department", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("department",)
    search_fields = ("code", "name", "name_en")
    raw_id_fields = ("parent", "department")


class RoutingInline(ReadOnlyInline):
    """The routing receipt: per layer, the zone, plan, owner and rule that took the issue."""

    model = Routing
    fields = ("layer", "zone", "plan", "owner", "rule", "distance_m", "routed_at")
    readonly_fields = fields
    verbose_name = pgettext_lazy("model", "分派回执")
    verbose_name_plural = pgettext_lazy("models", "分派回执")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Routing]:
        return super().get_queryset(request).select_related("layer", "zone", "plan", "owner")


@admin.register(Issue)
class IssueAdmin(LeafletGeoAdmin):
    list_display = (
        "id",
        "category",
        "status",
        "reported_at",
        "source",
        "region",
        "zone",
        "owner",
        "department",
        "in_blind_spot",
        "in_overlap",
    )
    list_filter = ("status", "in_blind_spot", "in_overlap", "source", "category__kind", "region")
    list_select_related = ("category", "region", "zone", "owner", "department")
    search_fields = ("external_id", "description", "zone__code")
    date_hierarchy = "reported_at"
    raw_id_fields = ("category",)
    # Where an issue went is the router's answer: moving it means reporting it again.
    modifiable = False
    readonly_fields = (
        "region",
        "zone",
        "owner",
        "department",
        "in_overlap",
        "in_blind_spot",
        "distance_m",
        "routed_at",
    )
    inlines = (RoutingInline,)


@admin.register(CoverageSnapshot)
class CoverageSnapshotAdmin(LeafletGeoAdmin):
    list_display = (
        "region",
        "layer",
        "taken_at",
        "coverage_pct",
        "blind_count",
        "overlap_count",
        "zone_count",
    )
    list_filter = ("layer", "region")
    list_select_related = ("region", "layer")
    date_hierarchy = "taken_at"
    modifiable = False
    readonly_fields = (
        "region",
        "layer",
        "taken_at",
        "total_m2",
        "covered_m2",
        "blind_m2",
        "overlap_m2",
        "coverage_pct",
        "zone_count",
        "blind_count",
        "overlap_count",
        "sliver_count",
        "details",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
