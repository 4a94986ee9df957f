"""Issue categories, issues and their routing receipts."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridmgr.models.zones import Zone

# A case's number where it was given none (a grid worker's report, an import): its local report
# day, "N" (never a hex digit, so never equal to a random citizen number) and its id.
_DAY_NUMBER = re.compile(r"(\d{6})N(\d+)")
# What a hotline operator may type around a number: spaces, hyphens, dots, a leading "#".
_NUMBER_NOISE = re.compile(r"[\s\-_.#]+")


def day_number(pk: int, reported_at: dt.datetime) -> str:
    """The number of a case that has no tracking number: 260302N0001234."""
    return f"{timezone.localtime(reported_at):%y%m%d}N{pk:07d}"


def normalise_number(text: str) -> str:
    """A case number as typed (full-width, lower case, spaces, hyphens) in its stored form."""
    return _NUMBER_NOISE.sub("", unicodedata.normalize("NFKC", text)).upper()


def number_q(number: str) -> Q:
    """Issues whose case number (Issue.reference) is this normalised number: at most one."""
    found = _DAY_NUMBER.fullmatch(number)
    if found is None:
        return Q(tracking_number=number)
    if len(found.group(2)) > 18:  # beyond any bigint id
        return Q(pk__in=[])
    try:
        day = dt.datetime.strptime(found.group(1), "%y%m%d")
    except ValueError:
        return Q(pk__in=[])
    start = timezone.make_aware(day)
    return Q(
        pk=int(found.group(2)),
        tracking_number__isnull=True,
        reported_at__gte=start,
        reported_at__lt=start + dt.timedelta(days=1),
    )


class Category(models.Model):
    """A two-level event or component category with its department and time limit."""

    class Kind(models.TextChoices):
        EVENT = "event", "事件 / event"
        COMPONENT = "component", "部件 / component"

    class LimitUnit(models.TextChoices):
        HOURS = "hours", "工作小时 / working hours"
        DAYS = "days", "工作日 / working days"

    code = models.CharField(_("代码"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级类别"),
    )
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    department = models.ForeignKey(
        "gridmgr.Owner", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("处置部门")
    )
    limit_value = models.PositiveIntegerField(_("处置时限"), null=True, blank=True)
    limit_unit = models.CharField(
        _("时限单位"), max_length=5, choices=LimitUnit.choices, default="hours"
    )
    is_focus = models.BooleanField(_("重点整治"), default=False)

    class Meta:
        verbose_name = pgettext_lazy("model", "问题类别")
        verbose_name_plural = pgettext_lazy("models", "问题类别")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Rule(models.TextChoices):
    """How a routing was decided."""

    COVERS = "covers", "区域覆盖 / zone covers the point"
    OVERLAP = "overlap", "重叠取舍 / overlap tie-break"
    NEAREST = "nearest", "就近分配 / nearest zone within distance"
    FALLBACK = "fallback", "属地兜底 / territorial fallback"


class Issue(models.Model):
    """A geolocated problem, with the result of its automatic assignment."""

    class Status(models.TextChoices):
        REPORTED = "reported", "已上报 / reported"
        REGISTERED = "registered", "已立案 / registered"
        DISPATCHED = "dispatched", "已派遣 / dispatched"
        HANDLING = "handling", "处理中 / in handling"
        HANDLED = "handled", "已处理 / handled"
        CLOSED = "closed", "已结案 / closed"
        REJECTED = "rejected", "不予立案 / rejected"
        SUSPENDED = "suspended", "挂起 / suspended"

    OPEN_STATUSES = ("reported", "registered", "dispatched", "handling", "handled", "suspended")

    # Unique among the issues that have one: see Meta.constraints (a partial index, which
    # bulk-imported rows without an id never enter).
    external_id = models.CharField(_("外部编号"), max_length=64, null=True, blank=True)
    location = models.PointField(_("位置"), srid=4326)
    # Routing-related foreign keys carry no database constraint: bulk assignment writes millions
    # of rows with COPY, and per-row constraint triggers would cost more than the lookup itself.
    # Referenced rows are never deleted (PROTECT) so integrity holds at the application level.
    # Indexes are few on purpose (bulk imports rebuild each one: ~0.3 s per 1M issues, the GiST
    # on location 1.5 s): kept are those a page or a check needs at a million issues. No index
    # on zone (issues are found by zone through receipt_set), category (lists filter on the
    # category's code or parent: a join), department (a department's list walks reported_at).
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        verbose_name=_("类别"),
    )
    # db_default on the columns a new issue leaves at their default: COPY then leaves them out,
    # and the server fills them in (a bulk import of a million issues encodes and parses eight
    # columns fewer per row). default too, so that Python-side instances have the value.
    description = models.TextField(_("描述"), blank=True, default="", db_default="")
    source = models.CharField(_("来源"), max_length=30, default="grid_worker")
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=Status.choices,
        default=Status.REPORTED,
        db_default="reported",
    )
    # No index: a handful of regions per district make it too unselective to help a list; a
    # region's issues are found through its zones and owners, or by scanning.
    region = models.ForeignKey(
        "gridmgr.Region",
        null=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        verbose_name=pgettext_lazy("region", "区域"),
    )
    zone = models.ForeignKey(
        "gridmgr.Zone",
        null=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        help_text=_("承接问题的最下层区域"),
        verbose_name=_("区域"),
    )
    owner = models.ForeignKey(
        "gridmgr.Owner",
        null=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="+",
        help_text=_("属地责任人：责任链上的第一人，或所在区划的责任人"),
        verbose_name=_("责任人"),
    )
    department = models.ForeignKey(
        "gridmgr.Owner",
        null=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("处置部门"),
    )
    in_overlap = models.BooleanField(_("位于重叠区"), default=False)
    in_blind_spot = models.BooleanField(_("位于盲区"), default=False)
    distance_m = models.FloatField(_("距离（米）"), null=True, blank=True)
    routed_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    # The receipts of the issue's routing, one per layer, shared with the issues routed alike
    # (Receipt); read them through Routing (issue.routings).
    receipt_set = models.UUIDField(
        _("回执集"), null=True, blank=True, editable=False, db_index=True
    )
    # The closed loop (issue 4): tracking, deadlines, escalation, merging.
    # Both unique among the issues that have one (Meta.constraints), like external_id.
    tracking_number = models.CharField(_("查询编号"), max_length=20, null=True, blank=True)
    # Namespaced by its sender (gridmgr.casework.idempotency): room for the prefix and a 100-character key.
    idempotency_key = models.CharField(_("幂等键"), max_length=200, null=True, blank=True)
    reporter_name = models.CharField(
        _("上报人"), max_length=100, blank=True, default="", db_default=""
    )
    reporter_contact = models.CharField(
        _("上报人联系方式"), max_length=100, blank=True, default="", db_default=""
    )
    address = models.CharField(_("地址"), max_length=200, blank=True, default="", db_default="")
    registered_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    # Indexed where set (Meta.indexes): overdue checks compare it, bulk imports leave it empty.
    due_at = models.DateTimeField(_("处置期限"), null=True, blank=True)
    handled_at = models.DateTimeField(_("处置完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    # handler and merged_into: no database constraint and no index, like the routing keys above.
    # A constraint is a trigger per inserted row, also on bulk COPY where both are always NULL;
    # Django applies SET_NULL itself when a user or an issue is deleted (rare: a scan then), and
    # both are only ever set by the case workflow to rows it has just read.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("处置人"),
    )
    escalation_level = models.PositiveSmallIntegerField(_("升级级别"), default=0, db_default=0)
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0, db_default=0)
    suspended_from = models.CharField(
        _("挂起前状态"), max_length=12, blank=True, default="", db_default=""
    )
    # When the current suspension began: on resume, due_at moves by the working time since.
    suspended_at = models.DateTimeField(_("挂起时间"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
        db_constraint=False,
        db_index=False,
        verbose_name=_("合并至"),
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "问题")
        verbose_name_plural = pgettext_lazy("models", "问题")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(
                fields=["due_at"], name="issue_due_at_set", condition=Q(due_at__isnull=False)
            ),
        ]
        # Partial unique indexes rather than unique=True: NULL rows (every bulk-imported issue
        # for tracking_number and idempotency_key, most for external_id) are not indexed at all,
        # and no varchar_pattern_ops "_like" twin is built (nothing searches them by prefix).
        # Same code and message as unique=True gives in forms and serializers.
        constraints = [
            models.UniqueConstraint(
                fields=[name],
                condition=Q(**{f"{name}__isnull": False}),
                name=f"issue_{name}_unique",
                violation_error_code="unique",
                violation_error_message=f"Issue with this {label} already exists.",
            )
            for name, label in (
                ("external_id", "External id"),
                ("tracking_number", "Tracking number"),
                ("idempotency_key", "Idempotency key"),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category_id} {self.status}"

    @staticmethod
    def routed_to(**lookups: object) -> Q:
        """Issues with a routing receipt matching Receipt lookups (zone_id__in=…, zone__code=…).

        Through the receipt sets, not the Routing view: no join on the issues, no duplicates.
        """
        return Q(receipt_set__in=Receipt.objects.filter(**lookups).values("set_id"))

    @staticmethod
    def routed_to_unit(zone: Zone) -> Q:
        """Issues routed to the zone's unit (layer and code) under any plan."""
        return Issue.routed_to(zone__layer_id=zone.layer_id, zone__code=zone.code)

    @staticmethod
    def routed_to_units(zone_ids: Iterable[int]) -> Q:
        """Issues routed to the units of the given zones under any plan."""
        return Issue.routed_to(zone_id__in=Zone.objects.unit_versions(zone_ids).values("id"))

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def reference(self) -> str:
        """The case's number for people: its tracking number, else its day number."""
        return self.tracking_number or day_number(self.pk, self.reported_at)


