"""Writes that belong to the core: the audit log and content revisions."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F

from technopark.core.context import current_request_info
from technopark.core.models import AuditLog, ContentRevision


def log_action(
    target: models.Model | None,
    action: str,
    *,
    actor: Any = None,
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
    if actor is not None and not getattr(actor, "is_authenticated", False):
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
        entry.target_label = str(target)[:255]
    entry.save()
    return entry


def bump_content_revision(key: str) -> None:
    """Mark the public content ``key`` as changed; call it inside the write's transaction."""
    updated = ContentRevision.objects.filter(key=key).update(number=F("number") + 1)
    if not updated:
        ContentRevision.objects.get_or_create(key=key, defaults={"number": 1})
