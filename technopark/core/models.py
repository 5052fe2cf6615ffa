from __future__ import annotations

from typing import Any, TypeAlias

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    """The centre's four directions (the seed: engineering, IT, architecture, design),
    shared by events and project passports."""

    ENGINEERING = "engineering", _("Engineering")
    IT = "it", _("Information technology")
    ARCHITECTURE = "architecture", _("Architecture")
    DESIGN = "design", _("Design")


# The longest texts people write here. A news item or an event's regulations run to a few pages (~20 000
# characters), a machine's description or an agreement's subject to a paragraph; a news text of 11 MB was
# accepted before (issue 12). Three languages of the longest, URL-encoded, stay far below
# DATA_UPLOAD_MAX_MEMORY_SIZE.
LONG_TEXT_LENGTH = 100_000
TEXT_LENGTH = 10_000


class BoundedTextField(models.TextField):
    """A text whose ``max_length`` holds everywhere: in forms (as with Django's TextField) and in
    ``full_clean``, which the services call for the pages and the API alike (Django's TextField leaves it to
    forms). The database column stays unbounded text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))


class TimeStampedModel(models.Model):
    """Base for domain models: when a row was created and last changed."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditLog(models.Model):
    """One thing that happened: who did what to which object, when, from which address.

    Written only by `technopark.core.services.log_action`, in the same transaction as the change it
    records, so a rolled-back change leaves no record and a committed one always has one. Labels are
    copied at write time so the record stays readable after the actor or object is deleted.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=100)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), null=True, blank=True, on_delete=models.SET_NULL
    )
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=255, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["action", "-created_at"], name="audit_action_time"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["ip", "-created_at"], name="audit_ip_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label or '—'} {self.action} {self.target_label}"


def job_file_path(instance: Any, filename: str) -> str:
    from technopark.core.files import random_upload_name

    return random_upload_name("jobs", filename)


# Choices named after their model (EventKind rather than a nested Event.Kind, which stays as an alias): the
# API's OpenAPI document names components by class name, and ten classes called Kind shared one.
class BackgroundJobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("In progress")
    WAITING = "waiting", _("Waiting for confirmation")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BackgroundJob(TimeStampedModel):
    """Long work (an import, bulk certificates, an export) that runs in the worker and reports progress.

    The page that started it polls the job (htmx) and shows its progress, then its result. Each app
    owns the pages and tasks of its kinds of job; this model only keeps the state.
    """

    Status: TypeAlias = BackgroundJobStatus

    kind = models.CharField(_("kind"), max_length=60)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    input_file = models.FileField(_("file"), upload_to=job_file_path, blank=True)
    input_name = models.CharField(_("file name"), max_length=255, blank=True)
    data = models.JSONField(_("result"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "created_by", "-created_at"], name="job_kind_owner")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.progress_total <= 0:
            return 100 if self.is_finished else 0
        return min(100, round(100 * self.progress_done / self.progress_total))
