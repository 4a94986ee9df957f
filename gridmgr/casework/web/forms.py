"""Forms of the case-work pages: the list filters, a step on a case, a citizen's report."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

import django_filters as filters
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import DateRangeWidget

from gridmgr.access import account_of, responsible_q
from gridmgr.casework.loop import STEPS
from gridmgr.casework.web.queries import overdue_q
from gridmgr.i18n import local_choices, local_name
from gridmgr.models import Category, Issue, Owner, Region
from gridmgr.models.cases import action_label
from gridmgr.models.issues import normalise_number, number_q
from gridmgr.validators import TextField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_REPORT_PHOTOS = 3
NO_LOCATION = _("请在地图上点选位置或使用定位")
step_label_lazy = lazy(action_label, str)
SORTS = {
    "-reported": F("reported_at").desc(),
    "reported": F("reported_at").asc(),
    "due": F("due_at").asc(nulls_last=True),
    "-due": F("due_at").desc(nulls_last=True),
}


class CategoryField(forms.ModelChoiceField):
    """Categories by code and name in the active language (A01 暴露垃圾 / A01 exposed rubbish)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {local_name(obj)}"


class CategoryChoiceFilter(filters.ModelChoiceFilter):
    field_class = CategoryField


class CaseNumberField(forms.CharField):
    """A case number as a hotline operator types it: spaces, hyphens and case do not matter."""

    def clean(self, value: Any) -> str:
        text = normalise_number(super().clean(value) or "")
        if text and not re.fullmatch(r"[0-9A-Z]{6,30}", text):
            raise forms.ValidationError(
                gettext("受理编号由数字和字母组成，如 260302A1B2C3D4"), code="invalid"
            )
        return text


class CaseNumberFilter(filters.CharFilter):
    field_class = CaseNumberField


