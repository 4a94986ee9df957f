"""API views of the map: regions, layers, categories, plans, zones, owners, stations, coverage.

Views parse, authorise, call one service and render; issues are in gridmgr.api.issue_views.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gridmgr.access import is_centre
from gridmgr.api import errors, filters
from gridmgr.api import serializers as s
from gridmgr.api.pagination import GeoJsonPages, Pages
from gridmgr.api.parsers import CheckedJSONParser
from gridmgr.api.permissions import (
    REPORTERS,
    ZONE_EDITORS,
    CentreOnly,
    CentreWrites,
    ZoneEditors,
    account,
)
from gridmgr.coverage import cache as coverage
from gridmgr.editor import plan_summary
from gridmgr.models import Category, Layer, Owner, Ownership, Plan, Region, Station, Zone
from gridmgr.server.lockout import lockout_message, retry_after
from gridmgr.territory.plans import preview_plan
from gridmgr.territory.zone_edits import change_zone, create_zone, delete_zone

ERROR = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(help_text="中文 / English"),
        "zh": serializers.CharField(),
        "en": serializers.CharField(),
    },
)
CONFLICT = OpenApiResponse(ERROR, description="版本或状态冲突 / stale version or state")
GEO_FILTERS = [DjangoFilterBackend, filters.LonLatBBoxFilter]


class ApiMixin:
    """JSON in and out; token authentication first, so that no credentials get a 401."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    parser_classes = [CheckedJSONParser]
    pagination_class: type[Pages] | None = Pages


class RegionViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Administrative regions (district, sub-districts, communities) as GeoJSON, by code."""

    queryset = Region.objects.select_related("parent")
    serializer_class = s.RegionSerializer
    pagination_class = GeoJsonPages
    filterset_class = filters.RegionFilter
    filter_backends = GEO_FILTERS
    bbox_filter_field = "boundary"
    bbox_filter_include_overlapping = True
    lookup_field = "code"


class LayerViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Responsibility layers, top first."""

    queryset = Layer.objects.all()
    serializer_class = s.LayerSerializer
    filterset_fields = ("is_unit_grid",)


class CategoryViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Issue categories with their department and time limit."""

    queryset = Category.objects.select_related("parent", "department")
    serializer_class = s.CategorySerializer
    filterset_class = filters.CategoryFilter


@extend_schema_view(
    create=extend_schema(summary="Create a draft plan (centre only)"),
    preview=extend_schema(
        summary="What activating the plan would change (centre only)",
        responses=s.PreviewSerializer,
    ),
    activate=extend_schema(
        summary="Activate the plan and re-route open issues (centre only)",
        request=None,
        responses={200: s.ActivationSerializer, 409: CONFLICT},
    ),
)
class PlanViewSet(
    ApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Zone plans: drafted, previewed, then activated in one step."""

    queryset = Plan.objects.annotate(zone_count=Count("zones"))
    serializer_class = s.PlanSerializer
    permission_classes = [CentreWrites]
    filterset_fields = ("status",)

    def perform_create(self, serializer: s.PlanSerializer) -> None:
        serializer.save(status=Plan.Status.DRAFT)

    @action(detail=True, methods=["get"], permission_classes=[CentreOnly])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        return Response(asdict(preview_plan(self.get_object())))

    @action(detail=True, methods=["post"], permission_classes=[CentreOnly])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        summary = plan_summary.activate(plan)
        plan = self.get_queryset().get(pk=plan.pk)
        data = {"plan": s.PlanSerializer(plan).data, "rerouted": summary.open_issues}
        return Response({**data, "summary": summary.as_dict()})