class Receipt(models.Model):
    """One layer's receipt in a receipt set: which zone, plan, owner and rule.

    Issues routed alike share their receipts: an issue names its set (Issue.receipt_set), whose
    id is a 128-bit digest of the receipts' content (gridmgr.routing.receipts). A district of
    30k unit grids has tens of thousands of distinct sets for millions of issues, so a bulk
    import writes one column per issue instead of one row per issue and layer.

    No foreign-key protection here: a set no issue names any more (after a re-route) must not
    keep a zone from being deleted. Protection is Routing's, which only shows sets in use.
    """

    # Keyed by (set, layer): no id column nor its sequence, one index less to keep.
    pk = models.CompositePrimaryKey("set_id", "layer")
    set_id = models.UUIDField(_("回执集"))
    layer = models.ForeignKey(
        "gridmgr.Layer",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("图层"),
    )
    zone = models.ForeignKey(
        "gridmgr.Zone",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("区域"),
    )
    plan = models.ForeignKey(
        "gridmgr.Plan",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("方案"),
    )
    owner = models.ForeignKey(
        "gridmgr.Owner",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("责任人"),
    )
    rule = models.CharField(_("分派规则"), max_length=10, choices=Rule.choices)
    distance_m = models.FloatField(_("距离（米）"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "回执")
        verbose_name_plural = pgettext_lazy("models", "回执")

    def __str__(self) -> str:
        return f"{self.set_id}/{self.layer_id}: {self.zone_id} ({self.rule})"


class Routing(models.Model):
    """The routing receipt of an issue for one layer: which zone, plan and rule, and when.

    A read-only view (migration 0005) joining each issue to the receipts of its set: id is
    issue id × 65536 + layer id. Receipts are written by gridmgr.routing.receipts, never here.
    """

    issue = models.ForeignKey(
        Issue,
        on_delete=models.DO_NOTHING,
        related_name="routings",
        db_constraint=False,
        db_index=False,
        verbose_name=_("问题"),
    )
    layer = models.ForeignKey(
        "gridmgr.Layer",
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        verbose_name=_("图层"),
    )
    zone = models.ForeignKey(
        "gridmgr.Zone",
        null=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        verbose_name=_("区域"),
    )
    plan = models.ForeignKey(
        "gridmgr.Plan",
        null=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        verbose_name=_("方案"),
    )
    owner = models.ForeignKey(
        "gridmgr.Owner",
        null=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        verbose_name=_("责任人"),
    )
    rule = models.CharField(_("分派规则"), max_length=10, choices=Rule.choices)
    distance_m = models.FloatField(_("距离（米）"), null=True, blank=True)
    routed_at = models.DateTimeField(_("分派时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "分派回执")
        verbose_name_plural = pgettext_lazy("models", "分派回执")
        managed = False
        db_table = "gridmgr_routing"
        ordering = ["layer__rank"]

    def __str__(self) -> str:
        return f"{self.issue_id}/{self.layer_id}: {self.zone_id} ({self.rule})"
