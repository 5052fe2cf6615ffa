"""The day of the event and after it: check-in per session (by QR code or from the list), the reminders of
the day before, and the results per nomination."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core.services import log_action
from technopark.core.transactions import email_after_commit
from technopark.events.models import Attendance, Event, EventSession, Registration, Result
from technopark.events.services.mail import remind_registration
from technopark.events.services.registrations import RegistrationError, lock_event


def current_session(event: Event, *, now: dt.datetime | None = None) -> EventSession | None:
    """The session check-in is for: the one going on now, else today's next or last one, else the first."""
    now = now or timezone.now()
    sessions = list(event.sessions.order_by("starts_at", "id"))
    if not sessions:
        return None
    today = timezone.localtime(now).date()
    for session in sessions:
        if session.starts_at - dt.timedelta(hours=2) <= now <= session.ends_at:
            return session
    todays = [s for s in sessions if timezone.localtime(s.starts_at).date() == today]
    if todays:
        return todays[0]
    upcoming = [s for s in sessions if s.starts_at > now]
    return upcoming[0] if upcoming else sessions[-1]


@transaction.atomic
def check_in(registration: Registration, session: EventSession, *, actor: User) -> Attendance:
    """Mark ``registration`` present at ``session`` (one tap at the door; a second tap changes nothing).
    Only confirmed registrations come in; raises `RegistrationError` otherwise."""
    if registration.status != Registration.Status.CONFIRMED:
        raise RegistrationError(
            _("Not confirmed (%(status)s): check-in is for confirmed participants.")
            % {"status": registration.get_status_display().lower()},
            code="not_confirmed",
        )
    if session.event_id != registration.event_id:
        raise RegistrationError(_("This session belongs to another event."), code="session_invalid")
    attendance, created = Attendance.objects.get_or_create(
        registration=registration, session=session,
        defaults={"checked_in_by": actor if getattr(actor, "pk", None) else None},
    )  # fmt: skip
    if created:
        log_action(
            registration.event, "events.attendance.checked_in", actor=actor,
            data={"registration": registration.pk, "session": session.pk},
        )  # fmt: skip
    return attendance


@transaction.atomic
def undo_check_in(registration: Registration, session: EventSession, *, actor: User) -> None:
    deleted, _rows = Attendance.objects.filter(registration=registration, session=session).delete()
    if deleted:
        log_action(
            registration.event, "events.attendance.undone", actor=actor,
            data={"registration": registration.pk, "session": session.pk},
        )  # fmt: skip


AWARD_ORDER = ["first", "second", "third", "laureate", "participant"]


@transaction.atomic
def set_results(event: Event, results: dict[int, tuple[str, int | None]], *, actor: User) -> int:
    """Record the results of ``event``: for each confirmed registration id, an award and an optional place.
    An empty award removes a result. All rows are checked first; nothing is saved if one is wrong.
    Published results change only after staff take them back (the life cycle's step back to "held")."""
    event = lock_event(event)
    if event.status not in (Event.Status.HELD, Event.Status.REGISTRATION_CLOSED):
        raise RegistrationError(
            _("Results are entered after the event is held (and before they are published)."), code="results_locked"
        )
    registrations = {
        r.pk: r for r in event.registrations.filter(pk__in=list(results), status=Registration.Status.CONFIRMED)
    }
    unknown = set(results) - set(registrations)
    if unknown:
        raise RegistrationError(_("Some rows are not confirmed registrations of this event."), code="results_invalid")
    changed = 0
    for pk, (award, place) in results.items():
        if not award:
            changed += Result.objects.filter(registration_id=pk).delete()[0]
            continue
        if award not in Result.Award.values:
            raise RegistrationError(_("Unknown award."), code="award_invalid")
        Result.objects.update_or_create(registration_id=pk, defaults={"award": award, "place": place})
        changed += 1
    log_action(event, "events.results.saved", actor=actor, data={"rows": len(results), "changed": changed})
    return changed


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """The reminders of the day before: for each session that starts tomorrow (Minsk time), every confirmed
    registration gets an e-mail, once (the session keeps when they went). Run it from cron, hourly or daily
    (``manage.py send_event_reminders``); returns how many e-mails were queued."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    end = start + dt.timedelta(days=1)
    queued = 0
    sessions = EventSession.objects.filter(
        starts_at__gte=start, starts_at__lt=end, reminders_sent_at__isnull=True,
        event__status__in=[Event.Status.REGISTRATION_OPEN, Event.Status.REGISTRATION_CLOSED],
    )  # fmt: skip
    for session in sessions:
        with transaction.atomic():
            # Mark the session first, under its row lock: two cron runs at once send each reminder once.
            marked = EventSession.objects.filter(pk=session.pk, reminders_sent_at__isnull=True).update(
                reminders_sent_at=now
            )
            if not marked:
                continue
            ids = list(
                Registration.objects.filter(
                    event_id=session.event_id, status=Registration.Status.CONFIRMED
                ).values_list("pk", flat=True)
            )
            for registration_id in ids:
                email_after_commit(remind_registration, registration_id, session.pk)
            queued += len(ids)
            log_action(
                session.event, "events.reminders.sent", actor=None, data={"session": session.pk, "count": len(ids)}
            )
    return queued
