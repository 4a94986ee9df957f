"""The evaluation scoreboard over the API: the rows of /scores/ as JSON (gridmgr.scores.board)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gridmgr.api.fields import StrictMixin
from gridmgr.api.views import ApiMixin
from gridmgr.scores import board as scores

DEFAULT_DAYS = 30  # as the page: the last 30 days


class ScoreQuerySerializer(StrictMixin, serializers.Serializer):
    unit = serializers.ChoiceField(choices=list(scores.UNITS), default="sector")
    start = serializers.DateField(required=False, help_text="first day (default: 29 days ago)")
    end = serializers.DateField(required=False, help_text="last day, included (default: today)")


class LineageSerializer(serializers.Serializer):
    """What a redrawn plan made of a zone unit (absent when it simply continues)."""

    state = serializers.ChoiceField(choices=["current", "new", "retired"])
    into = serializers.ListField(
        child=serializers.CharField(), help_text="codes that took its land"
    )
    came_from = serializers.ListField(
        child=serializers.CharField(), help_text="codes whose land it took"
    )
    zh = serializers.CharField()
    en = serializers.CharField()


class ScoreRowSerializer(serializers.Serializer):
    """One unit's measures; a zone unit is its code in its layer, across plan versions."""

    code = serializers.CharField(help_text="zone code (zone units)")
    name = serializers.CharField()
    zone = serializers.IntegerField(allow_null=True, source="zone_id", help_text="zone in force")
    owner_id = serializers.IntegerField(allow_null=True, help_text="person or department")
    owner = serializers.CharField(help_text="owners on the counted receipts")
    registered = serializers.IntegerField()
    closed = serializers.IntegerField()
    on_time = serializers.IntegerField()
    handled = serializers.IntegerField()
    reworked = serializers.IntegerField()
    overdue = serializers.IntegerField()
    closure_rate = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.FloatField(allow_null=True)
    rework_rate = serializers.FloatField(allow_null=True)
    median_hours = serializers.FloatField(allow_null=True)
    lineage = LineageSerializer(allow_null=True)


class ScoresSerializer(serializers.Serializer):
    unit = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    results = ScoreRowSerializer(many=True)


class ScoresView(ApiMixin, APIView):
    """The scoreboard of one unit type for a period of days (definitions: /scores/)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ScoreQuerySerializer], responses=ScoresSerializer)
    def get(self, request: Request) -> Response:
        query = ScoreQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        end: dt.date = query.validated_data.get("end") or today
        start: dt.date | None = query.validated_data.get("start")
        if start is None:  # year 1 has no 29 days before it: check_period refuses it anyway
            start = end - dt.timedelta(days=DEFAULT_DAYS - 1) if end.year > 1 else end
        unit = query.validated_data["unit"]
        rows = scores.scoreboard(unit, start, end)  # a bad period: ScoreError, a 400
        data: dict[str, Any] = {"unit": unit, "start": start, "end": end, "results": rows}
        return Response(ScoresSerializer(data).data)
