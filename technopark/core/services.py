"""Writes that belong to the core: the audit log and background jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone, translation

from technopark.core.context import current_request_info
from technopark.core.models import AuditLog, BackgroundJob

if TYPE_CHECKING:
    # django-stubs resolves these aliases to AUTH_USER_MODEL, so core names the user model
    # without importing the app that defines it.
    from django.contrib.auth.models import _AnyUser


def log_action(
    target: models.Model | None,
    action: str,
    *,
    actor: _AnyUser | None = None,
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditLog:
    """Record that ``actor`` did ``action`` to ``target``.

    Call it inside the service's transaction. ``action`` is ``"<app>.<entity>.<verb>"``, e.g.
    ``"portal.news.published"``. When ``actor`` is omitted, the signed-in user of the current request
    is used; the address and browser always come from the current request, if there is one.
    ``data`` must be JSON-serialisable and must not hold secrets (passwords, tokens).
    """
    info = current_request_info()
    if actor is None and info is not None and getattr(info.user, "is_authenticated", False):
        actor = info.user
    if actor is not None and not actor.is_authenticated:
        actor = None
    label = actor_label or (str(getattr(actor, "email", "") or actor) if actor is not None else "")
    entry = AuditLog(
        actor=actor,
        actor_label=label[:254],
        action=action,
        data=data or {},
        ip=info.ip if info else None,
        user_agent=(info.user_agent if info else "")[:255],
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.target_id = str(target.pk)
        # Staff read the log in any language; a label is written once, in the site's default language.
        with translation.override(settings.LANGUAGE_CODE):
            entry.target_label = str(target)[:255]
    entry.save()
    return entry


def start_job(
    kind: str,
    *,
    actor: _AnyUser | None,
    input_file: Any = None,
    input_name: str = "",
    data: dict[str, Any] | None = None,
) -> BackgroundJob:
    """Create a job record for long work; the caller enqueues its task with ``job.pk``."""
    job = BackgroundJob(
        kind=kind,
        created_by=actor if actor is not None and actor.is_authenticated and actor.pk else None,
        input_name=input_name[:255],
        data=data or {},
    )
    if input_file is not None:
        job.input_file = input_file
    job.save()
    log_action(job, f"{kind}.started", actor=actor, data={"file": input_name} if input_name else {})
    return job


def report_progress(job: BackgroundJob, *, done: int, total: int | None = None) -> None:
    """Save how far the job is. Call it outside long transactions, so that the page polling sees it."""
    job.progress_done = done
    fields = ["progress_done", "updated_at"]
    if total is not None:
        job.progress_total = total
        fields.append("progress_total")
    if job.status == BackgroundJob.Status.PENDING:
        job.status = BackgroundJob.Status.RUNNING
        fields.append("status")
    job.save(update_fields=fields)


def set_job_state(job: BackgroundJob, status: str, *, data: dict[str, Any] | None = None) -> None:
    """Move the job to ``status`` (waiting for confirmation, done or failed) with its result ``data``."""
    job.status = status
    fields = ["status", "updated_at"]
    if data is not None:
        job.data = data
        fields.append("data")
    if status in (BackgroundJob.Status.DONE, BackgroundJob.Status.FAILED):
        job.finished_at = timezone.now()
        fields.append("finished_at")
    job.save(update_fields=fields)
