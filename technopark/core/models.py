from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
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


class ContentRevision(models.Model):
    """A counter per area of public content, raised by every write to it.

    Cached public pages are keyed by it (`technopark.core.pagecache`), so a change anywhere in the
    area reaches every worker process within a second, without a shared cache server.
    """

    key = models.CharField(max_length=50, unique=True)
    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("content revision")
        verbose_name_plural = _("content revisions")

    def __str__(self) -> str:
        return f"{self.key}#{self.number}"
