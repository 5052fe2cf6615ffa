"""Reads of the audit log for the audit page and the API."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from technopark.core.models import AuditLog


def audit_records(
    *,
    actor: str = "",
    action: str = "",
    target_type_id: int | None = None,
    target_id: str = "",
    ip: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditLog]:
    """Audit records, newest first, narrowed by the given filters.

    ``actor`` matches the recorded e-mail or name anywhere; ``action`` matches from the start, so
    ``accounts.login`` finds successful, failed and throttled sign-ins alike.
    """
    records = AuditLog.objects.all()
    if actor:
        records = records.filter(actor_label__icontains=actor)
    if action:
        records = records.filter(action__startswith=action)
    if target_type_id:
        records = records.filter(target_type_id=target_type_id)
    if target_id:
        records = records.filter(target_id=target_id)
    if ip:
        records = records.filter(ip=ip)
    if since:
        records = records.filter(created_at__gte=since)
    if until:
        records = records.filter(created_at__lt=until)
    return records.order_by("-created_at", "-id")