@extend_schema_view(
    create=extend_schema(responses={201: s.ZoneSerializer, 403: ERROR, 409: CONFLICT}),
    update=extend_schema(responses={200: s.ZoneSerializer, 403: ERROR, 409: CONFLICT}),
    partial_update=extend_schema(responses={200: s.ZoneSerializer, 403: ERROR, 409: CONFLICT}),
    destroy=extend_schema(
        parameters=[s.VersionQuerySerializer], responses={204: None, 403: ERROR, 409: CONFLICT}
    ),
)
class ZoneViewSet(ApiMixin, viewsets.ModelViewSet):
    """Zones as GeoJSON; the zones of a draft plan are edited by the centre and sector leads.

    Updates send the `version` they were based on; a stale version is refused with 409.
    """

    serializer_class = s.ZoneSerializer
    permission_classes = [ZoneEditors]
    pagination_class = GeoJsonPages
    filterset_class = filters.ZoneFilter
    filter_backends = GEO_FILTERS
    bbox_filter_field = "geom"
    bbox_filter_include_overlapping = True

    def get_queryset(self) -> QuerySet[Zone]:
        owners = Prefetch(
            "ownerships",
            queryset=Ownership.objects.current().select_related("owner"),
            to_attr="current_ownerships",
        )
        return Zone.objects.select_related("region").prefetch_related(owners)

    def perform_create(self, serializer: s.ZoneSerializer) -> None:
        fields = dict(serializer.validated_data)
        fields.pop("version", None)  # a new zone starts at version 1
        serializer.instance = create_zone(account(self.request), **fields)

    def perform_update(self, serializer: s.ZoneSerializer) -> None:
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        serializer.instance = change_zone(
            account(self.request), serializer.instance, version, **changes
        )

    def perform_destroy(self, instance: Zone) -> None:
        query = s.VersionQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        delete_zone(account(self.request), instance, query.validated_data.get("version"))


class OwnerViewSet(ApiMixin, viewsets.ModelViewSet):
    """People, teams and departments that own zones or handle categories (centre writes)."""

    queryset = Owner.objects.all()
    serializer_class = s.OwnerSerializer
    permission_classes = [CentreWrites]
    filterset_class = filters.OwnerFilter


class OwnershipViewSet(ApiMixin, viewsets.ModelViewSet):
    """Who owns which zone or region over which period (centre writes)."""

    queryset = Ownership.objects.select_related("owner", "region").order_by("id")
    serializer_class = s.OwnershipSerializer
    permission_classes = [CentreWrites]
    filterset_class = filters.OwnershipFilter


class StationViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Stations (驻点) where cadres are posted, as GeoJSON points."""

    queryset = Station.objects.select_related("package_area", "cadre")
    serializer_class = s.StationSerializer
    pagination_class = GeoJsonPages
    filter_backends = GEO_FILTERS
    filterset_fields = ("package_area", "cadre")
    bbox_filter_field = "location"


class CoverageView(ApiMixin, APIView):
    """Coverage of a region by each layer's active zones: blind spots, overlaps (not stored).

    The reports are the coverage page's, from the same cache (gridmgr.coverage.cache)."""

    permission_classes = [IsAuthenticated]
    pagination_class = None  # one report per layer: a short list, never paged

    @extend_schema(
        parameters=[s.CoverageQuerySerializer],
        responses={200: s.CoverageSerializer(many=True), 404: ERROR},
    )
    def get(self, request: Request) -> Response:
        query = s.CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        region = query.validated_data.get("region") or Region.objects.require_district()
        layer = query.validated_data.get("layer")
        layers = [layer] if layer is not None else list(Layer.objects.all())
        return Response([report.summary() for report in coverage.reports(region, layers)])


class MeView(ApiMixin, APIView):
    """The signed-in user: role, owner, and what the user may do."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.MeSerializer)
    def get(self, request: Request) -> Response:
        found = account(request)
        role = found.role if found is not None else None
        owner = found.owner if found is not None else None
        data = {
            "username": request.user.get_username(),
            "role": role,
            "role_label": found.get_role_display() if found is not None else None,
            "owner": owner.pk if owner is not None else None,
            "owner_name": owner.name if owner is not None else None,
            "is_centre": is_centre(found),
            "can_report": role in REPORTERS,
            "can_edit_zones": role in ZONE_EDITORS,
        }
        return Response(s.MeSerializer(data).data)


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the API token (`Authorization: Token <key>`)."""

    @extend_schema(
        request=s.TokenRequestSerializer,
        responses={
            200: s.TokenSerializer,
            400: OpenApiResponse(ERROR, description="wrong credentials"),
            429: OpenApiResponse(
                ERROR, description="too many failed logins: locked out for a while"
            ),
        },
        auth=[],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except serializers.ValidationError:
            # axes marks the request it was given (DRF's, which its middleware never sees).
            if not getattr(request, "axes_locked_out", False):
                raise
        headers = {"Retry-After": retry_after(request)}
        return Response(errors.bilingual(*lockout_message(request)), status=429, headers=headers)
