"""Reads of events for the calendar (list and month), the event page, the feed and the API."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from technopark.core.text import search_key
from technopark.events.models import Certificate, Event, EventSession, Nomination, Registration, Result
from technopark.projects.models import Project
from technopark.projects.selectors import EntryRow

ORDERINGS = {
    "date": ["starts_at", "id"],
    "-date": ["-starts_at", "-id"],
    "-created": ["-created_at", "-id"],
}


def find_events(
    events: QuerySet[Event],
    *,
    q: str = "",
    kind: str = "",
    audience: str = "",
    direction: str = "",
    level: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    status: str = "",
    free_places: bool = False,
    sort: str = "date",
) -> QuerySet[Event]:
    """``events`` filtered like the calendar: words of the title, kind, audience (an event for both counts
    for each), direction, level, a date range it overlaps (Minsk days), open for registration with free
    places, and sorted."""
    if q and (key := search_key(q)):
        for word in key.split():
            events = events.filter(search_text__contains=word)
    if kind:
        events = events.filter(kind=kind)
    if audience:
        events = events.filter(audience__in=[audience, Event.Audience.BOTH])
    if direction:
        # The directions are a JSON list; its text holds each code in quotes on SQLite and PostgreSQL.
        events = events.filter(directions__icontains=f'"{direction}"')
    if level:
        events = events.filter(level=level)
    if date_from:
        events = events.filter(ends_at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(starts_at__lt=_start_of(date_to + dt.timedelta(days=1)))
    if status:
        events = events.filter(status=status)
    if free_places:
        events = with_free_places(events)
    return events.filter(starts_at__isnull=False).order_by(*ORDERINGS.get(sort, ORDERINGS["date"]))


def with_free_places(events: QuerySet[Event], *, now: dt.datetime | None = None) -> QuerySet[Event]:
    """Events one can register for now and get a place: registration open, inside its window, and the
    event's places not all held by confirmed registrations (a nomination may still be full: the event
    page says which). One correlated subquery, no join that would repeat events."""
    from technopark.events.models import Registration

    now = now or timezone.now()
    held = (
        Registration.objects.filter(event=OuterRef("pk"), status=Registration.Status.CONFIRMED)
        .values("event")
        .annotate(total=Sum("places"))
        .values("total")
    )
    return (
        events.filter(status=Event.Status.REGISTRATION_OPEN)
        .filter(Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now))
        .filter(Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=now))
        .annotate(places_held=Coalesce(Subquery(held), 0))
        .filter(Q(capacity__isnull=True) | Q(capacity__gt=F("places_held")))
    )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def upcoming(events: QuerySet[Event], *, today: dt.date | None = None) -> QuerySet[Event]:
    """Events not over yet (ending today or later), soonest first."""
    return events.filter(ends_at__gte=_start_of(today or timezone.localdate()))


def event_page(events: QuerySet[Event], event_id: int) -> QuerySet[Event]:
    """The queryset for one event page: sessions, nominations, documents and co-organisers in five queries."""
    return events.filter(pk=event_id).prefetch_related(
        Prefetch("sessions", queryset=EventSession.objects.order_by("starts_at", "id")),
        Prefetch("nominations", queryset=Nomination.objects.order_by("position", "id")),
        "documents",
        "co_organisers",
    )


@dataclass
class Day:
    date: dt.date
    in_month: bool
    sessions: list[EventSession] = field(default_factory=list)


def month_grid(events: QuerySet[Event], year: int, month: int) -> list[list[Day]]:
    """Weeks (Monday first, as in Belarus) of the month, each day with the sessions of ``events`` on it.

    A course with five sessions appears on each of its five days; a three-day festival has a session per
    day, or one long session that appears on every day it spans.
    """
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    sessions = (
        EventSession.objects.filter(
            event__in=events, ends_at__gte=_start_of(first), starts_at__lt=_start_of(last + dt.timedelta(days=1))
        )
        .select_related("event")
        .order_by("starts_at", "id")
    )
    by_day: dict[dt.date, list[EventSession]] = defaultdict(list)
    for session in sessions:
        day = timezone.localtime(session.starts_at).date()
        end = timezone.localtime(session.ends_at).date()
        while day <= end:
            by_day[day].append(session)
            day += dt.timedelta(days=1)
    return [[Day(day, day.month == month, by_day.get(day, [])) for day in week] for week in weeks]


def published_results(event: Event) -> list[dict[str, object]]:
    """The results page: by nomination, best awards first, each row with the names that may be published.

    A participant's name appears only with a consent to publish names (DOMAIN.md rules 4 and 9); without it
    the row shows the institution alone. Dates of birth and contacts are never part of it.
    """
    from technopark.events.models import Registration, Result
    from technopark.people.models import ConsentPurpose, Person
    from technopark.people.selectors import persons_with_consent

    results = list(
        Result.objects.filter(registration__event=event, registration__status=Registration.Status.CONFIRMED)
        .select_related("registration__nomination", "registration__person", "registration__institution")
        .prefetch_related("registration__members__person", "registration__person__affiliations__institution")
    )
    people = {r.registration.person_id for r in results if r.registration.person_id}
    people |= {m.person_id for r in results for m in r.registration.members.all()}
    allowed = set(
        persons_with_consent(Person.objects.filter(pk__in=people), ConsentPurpose.PUBLICATION).values_list(
            "pk", flat=True
        )
    )
    order = {award: i for i, award in enumerate(Result.Award.values)}
    groups: dict[object, list[dict[str, object]]] = {}
    for result in sorted(results, key=lambda r: (order[r.award], r.place or 999, r.pk)):
        registration = result.registration
        if registration.form == Registration.Form.TEAM:
            names = [m.person.full_name for m in registration.members.all() if m.person_id in allowed]
            who = registration.team_name
        elif registration.person is not None:
            names = [registration.person.full_name] if registration.person_id in allowed else []
            who = ""
        else:
            names, who = [], str(registration.institution or "")
        institution = registration.institution
        if institution is None and registration.person is not None:
            link = next(iter(registration.person.affiliations.all()), None)
            institution = link.institution if link else None
        groups.setdefault(registration.nomination, []).append(
            {"result": result, "who": who, "names": names, "institution": institution}
        )
    return [{"nomination": nomination, "rows": rows} for nomination, rows in groups.items()]


def certificates_by_institution(event: Event) -> list[dict[str, object]]:
    """The valid documents of ``event`` counted per institution (for the ZIP links), largest first."""
    rows = (
        Certificate.objects.filter(event=event, revoked_at__isnull=True)
        .values("institution_id", "institution__short_name", "institution__full_name")
        .annotate(count=Count("pk"))
        .order_by("-count", "institution__short_name")
    )
    return [
        {
            "id": row["institution_id"],
            "name": row["institution__short_name"] or row["institution__full_name"] or "",
            "count": row["count"],
        }
        for row in rows
    ]


def normalise_code(text: str) -> str:
    """A document code as someone typed it (any case, spaces or dashes, O for 0) in its stored form
    ``TP-XXXXX-XXXXX``; empty when it cannot be one."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    raw = raw.translate(str.maketrans("OIL", "011"))
    if len(raw) == 12 and raw.startswith("TP"):
        raw = raw[2:]
    if len(raw) != 10:
        return ""
    return f"TP-{raw[:5]}-{raw[5:]}"


