"""The closed loop around issues: transitions, photos, notifications, calendar, API keys."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# The name of each action a case's record holds, in Chinese, marked for translation: the steps of
# the closed loop (casework.lifecycle.STEPS gives their rules) and the records the system writes.
ACTION_NAMES: dict[str, str] = {
    "report": gettext_noop("上报"),
    "register": gettext_noop("立案"),
    "reject": gettext_noop("不予立案"),
    "dispatch": gettext_noop("派遣"),
    "accept": gettext_noop("接单处理"),
    "handle": gettext_noop("处置反馈"),
    "verify": gettext_noop("核查结案"),
    "rework": gettext_noop("返工"),
    "suspend": gettext_noop("挂起"),
    "resume": gettext_noop("恢复"),
    "reassign": gettext_noop("改派"),
    "merge": gettext_noop("合并"),
    "escalate": gettext_noop("超期升级"),
}


def action_name(action: str) -> str:
    """The Chinese name of an action code (立案 for register); an unknown code names itself."""
    return ACTION_NAMES.get(action, action)


def action_label(action: str) -> str:
    """The name of an action code in the active language: 立案 or register."""
    return gettext(action_name(action))


class Transition(models.Model):
    """One step of a case: who moved it from which state to which, when, and why."""

    issue = models.ForeignKey(
        "gridmgr.Issue",
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("问题"),
    )
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("操作人"),
    )
    # Who acted when there is no user: a citizen, an API client, the system's escalation job.
    actor_label = models.CharField(_("操作人名称"), max_length=100, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    # Not auto_now_add: services pass their `now`, so the record and the clock agree.
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model", "办理步骤")
        verbose_name_plural = pgettext_lazy("models", "办理步骤")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"#{self.issue_id} {self.from_status}→{self.to_status} ({self.action})"


class Photo(models.Model):
    """A photo of an issue (as reported, or evidence of handling), stored under a hashed name."""

    class Kind(models.TextChoices):
        REPORT = "report", "上报照片 / report"
        EVIDENCE = "evidence", "处置照片 / evidence"

    issue = models.ForeignKey(
        "gridmgr.Issue", on_delete=models.CASCADE, related_name="photos", verbose_name=_("问题")
    )
    transition = models.ForeignKey(
        Transition, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("办理步骤")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.REPORT)
    original = models.FileField(_("原图"), upload_to="photos/original/")
    public = models.FileField(
        _("公开图"), upload_to="photos/public/", help_text=_("已去除位置信息")
    )
    content_type = models.CharField(_("文件类型"), max_length=30)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256 摘要"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model", "照片")
        verbose_name_plural = pgettext_lazy("models", "照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"#{self.issue_id} {self.kind} {self.sha256[:8]}"


class CalendarDay(models.Model):
    """An exception to the weekly working pattern: a holiday, or a make-up working day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "节假日 / holiday"
        WORKDAY = "workday", "调休上班 / make-up working day"

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "节假日与调休日")
        verbose_name_plural = pgettext_lazy("models", "节假日与调休日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.name}"


class Notification(models.Model):
    """A message to a user or an owner in the app (and by e-mail when an address is known)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("接收用户"),
    )
    owner = models.ForeignKey(
        "gridmgr.Owner", null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("责任人")
    )
    issue = models.ForeignKey(
        "gridmgr.Issue", null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("问题")
    )
    kind = models.CharField(_("类型"), max_length=20)
    message = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "通知")
        verbose_name_plural = pgettext_lazy("models", "通知")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.message[:40]}"


class ApiKey(models.Model):
    """A key of an Open311 client; only its hash is stored, and it can be revoked."""

    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8, db_index=True)
    key_hash = models.CharField(_("密钥哈希"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "接口密钥")
        verbose_name_plural = pgettext_lazy("models", "接口密钥")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class RateBucket(models.Model):
    """A token bucket of a rate limit (gridmgr.server.ratelimit): the tokens left at `updated_at`."""

    key = models.CharField(_("限流键"), max_length=200, primary_key=True)
    tokens = models.FloatField(_("剩余令牌"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "限流令牌桶")
        verbose_name_plural = pgettext_lazy("models", "限流令牌桶")

    def __str__(self) -> str:
        return f"{self.key}: {self.tokens:.2f}"
