"""The closed loop around issues: transitions, photos, notifications, calendar, API keys."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone


class Transition(models.Model):
    """One step of a case: who moved it from which state to which, when, and why."""

    issue = models.ForeignKey("gridmgr.Issue", on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Who acted when there is no user: a citizen, an API client, the system's escalation job.
    actor_label = models.CharField(max_length=100, blank=True)
    comment = models.TextField(blank=True)
    # Not auto_now_add: services pass their `now`, so the record and the clock agree.
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"#{self.issue_id} {self.from_status}→{self.to_status} ({self.action})"


class Photo(models.Model):
    """A photo of an issue (as reported, or evidence of handling), stored under a hashed name."""

    class Kind(models.TextChoices):
        REPORT = "report", "上报照片 / report"
        EVIDENCE = "evidence", "处置照片 / evidence"

    issue = models.ForeignKey("gridmgr.Issue", on_delete=models.CASCADE, related_name="photos")
    transition = models.ForeignKey(Transition, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPORT)
    original = models.FileField(upload_to="photos/original/")
    public = models.FileField(upload_to="photos/public/", help_text="location metadata removed")
    content_type = models.CharField(max_length=30)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"#{self.issue_id} {self.kind} {self.sha256[:8]}"


class CalendarDay(models.Model):
    """An exception to the weekly working pattern: a holiday, or a make-up working day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "节假日 / holiday"
        WORKDAY = "workday", "调休上班 / make-up working day"

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.name}"


class Notification(models.Model):
    """A message to a user or an owner in the app (and by e-mail when an address is known)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    owner = models.ForeignKey("gridmgr.Owner", null=True, blank=True, on_delete=models.CASCADE)
    issue = models.ForeignKey("gridmgr.Issue", null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20)
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.message[:40]}"


class ApiKey(models.Model):
    """A key of an Open311 client; only its hash is stored, and it can be revoked."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class RateBucket(models.Model):
    """A token bucket of a rate limit (services.ratelimit): the tokens left at `updated_at`."""

    key = models.CharField(max_length=200, primary_key=True)
    tokens = models.FloatField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key}: {self.tokens:.2f}"
