"""Reads of the registry for lists, exports, the institution page and the people lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value

from technopark.accounts.models import Consent, ConsentPurpose, Person
from technopark.accounts.selectors import current_consent_text, find_persons
from technopark.core.text import search_key
from technopark.network.models import EXPIRING_WITHIN_DAYS, Affiliation, Agreement, District, Institution

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


# --- People -------------------------------------------------------------------------------------------


def find_people(
    persons: QuerySet[Person],
    *,
    q: str = "",
    institution: Institution | int | None = None,
    kind: str = "",
    grade: int | None = None,
    sort: str = "name",
) -> QuerySet[Person]:
    """``persons`` (already narrowed to what the user sees) filtered for the people list, with their
    institutions prefetched and ``may_take_part``: the id of a consent to take part under the text in
    force, or None."""
    persons = find_persons(persons, q=q, sort=sort)
    if institution or kind:
        links = Affiliation.objects.all()
        if institution:
            links = links.filter(institution=institution)
        if kind:
            links = links.filter(kind=kind)
        persons = persons.filter(pk__in=links.values("person_id"))
    if grade:
        persons = persons.filter(grade=grade)
    text = current_consent_text(ConsentPurpose.PARTICIPATION)
    # The id of such a consent, or NULL. A scalar subquery with LIMIT 1, not EXISTS: PostgreSQL would turn
    # EXISTS into a hash of every consent in the city (90 ms) instead of 30 index probes for the page.
    consented = (
        Subquery(
            Consent.objects.filter(subject=OuterRef("pk"), text=text, withdrawn_at__isnull=True)
            .order_by()
            .values("pk")[:1]
        )
        if text is not None
        else Value(None, output_field=IntegerField())
    )
    return persons.annotate(may_take_part=consented).prefetch_related(
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("institution").order_by("kind", "id"))
    )


def institution_people_counts(institution: Institution) -> dict[str, int]:
    counts = Affiliation.objects.filter(institution=institution).aggregate(
        students=Count("pk", filter=Q(kind=Affiliation.Kind.STUDENT)),
        teachers=Count("pk", filter=Q(kind=Affiliation.Kind.TEACHER)),
    )
    return {key: value or 0 for key, value in counts.items()}