class IssuePageFilter(filters.FilterSet):
    """The filters of the issue list and map, all optional, combined with AND."""

    number = CaseNumberFilter(
        label=_("受理编号"),
        method="by_number",
        max_length=60,
        widget=forms.TextInput(attrs={"inputmode": "search", "autocomplete": "off"}),
    )
    status = filters.ChoiceFilter(
        label=_("状态"),
        choices=[("open", _("在办")), *local_choices(Issue.Status.choices)],
        method="by_status",
        empty_label=_("全部"),
    )
    category = CategoryChoiceFilter(
        label=_("类别"),
        queryset=Category.objects.select_related("parent"),
        method="by_category",
        empty_label=_("全部"),
    )
    subdistrict = filters.ModelChoiceFilter(
        label=_("街道"),
        queryset=Region.objects.filter(level=Region.Level.SUBDISTRICT),
        method="by_subdistrict",
        empty_label=_("全部"),
    )
    zone = filters.CharFilter(label=_("区域编码"), method="by_zone")
    owner = filters.CharFilter(label=_("责任人"), method="by_owner")
    overdue = filters.BooleanFilter(
        label=_("仅超期"), method="by_overdue", widget=forms.CheckboxInput
    )
    mine = filters.BooleanFilter(
        label=_("仅我负责的"), method="by_mine", widget=forms.CheckboxInput
    )
    reported = filters.DateFromToRangeFilter(
        label=_("上报日期"),
        field_name="reported_at",
        widget=DateRangeWidget(attrs={"type": "date"}),
    )
    sort = filters.ChoiceFilter(
        label=_("排序"),
        choices=[
            ("-reported", _("最新上报")),
            ("reported", _("最早上报")),
            ("due", _("时限最近")),
            ("-due", _("时限最远")),
        ],
        method="by_sort",
        empty_label=None,
    )

    class Meta:
        model = Issue
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Issue]) -> QuerySet[Issue]:
        # A number that cannot be one finds nothing (not every case, as an ignored filter would).
        if "number" in self.form.errors:
            return queryset.none()
        return super().filter_queryset(queryset)

    def by_number(self, qs: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        """The case with this number (exact, once normalised), among those the user may see."""
        return qs.filter(number_q(value))

    def by_status(self, qs: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        if value == "open":
            return qs.filter(status__in=Issue.OPEN_STATUSES)
        return qs.filter(status=value)

    def by_category(self, qs: QuerySet[Issue], name: str, value: Category) -> QuerySet[Issue]:
        """A category and, for a parent, every category under it."""
        return qs.filter(Q(category=value) | Q(category__parent=value))

    def by_subdistrict(self, qs: QuerySet[Issue], name: str, value: Region) -> QuerySet[Issue]:
        # An issue's region is the deepest covering one: the sub-district or one of its communities.
        return qs.filter(Q(region=value) | Q(region__parent=value))

    def by_zone(self, qs: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        """Issues routed to a zone of this code in any layer (a sector code finds its grids')."""
        return qs.filter(Issue.routed_to(zone__code=value.strip()))

    def by_owner(self, qs: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        """Issues whose territorial owner, or any owner on their routing receipt, has this name."""
        text = value.strip()
        return qs.filter(
            Q(owner__name__icontains=text) | Issue.routed_to(owner__name__icontains=text)
        )

    def by_overdue(self, qs: QuerySet[Issue], name: str, value: bool | None) -> QuerySet[Issue]:
        return qs.filter(overdue_q(timezone.now())) if value else qs

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account_of(self.request.user) if self.request is not None else None
        if self.account is None or self.account.owner_id is None:
            del self.filters["mine"]  # a role acting for no owner answers for no case

    def by_mine(self, qs: QuerySet[Issue], name: str, value: bool | None) -> QuerySet[Issue]:
        """The cases the user answers for: its zones', its own or its department's."""
        return qs.filter(responsible_q(self.account)) if value else qs

    def by_sort(self, qs: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        return qs.order_by(SORTS.get(value, SORTS["-reported"]), "-id")


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; the photo service checks their content."""

    def __init__(self, *, limit: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        self.limit = limit
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if self.limit is not None and len(files) > self.limit:
            raise forms.ValidationError(
                ngettext("最多上传 %(n)d 张照片", "最多上传 %(n)d 张照片", self.limit)
                % {"n": self.limit}
            )
        return [super(PhotosField, self).clean(f, initial) for f in files]


class ActionForm(forms.Form):
    """One step on a case, with what that step needs (the service checks the rest)."""

    action = forms.ChoiceField(choices=[(k, step_label_lazy(k)) for k in STEPS])
    comment = TextField(label=_("意见"), required=False, max_length=2000, widget=forms.Textarea)
    photos = PhotosField(label=_("处置照片"))
    owner = forms.ModelChoiceField(
        label=_("属地责任人"),
        queryset=Owner.objects.exclude(kind=Owner.Kind.DEPARTMENT),
        required=False,
        empty_label=_("不变"),
    )
    department = forms.ModelChoiceField(
        label=_("主管部门"),
        queryset=Owner.objects.filter(kind=Owner.Kind.DEPARTMENT),
        required=False,
        empty_label=_("不变"),
    )
    into = TextField(label=_("并入案件"), required=False, max_length=30)


def leaf_category_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Categories without children, grouped under their parent's name (in the active language)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    leaves = Category.objects.filter(children__isnull=True).select_related("parent")
    for c in leaves.order_by("parent__code", "code"):
        group = local_name(c.parent) if c.parent else gettext("其他")
        groups.setdefault(group, []).append((c.pk, local_name(c)))
    return list(groups.items())


def coordinate(limit: int, message: StrOrPromise) -> forms.FloatField:
    """A hidden longitude or latitude within ±limit, with one message for any bad value."""
    messages = {"invalid": message, "min_value": message, "max_value": message}
    return forms.FloatField(
        widget=forms.HiddenInput, min_value=-limit, max_value=limit, error_messages=messages
    )


class ReportForm(forms.Form):
    """A citizen's report: where (a WGS84 point), what, photos, and how to reach them."""

    key = TextField(widget=forms.HiddenInput, max_length=100)
    # Not a number, not finite (nan, inf, 1e309) or out of range: one message each.
    lon = coordinate(180, _("经度须为 -180 到 180 之间的数"))
    lat = coordinate(90, _("纬度须为 -90 到 90 之间的数"))
    category = forms.TypedChoiceField(label=_("问题类别"), coerce=int)
    description = TextField(
        label=_("问题描述"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = PhotosField(label=_("照片（最多3张）"), limit=MAX_REPORT_PHOTOS)
    name = TextField(label=_("姓名（选填）"), required=False, max_length=100)
    contact = TextField(label=_("联系方式（选填）"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", gettext("请选择")), *leaf_category_choices()]  # type: ignore[attr-defined]
        for name in ("lon", "lat"):
            self.fields[name].error_messages["required"] = NO_LOCATION
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)

    def location_errors(self) -> list[str]:
        """The errors of lon and lat, each message once (a missing point misses both)."""
        return list(dict.fromkeys([*self["lon"].errors, *self["lat"].errors]))

    def clean_category(self) -> Category:
        found = Category.objects.filter(pk=self.cleaned_data["category"], children__isnull=True)
        if not found.exists():
            raise forms.ValidationError(gettext("请选择问题类别"))
        return found.get()


class TrackForm(forms.Form):
    number = TextField(label=_("受理编号"), max_length=20)
