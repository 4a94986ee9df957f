"""API views of issues: list and detail (as the user may see them), report, take a step,
add a photo, read the history.

Refused steps (`TransitionError`) answer, with the service's bilingual message:
- 409 Conflict when the case's state does not allow the action now (someone moved it first,
  or the step belongs to another stage of the loop);
- 403 Forbidden when the state allows it but not this user (role, area or department, or a
  handler verifying their own work);
- 400 Bad Request when the request lacks what the step needs (a reason, an evidence photo).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from gridmgr.access import visible_issues
from gridmgr.api import errors, filters
from gridmgr.api import issue_serializers as s
from gridmgr.api.pagination import GeoJsonPages
from gridmgr.api.permissions import Reporters, account
from gridmgr.api.views import CONFLICT, ERROR, ApiMixin
from gridmgr.casework import timeline
from gridmgr.casework.idempotency import Sender
from gridmgr.casework.loop import STEPS, TransitionError, allowed_actions, apply, receive
from gridmgr.casework.photo_rules import PhotoRefused, check_photo
from gridmgr.casework.photos import add_photo
from gridmgr.models import Issue

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="repeat a report safely: the same key from the same user returns that user's"
    " first issue (200); keys are per user, another user's key makes a new issue",
)
REPORT_EXAMPLE = OpenApiExample(
    "暴露垃圾 / exposed rubbish (GPS)",
    value={
        "lon": 116.4199,
        "lat": 39.9205,
        "coord_sys": "wgs84",
        "category": "暴露垃圾",
        "description": "路边堆放生活垃圾 / household rubbish left by the road",
        "address": "朝阳门南小街",
    },
    request_only=True,
)
REFUSED = {
    400: OpenApiResponse(ERROR, description="缺少原因或照片 / a reason or photo is missing"),
    403: OpenApiResponse(ERROR, description="无权执行 / not for this user"),
    409: CONFLICT,
}


def idempotency_key(request: Request) -> str | None:
    """The request's Idempotency-Key header: up to 100 printable characters."""
    raw = request.headers.get("Idempotency-Key", "").strip()
    if not raw:
        return None
    if len(raw) > 100 or not raw.isprintable():
        raise serializers.ValidationError(
            {"Idempotency-Key": ["须为不超过 100 个可打印字符 / at most 100 printable characters"]}
        )
    return raw


def refusal_status(issue: Issue, step: str, user: Any) -> int:
    """The HTTP status of a refused step (see the module docstring)."""
    issue.refresh_from_db(fields=["status"])
    if issue.status not in STEPS[step].sources:
        return status.HTTP_409_CONFLICT
    if step not in allowed_actions(user, issue):
        return status.HTTP_403_FORBIDDEN
    return status.HTTP_400_BAD_REQUEST


@extend_schema_view(
    create=extend_schema(
        summary="Report an issue (routed at once to its zones, owners and department)",
        request=s.IssueCreateSerializer,
        parameters=[IDEMPOTENCY],
        responses={201: s.IssueDetailSerializer, 200: s.IssueDetailSerializer, 400: ERROR},
        examples=[REPORT_EXAMPLE],
    ),
    transition=extend_schema(
        summary="Take one step of the closed loop",
        request=s.TransitionRequestSerializer,
        responses={200: s.IssueDetailSerializer, **REFUSED},
    ),
    photos=extend_schema(
        summary="Add a photo at its step: report photos before dispatch (reporter or centre),"
        " evidence in handling (a handler); location data is removed",
        request={"multipart/form-data": s.PhotoUploadSerializer},
        responses={201: s.PhotoSerializer, 400: ERROR, 403: ERROR, 409: ERROR},
    ),
    timeline=extend_schema(
        summary="The case's history: steps, photos and notifications, oldest first",
        responses=s.TimelineEntrySerializer(many=True),
    ),
)
class IssueViewSet(
    ApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Issues the user may see, as GeoJSON; detail adds receipts, history and next actions."""

    permission_classes = [Reporters]
    pagination_class = GeoJsonPages
    filterset_class = filters.IssueFilter
    filter_backends = [DjangoFilterBackend, filters.LonLatBBoxFilter, OrderingFilter]
    ordering_fields = ("reported_at", "due_at", "id")
    bbox_filter_field = "location"

    def get_queryset(self) -> QuerySet[Issue]:
        issues = visible_issues(self.request.user).select_related(
            "category", "region", "zone", "owner", "department"
        )
        if self.action == "list":
            return issues
        return issues.prefetch_related(
            "routings__layer",
            "routings__zone",
            "routings__plan",
            "routings__owner",
            "transitions__actor",
            "photos",
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return s.IssueSerializer if self.action == "list" else s.IssueDetailSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = s.IssueCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        issue, created = self._receive(idempotency_key(request), dict(form.validated_data))
        headers = {"Location": reverse("api:issue-detail", args=[issue.pk])}
        if not created:
            headers["Idempotent-Replayed"] = "true"
        return Response(
            self._detail(issue),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers=headers,
        )

    def _receive(self, key: str | None, data: dict[str, Any]) -> tuple[Issue, bool]:
        found = account(self.request)
        role = found.role if found is not None else ""
        data.setdefault("source", role if role in s.SOURCES else "staff")
        point = data.pop("lon"), data.pop("lat")
        return receive(
            *point,
            data.pop("category"),
            idempotency=Sender.user(self.request.user).key(key),
            actor=self.request.user,
            actor_label=self.request.user.get_username(),
            **data,
        )

    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        issue = self.get_object()
        form = s.TransitionRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        args = dict(form.validated_data)
        step = args.pop("action")
        try:
            apply(issue, step, request.user, **args)
        except TransitionError as exc:
            return errors.error_response(exc, refusal_status(issue, step, request.user))
        return Response(self._detail(issue))

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request: Request, pk: str | None = None) -> Response:
        issue = self.get_object()
        form = s.PhotoUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        kind = form.validated_data["kind"]
        try:
            check_photo(request.user, issue, kind)
        except PhotoRefused as exc:
            return errors.error_response(exc, 409 if exc.conflict else 403)
        photo = add_photo(issue, form.validated_data["photo"], kind)
        context = self.get_serializer_context()
        return Response(s.PhotoSerializer(photo, context=context).data, status=201)

    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request: Request, pk: str | None = None) -> Response:
        entries = timeline.timeline(self.get_object())
        return Response(s.TimelineEntrySerializer(entries, many=True).data)

    def _detail(self, issue: Issue) -> dict[str, Any]:
        fresh = self.get_queryset().filter(pk=issue.pk).first() or issue
        context = self.get_serializer_context()
        return s.IssueDetailSerializer(fresh, context=context).data