def find_certificate(code: str) -> Certificate | None:
    """The document with ``code`` (as typed: any case, with or without dashes), or None."""
    code = normalise_code(code)
    if not code:
        return None
    return Certificate.objects.select_related("event", "person").filter(code=code).first()


def may_show_name(person: Any) -> bool:
    """A name on a public page needs a consent to publish it (DOMAIN.md rules 4 and 9)."""
    from technopark.people.models import ConsentPurpose, Person
    from technopark.people.selectors import persons_with_consent

    return persons_with_consent(Person.objects.filter(pk=person.pk), ConsentPurpose.PUBLICATION).exists()


def project_entries(project: Project) -> list[EntryRow]:
    """The centre's events a project passport was entered in (confirmed registrations naming it), with the
    award once the results are published. Registered in `EventsConfig.ready` as a source of
    `projects.selectors.contest_entries`."""
    published = (Event.Status.RESULTS_PUBLISHED, Event.Status.ARCHIVED)
    rows = []
    registrations = Registration.objects.filter(project=project, status=Registration.Status.CONFIRMED).select_related(
        "event", "nomination"
    )
    for registration in registrations:
        event = registration.event
        if not event.is_public:
            continue
        award = ""
        url = reverse("events:event-detail", kwargs={"event_id": event.pk})
        if event.status in published:
            result = Result.objects.filter(registration=registration).first()
            if result is not None:
                award = str(result.get_award_display())
                if result.place:
                    award = f"{award}, {result.place}"
                url = reverse("events:event-results", kwargs={"event_id": event.pk})
        title = event.title if registration.nomination is None else f"{event.title}: {registration.nomination.title}"
        rows.append(EntryRow(contest=title, day=timezone.localtime(event.starts_at).date(), award=award, url=url))
    return rows
