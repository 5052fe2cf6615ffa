"""Every write to events: announcing, sessions, nominations, documents and the life cycle."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core import cache
from technopark.core.errors import ConflictError, DomainError
from technopark.core.i18n import translated_fields
from technopark.core.services import log_action
from technopark.core.text import search_key
from technopark.core.transactions import email_after_commit
from technopark.events.models import Direction, Event, EventDocument, EventSession, Nomination, event_scope
from technopark.events.services.mail import notify_results
from technopark.events.services.registrations import lock_event, places_held, promote_waitlist
from technopark.projects.models import PUBLIC_PROJECTS

# The cache scope of the public calendar and event pages (cached for anonymous visitors, `core.cache`). A
# change of an event changes project passports too: they list the contests entered and their results.
PUBLIC_EVENTS = "events"

EVENT_FIELDS = frozenset(
    [
        *translated_fields("title"), *translated_fields("summary"), *translated_fields("description"),
        "image_alt", "kind", "audience", "level", "format", "directions", "venue_kind", "venue_lab",
        "venue_details", "online_url", "min_age", "max_age", "min_grade", "max_grade",
        "registration_opens_at", "registration_closes_at", "capacity", "needs_approval",
    ]
)  # fmt: skip
NOMINATION_FIELDS = frozenset(
    [*translated_fields("title"), "min_age", "max_age", "min_grade", "max_grade", "capacity", "position"]
)

# The life cycle (ISSUE: draft → published → registration open → closed → held → results → archived).
# Staff may also step back where people make mistakes: reopen registration, hide a published event
# again before anyone registered, take results back to correct them.
TRANSITIONS: dict[str, set[str]] = {
    Event.Status.DRAFT: {Event.Status.PUBLISHED},
    Event.Status.PUBLISHED: {Event.Status.DRAFT, Event.Status.REGISTRATION_OPEN, Event.Status.HELD},
    Event.Status.REGISTRATION_OPEN: {Event.Status.REGISTRATION_CLOSED},
    Event.Status.REGISTRATION_CLOSED: {Event.Status.REGISTRATION_OPEN, Event.Status.HELD},
    Event.Status.HELD: {Event.Status.RESULTS_PUBLISHED, Event.Status.ARCHIVED},
    Event.Status.RESULTS_PUBLISHED: {Event.Status.HELD, Event.Status.ARCHIVED},
    Event.Status.ARCHIVED: set(),
}


class EventError(DomainError):
    code = "event_error"


def _check(event: Event) -> None:
    if event.directions and not set(event.directions) <= set(Direction.values):
        raise EventError(_("Unknown direction."), code="unknown_direction", field="directions")
    if event.venue_kind == Event.VenueKind.LAB and not event.venue_lab:
        raise EventError(_("Choose the lab."), code="lab_required", field="venue_lab")
    if event.venue_kind in (Event.VenueKind.ROOM, Event.VenueKind.EXTERNAL) and not event.venue_details.strip():
        raise EventError(_("Give the room or the address."), code="venue_required", field="venue_details")
    if event.format in (Event.Format.ONLINE, Event.Format.MIXED) and not event.online_url:
        raise EventError(
            _("An online or mixed event needs the link participants will use."),
            code="link_required",
            field="online_url",
        )
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens and closes and closes <= opens:
        raise EventError(
            _("Registration must close after it opens."), code="registration_window", field="registration_closes_at"
        )


def _reindex(event: Event) -> None:
    event.search_text = search_key(event.title_ru, event.title_be, event.title_en, event.summary_ru)


def _apply(event: Event, values: dict[str, Any]) -> list[str]:
    unknown = set(values) - EVENT_FIELDS - {"image"}
    if unknown:
        raise EventError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}, code="unknown_field")
    changed = []
    for name, value in values.items():
        if name == "image" and value is None:
            continue
        if isinstance(value, str):
            value = value.strip()
        if getattr(event, name) != value:
            setattr(event, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def create_event(*, actor: User, co_organisers: list[Any] | None = None, **values: Any) -> Event:
    """A new event, as a draft nobody but staff sees. ``image`` must be checked (`core.files.validate_image`)."""
    event = Event(created_by=actor if getattr(actor, "pk", None) else None)
    _apply(event, values)
    _check(event)
    _reindex(event)
    event.full_clean()
    event.save()
    if co_organisers:
        event.co_organisers.set(co_organisers)
    log_action(event, "events.event.created", actor=actor, data={"kind": event.kind})
    return event


def _check_capacity(event: Event, capacity: int | None, nomination: Nomination | None = None) -> None:
    """Refuse a capacity below the places confirmed. The caller holds the event's row lock
    (`registrations.lock_event`), so no registration is confirmed between this count and the write."""
    if capacity is None:
        return
    held = places_held(event, nomination)
    if capacity < held:
        raise ConflictError(
            _(
                "The number of places cannot be lower than the places already confirmed (%(count)s). "
                "Cancel registrations first if fewer places are needed."
            )
            % {"count": held},
            code="capacity_below_confirmed",
            field="capacity",
        )


@transaction.atomic
def update_event(event: Event, *, actor: User, co_organisers: list[Any] | None = None, **values: Any) -> Event:
    """Change an event's announcement (event managers; the caller checks `events.access.access_event`).

    Only the fields in ``values`` that differ from the row as it is now are written (DOMAIN.md rule 12):
    the row is locked and read afresh, so a life-cycle step, new dates or registrations made since ``event``
    was loaded are never written back from it. Lowering the capacity below the places confirmed raises
    `ConflictError` (``capacity_below_confirmed``); raising it promotes the waiting list. The audit record
    names the changed fields. Returns the event as saved.
    """
    event = lock_event(event)
    old_image = event.image.name if event.image else ""
    changed = _apply(event, values)
    _check(event)
    if "capacity" in changed:
        _check_capacity(event, event.capacity)
    _reindex(event)
    event.full_clean()
    if changed:
        event.save(update_fields=[*changed, "search_text", "updated_at"])
    if co_organisers is not None:
        before = set(event.co_organisers.values_list("pk", flat=True))
        event.co_organisers.set(co_organisers)
        if before != {i.pk for i in co_organisers}:
            changed.append("co_organisers")
    if "capacity" in changed:
        # More places (or none limited): the waiting list moves up at once, under the same lock.
        promote_waitlist(event, actor=actor)
    if "image" in changed and old_image:
        storage = event.image.storage
        transaction.on_commit(lambda: storage.delete(old_image))
    if changed:
        log_action(event, "events.event.changed", actor=actor, data={"fields": sorted(changed)})
        if event.is_public:
            cache.changed(PUBLIC_EVENTS, PUBLIC_PROJECTS, event_scope(event.pk))
    return event


def _refresh_dates(event: Event) -> None:
    span = event.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    event.starts_at, event.ends_at = span["first"], span["last"]
    event.save(update_fields=["starts_at", "ends_at", "updated_at"])


@transaction.atomic
def set_sessions(event: Event, sessions: list[dict[str, Any]], *, actor: User) -> list[EventSession]:
    """Replace the event's sessions (a course has several) with ``sessions``: starts_at, ends_at, title,
    hours. Every one is checked; on an error nothing changes. Raises `EventError` naming the session."""
    if not sessions:
        raise EventError(_("An event needs at least one session with its date and time."), code="no_sessions")
    built = []
    for number, values in enumerate(sorted(sessions, key=lambda v: v["starts_at"]), start=1):
        session = EventSession(event=event, title=(values.get("title") or "").strip(), hours=values.get("hours"))
        session.starts_at, session.ends_at = values["starts_at"], values["ends_at"]
        if session.ends_at <= session.starts_at:
            raise EventError(_("Session %(number)s ends before it starts.") % {"number": number}, code="session_order")
        try:
            session.full_clean(exclude=["event"])
        except ValidationError as error:
            raise EventError(
                _("Session %(number)s: %(error)s") % {"number": number, "error": " ".join(error.messages)},
                code="session_invalid",
            ) from error
        built.append(session)
    event.sessions.all().delete()
    EventSession.objects.bulk_create(built)
    _refresh_dates(event)
    log_action(
        event,
        "events.sessions.set",
        actor=actor,
        data={"sessions": [[s.starts_at.isoformat(), s.ends_at.isoformat()] for s in built]},
    )
    if event.is_public:
        cache.changed(PUBLIC_EVENTS, PUBLIC_PROJECTS, event_scope(event.pk))
    return built


@transaction.atomic
def save_nomination(event: Event, *, actor: User, nomination: Nomination | None = None, **values: Any) -> Nomination:
    """Add a nomination to ``event`` or change one of its nominations (event managers).

    A change writes only the fields that differ from the nomination as it is now, read under the event's
    row lock. Lowering its capacity below the places confirmed in it raises `ConflictError`
    (``capacity_below_confirmed``); raising it promotes the waiting list.
    """
    unknown = set(values) - NOMINATION_FIELDS
    if unknown:
        raise EventError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}, code="unknown_field")
    event = lock_event(event)
    created = nomination is None
    if nomination is None:
        nomination = Nomination(event=event)
    else:
        nomination = Nomination.objects.get(pk=nomination.pk, event=event)
    changed = []
    for name, value in values.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(nomination, name) != value:
            setattr(nomination, name, value)
            changed.append(name)
    for low, high in (("min_age", "max_age"), ("min_grade", "max_grade")):
        a, b = getattr(nomination, low), getattr(nomination, high)
        if a is not None and b is not None and a > b:
            raise EventError(_("The lower limit is above the upper one."), code="range_order", field=high)
    if not created and "capacity" in changed:
        _check_capacity(event, nomination.capacity, nomination)
    nomination.full_clean()
    if created:
        nomination.save()
    elif changed:
        nomination.save(update_fields=changed)
    if not created and "capacity" in changed:
        promote_waitlist(event, actor=actor)
    log_action(
        event,
        "events.nomination.added" if created else "events.nomination.changed",
        actor=actor,
        data={"nomination": nomination.pk, "title": nomination.title_ru, "fields": sorted(changed)},
    )
    if event.is_public:
        cache.changed(PUBLIC_EVENTS, PUBLIC_PROJECTS, event_scope(event.pk))
    return nomination


@transaction.atomic
def delete_nomination(nomination: Nomination, *, actor: User) -> None:
    event = nomination.event
    log_action(event, "events.nomination.deleted", actor=actor, data={"title": nomination.title_ru})
    nomination.delete()
    if event.is_public:
        cache.changed(PUBLIC_EVENTS, PUBLIC_PROJECTS, event_scope(event.pk))


@transaction.atomic
def add_document(event: Event, *, actor: User, title: str, kind: str, file: UploadedFile) -> EventDocument:
    """Attach a document; ``file`` must already be checked (`core.files.validate_document`)."""
    document = EventDocument(event=event, title=title.strip(), kind=kind, file=file)
    document.full_clean()
    document.save()
    log_action(event, "events.document.added", actor=actor, data={"document": document.pk, "title": document.title})
    if event.is_public:
        cache.changed(PUBLIC_EVENTS, PUBLIC_PROJECTS, event_scope(event.pk))
    return document


@transaction.atomic
def delete_document(document: EventDocument, *, actor: User) -> None:
    event, name = document.event, document.file.name
    storage = document.file.storage
    log_action(event, "events.document.deleted", actor=actor, data={"title": document.title})
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
    if event.is_public:
        cache.changed(PUBLIC_EVENTS, PUBLIC_PROJECTS, event_scope(event.pk))


def _status_label(status: str) -> str:
    return str(Event.Status(status).label) if status in Event.Status.values else status


@transaction.atomic
def change_status(event: Event, status: str, *, actor: User) -> Event:
    """Move ``event`` one step along its life cycle (`TRANSITIONS`), audited.

    Publishing needs at least one session; opening registration needs the registration window to be
    open or to open later. Raises `ConflictError` for a step the life cycle does not allow.
    """
    event = lock_event(event)
    if status not in TRANSITIONS.get(event.status, set()):
        raise ConflictError(
            _("An event cannot go from “%(old)s” to “%(new)s”.")
            % {"old": event.get_status_display(), "new": _status_label(status)},
            code="status_transition",
        )
    if status == Event.Status.PUBLISHED and event.starts_at is None:
        raise EventError(_("Add the date and time of the event before publishing it."), code="no_sessions")
    closes = event.registration_closes_at
    if status == Event.Status.REGISTRATION_OPEN and closes and closes <= timezone.now():
        raise EventError(
                _("The registration deadline has passed; move it first."), code="registration_window",
                field="registration_closes_at",
            )  # fmt: skip
    old = event.status
    event.status = status
    event.save(update_fields=["status", "updated_at"])
    log_action(event, "events.event.status_changed", actor=actor, data={"from": old, "to": status})
    if status == Event.Status.RESULTS_PUBLISHED:
        email_after_commit(notify_results, event.pk)  # the e-mails go out from the worker
    cache.changed(PUBLIC_EVENTS, PUBLIC_PROJECTS, event_scope(event.pk))
    return event


def localise(day: dt.date, time: dt.time) -> dt.datetime:
    """A date and a wall-clock time in Minsk as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, time))
