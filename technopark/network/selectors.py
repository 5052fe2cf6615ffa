"""Reads of the registry for lists, exports, the institution page and the people lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from technopark.core.text import search_key
from technopark.network.models import EXPIRING_WITHIN_DAYS, Agreement, District, Institution

ORDERINGS = {
    "name": ["short_name", "id"],
    "district": ["district__position", "short_name", "id"],
    "kind": ["kind", "short_name", "id"],
    "-created": ["-created_at", "-id"],
}


def find_institutions(
    institutions: QuerySet[Institution],
    *,
    q: str = "",
    kind: str = "",
    district: District | int | None = None,
    cluster_role: str = "",
    sort: str = "name",
) -> QuerySet[Institution]:
    """``institutions`` narrowed by a search in their names and by kind, district and role, sorted."""
    if q and (key := search_key(q)):
        for word in key.split():
            institutions = institutions.filter(search_text__contains=word)
    if kind:
        institutions = institutions.filter(kind=kind)
    if district:
        institutions = institutions.filter(district=district)
    if cluster_role:
        institutions = institutions.filter(cluster_role=cluster_role)
    return institutions.select_related("district").order_by(*ORDERINGS.get(sort, ORDERINGS["name"]))


def institution_summary(institution: Institution) -> dict[str, int]:
    """Counts of what is linked to an institution (agreements, contacts, coordinators)."""
    counts = Institution.objects.filter(pk=institution.pk).aggregate(
        agreements=Count("agreements", distinct=True),
        contacts=Count("contacts", distinct=True),
        coordinators=Count("coordinators", distinct=True),
    )
    return {key: value or 0 for key, value in counts.items()}


def agreements_by_status(agreements: QuerySet[Agreement], status: str, today: dt.date) -> QuerySet[Agreement]:
    """Agreements whose status (computed from the dates) on ``today`` is ``status``."""
    soon = today + dt.timedelta(days=EXPIRING_WITHIN_DAYS)
    conditions: dict[str, Any] = {
        Agreement.Status.NOT_YET: Q(valid_from__gt=today),
        Agreement.Status.EXPIRED: Q(valid_until__lt=today),
        Agreement.Status.EXPIRING: Q(valid_from__lte=today, valid_until__gte=today, valid_until__lte=soon),
        Agreement.Status.ACTIVE: Q(valid_from__lte=today) & (Q(valid_until__isnull=True) | Q(valid_until__gt=soon)),
    }
    if status in conditions:
        agreements = agreements.filter(conditions[status])
    return agreements.select_related("institution").order_by("valid_until", "institution__short_name", "id")


def institution_people_counts(institution: Institution) -> dict[str, int]:
    # Affiliations live in people, which network may not import (decision 0007): the reverse relation
    # and the kinds' values are enough.
    counts = institution.affiliations.aggregate(  # type: ignore[attr-defined]
        students=Count("pk", filter=Q(kind="student")),
        teachers=Count("pk", filter=Q(kind="teacher")),
    )
    return {key: value or 0 for key, value in counts.items()}
