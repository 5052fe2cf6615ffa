"""Trainings and authorisations: registering for a training session (never beyond its places), the
instructor's marks (passing grants the authorisation), revocation, and telling holders before their
authorisation expires."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core.errors import ConflictError, DomainError
from technopark.core.locking import lock_row
from technopark.core.services import log_action
from technopark.labs.models import Authorisation, Equipment, Training, TrainingSeat, TrainingSession
from technopark.people.models import Person

# Holders hear about an expiring authorisation this many days before its last day.
REMIND_DAYS_BEFORE = 14


class TrainingError(DomainError):
    code = "training_refused"


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last_day))


@transaction.atomic
def grant_authorisation(
    person: Person, *, actor: User, kind: str, months: int, day: dt.date | None = None
) -> Authorisation:
    """The person may use ``kind`` for ``months`` months from ``day`` (after a passed training)."""
    if kind not in Equipment.Kind.values:
        raise TrainingError(_("Unknown kind of equipment."), code="kind_invalid", field="kind")
    if not 1 <= months <= 60:
        raise TrainingError(_("An authorisation lasts 1 to 60 months."), code="months_invalid", field="months")
    start = day or timezone.localdate()
    expires = _add_months(start, months) - dt.timedelta(days=1)
    authorisation = Authorisation.objects.create(
        person=person, kind=kind, granted_at=start, expires_on=expires,
        granted_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    log_action(person, "labs.authorisation.granted", actor=actor, data={"kind": kind, "until": expires.isoformat()})
    return authorisation


@transaction.atomic
def revoke_authorisation(authorisation: Authorisation, *, actor: User, reason: str) -> Authorisation:
    if authorisation.revoked_at is not None:
        raise ConflictError(_("This authorisation is already revoked."), code="already_revoked")
    if not reason.strip():
        raise TrainingError(_("Say why the authorisation is revoked."), code="reason_required", field="reason")
    authorisation.revoked_at = timezone.now()
    authorisation.revoke_reason = reason.strip()[:300]
    authorisation.save(update_fields=["revoked_at", "revoke_reason", "updated_at"])
    log_action(
        authorisation.person, "labs.authorisation.revoked", actor=actor,
        data={"kind": authorisation.kind, "why": authorisation.revoke_reason},
    )  # fmt: skip
    return authorisation


@transaction.atomic
def schedule_training(
    training: Training, *, actor: User, lab: Any, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int,
    instructor: Any = None,
) -> TrainingSession:  # fmt: skip
    if ends_at <= starts_at:
        raise TrainingError(_("The end must be after the start."), code="span_invalid", field="ends_at")
    session = TrainingSession(
        training=training, lab=lab, starts_at=starts_at, ends_at=ends_at, capacity=capacity, instructor=instructor
    )
    session.full_clean()
    session.save()
    log_action(training, "labs.training.scheduled", actor=actor, data={"session": session.pk})
    return session


def places_left(session: TrainingSession) -> int:
    taken = session.seats.exclude(status=TrainingSeat.Status.CANCELLED).count()
    return max(0, session.capacity - taken)


@transaction.atomic
def register_for_training(session: TrainingSession, person: Person, *, actor: User) -> TrainingSeat:
    """A place in ``session`` while places last (the session's row is locked before counting, as for
    events), refused with the reason otherwise."""
    session = lock_row(TrainingSession.objects.select_related("training"), session.pk)
    if session.starts_at <= timezone.now():
        raise TrainingError(_("This training has already started."), code="training_started")
    if places_left(session) <= 0:
        raise TrainingError(_("No places are left in this training; choose another date."), code="training_full")
    try:
        with transaction.atomic():
            seat = TrainingSeat.objects.create(
                session=session, person=person, registered_by=actor if getattr(actor, "pk", None) else None
            )
    except IntegrityError:
        raise ConflictError(
            _("%(name)s is already registered for this training.") % {"name": person.short_name},
            code="already_registered",
        ) from None
    log_action(
        session.training, "labs.training.registered", actor=actor, data={"session": session.pk, "person": person.pk}
    )
    return seat


@transaction.atomic
def cancel_training_seat(seat: TrainingSeat, *, actor: User) -> TrainingSeat:
    """Give up a place that is still only registered for. On the seat's row as it is now (locked): a seat
    the instructor marked meanwhile is refused, its mark never overwritten. Raises `ConflictError`."""
    seat = lock_row(TrainingSeat.objects.select_related("session__training"), seat.pk)
    if seat.status != TrainingSeat.Status.REGISTERED:
        raise ConflictError(_("This place cannot be cancelled now."), code="seat_closed")
    seat.status = TrainingSeat.Status.CANCELLED
    seat.save(update_fields=["status", "updated_at"])
    log_action(seat.session.training, "labs.training.cancelled", actor=actor, data={"seat": seat.pk})
    return seat


@transaction.atomic
def mark_training(seat: TrainingSeat, *, actor: User, passed: bool) -> Authorisation | None:
    """The instructor marks the outcome; passing grants the authorisation for the training's months from
    the day of the session. Marking again replaces the mark (and the authorisation it granted)."""
    seat = lock_row(TrainingSeat.objects.select_related("session__training", "person"), seat.pk)
    if seat.status == TrainingSeat.Status.CANCELLED:
        raise ConflictError(_("This place was cancelled."), code="seat_closed")
    training = seat.session.training
    day = timezone.localtime(seat.session.starts_at).date()
    previous = Authorisation.objects.filter(
        person=seat.person, kind=training.kind, granted_at=day, revoked_at__isnull=True
    ).first()
    seat.status = TrainingSeat.Status.PASSED if passed else TrainingSeat.Status.FAILED
    seat.save(update_fields=["status", "updated_at"])
    log_action(training, "labs.training.marked", actor=actor, data={"seat": seat.pk, "passed": passed})
    if not passed:
        if previous is not None:
            revoke_authorisation(previous, actor=actor, reason=gettext("The training mark was changed"))
        return None
    if previous is not None:
        return previous
    return grant_authorisation(seat.person, actor=actor, kind=training.kind, months=training.valid_months, day=day)


def send_expiry_reminders(*, today: dt.date | None = None) -> int:
    """E-mail holders whose authorisation ends within `REMIND_DAYS_BEFORE` days, once each; run daily
    from cron (``manage.py send_authorisation_reminders``). Returns how many were told."""
    today = today or timezone.localdate()
    due = Authorisation.objects.filter(
        revoked_at__isnull=True, reminded_at__isnull=True, expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
    ).select_related("person__user")  # fmt: skip
    told = 0
    for authorisation in due:
        # A newer authorisation of the same kind makes the reminder pointless.
        if Authorisation.objects.filter(
            person=authorisation.person, kind=authorisation.kind, revoked_at__isnull=True,
            expires_on__gt=authorisation.expires_on,
        ).exists():  # fmt: skip
            continue
        person = authorisation.person
        to = [address for address in {person.email, person.user.email if person.user else ""} if address]
        guardians = person.guardianships.select_related("guardian")
        to += [link.guardian.email for link in guardians if link.guardian.email]
        marked = Authorisation.objects.filter(pk=authorisation.pk, reminded_at__isnull=True).update(
            reminded_at=timezone.now()
        )
        if not marked or not to:
            continue
        kind = authorisation.get_kind_display()
        subject = gettext("Your authorisation for %(kind)s ends on %(day)s") % {
            "kind": kind.lower(), "day": f"{authorisation.expires_on:%d.%m.%Y}",
        }  # fmt: skip
        body = "\n".join([
            gettext("%(name)s may use %(kind)s until %(day)s.") % {
                "name": person.full_name, "kind": kind.lower(), "day": f"{authorisation.expires_on:%d.%m.%Y}",
            },
            gettext("To go on using it, sign up for the training again:"),
            settings.SITE_URL.rstrip("/") + "/labs/trainings/",
        ])  # fmt: skip
        EmailMessage(subject, body, to=sorted(set(to))).send()
        told += 1
    return told
