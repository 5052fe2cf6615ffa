"""Bookings: one or weekly, approval, cancellation, maintenance blocks, use and no-shows, the equipment's
status, and the e-mails about bookings.

Rule 2 of DOMAIN.md (no overlap of one unit; never more units than a pool owns): `book` locks the
equipment's row first (`core.locking`: a row lock on PostgreSQL; on SQLite the IMMEDIATE transaction makes
writers queue), reads which units are held in the span, and holds free ones (`BookingUnit`). A whole-lab
booking locks the lab's row, then its equipment's (`core.locking.LOCK_ORDER`). On PostgreSQL an exclusion
constraint on the held units refuses an overlap even if that order were broken; a write it refuses, or a
deadlock between two such writes, is answered as the overlap it is (`_refusing_overlaps`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core import cache
from technopark.core.bounds import LATEST_DATE
from technopark.core.errors import ConflictError, DomainError
from technopark.core.locking import is_deadlock, lock_row, lock_rows
from technopark.core.services import log_action
from technopark.core.transactions import email_after_commit
from technopark.labs import selectors
from technopark.labs.access import may_book_labs, may_book_without_approval, may_decide, may_supervise
from technopark.labs.models import BOOKINGS, PUBLIC_LABS, Booking, BookingUnit, Equipment, EquipmentStatusChange, Lab
from technopark.labs.services.mail import local_moment, notify_booking
from technopark.people.models import ConsentPurpose, Person
from technopark.people.selectors import GUARDIAN, counted_age_on, giver_rule, may_process

# How far ahead people may book.
HORIZON_DAYS = 120
# The most weeks one weekly booking holds (maintenance, which has no horizon, included).
MAX_SERIES_WEEKS = 60


class BookingError(DomainError):
    code = "booking_refused"


def lock_equipment(equipment: Equipment) -> Equipment:
    """The equipment's row as it is now (with its lab), locked until the transaction ends: take it before
    reading the held units. Only the equipment's row, not its lab's: bookings of other machines of the lab
    do not queue behind it."""
    return lock_row(Equipment.objects.select_related("lab"), equipment.pk)


def lock_labs(lab_ids: set[int]) -> None:
    """Lock the rows of these labs. A whole-lab booking locks its lab before its equipment, and so does a
    change of the lab's equipment (`setup.save_equipment`), before it writes: of two such at the same moment
    the later one waits and then reads what the first wrote (on PostgreSQL each statement reads anew, but the
    rows a waiting SELECT … FOR UPDATE locks were chosen before it waited, so locking the equipment alone
    would miss a machine added meanwhile). A booking of one machine never locks a lab."""
    if lab_ids:
        lock_rows(Lab.objects.filter(pk__in=lab_ids))


def lock_lab_equipment(lab: Lab) -> list[Equipment]:
    """Every equipment row of ``lab``, locked, for a whole-lab booking, after the lab's own row (`lock_labs`):
    a booking of any of its machines waits until ours is written."""
    lock_labs({lab.pk})
    return lock_rows(Equipment.objects.filter(lab=lab))


@contextmanager
def _refusing_overlaps() -> Iterator[None]:
    """Around a booking's transaction: what PostgreSQL refuses when two bookings of the same units are written
    at once is answered as the overlap it is (409), never a 500. Were the lock missing, the exclusion
    constraint on the held units refuses the later one (`IntegrityError`), or, when both inserted before
    either checked, each waits for the other's check: a deadlock, broken by aborting one of them. Nothing
    else in a booking's transaction waits in a cycle (`core.locking.LOCK_ORDER`)."""
    try:
        yield
    except IntegrityError:
        raise ConflictError(_("This time was just taken; choose another."), code="overlap") from None
    except OperationalError as error:
        if not is_deadlock(error):
            raise
        raise ConflictError(_("This time was just taken; choose another."), code="overlap") from None


def check_rules(
    equipment: Equipment,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    units: int,
    purpose: str,
    person: Person | None,
    now: dt.datetime,
) -> None:
    """Every rule but the overlap, each refusal naming the rule (``code``) in the user's language."""
    if ends_at <= starts_at:
        raise BookingError(_("The end must be after the start."), code="span_invalid", field="ends_at")
    _check_equipment_row(equipment, units=units, purpose=purpose)
    if purpose == Booking.Purpose.MAINTENANCE:
        return  # staff block any time, outside hours too; the other rules are for users
    _check_time(starts_at, now, purpose=purpose)
    if ends_at - starts_at > dt.timedelta(hours=equipment.max_hours):
        raise BookingError(
            _("A booking of %(kind)s lasts at most %(hours)s h.")
            % {"kind": equipment.get_kind_display().lower(), "hours": equipment.max_hours},
            code="too_long", field="ends_at",
        )  # fmt: skip
    _check_hours(equipment.lab, starts_at, ends_at)
    # A lesson is the teacher's: its pupils are the teacher's responsibility, so the rules of age, authorisation
    # and consent are asked of whoever uses a machine for project work, never of the adult who books a lesson.
    if person is None or purpose == Booking.Purpose.LESSON:
        return
    day = timezone.localtime(starts_at).date()
    # A confirmed date of birth only: a child's own typing never meets a machine's minimum age.
    age = counted_age_on(person, day) if equipment.min_age is not None else None
    if equipment.min_age is not None and (age is None or age < equipment.min_age):
        raise BookingError(
            _("%(name)s may be used from the age of %(age)s.") % {"name": equipment.name, "age": equipment.min_age},
            code="too_young",
        )
    if equipment.requires_authorisation and not selectors.is_authorised(person, equipment.kind, day):
        raise BookingError(
            _("%(person)s has no valid authorisation for %(kind)s: pass the safety training first.")
            % {"person": person.short_name, "kind": equipment.get_kind_display().lower()},
            code="authorisation_required",
        )
    if (
        equipment.requires_authorisation
        and giver_rule(person, day) == GUARDIAN
        and not may_process(person, ConsentPurpose.PARTICIPATION)
    ):
        raise BookingError(
            _("%(person)s is under 16: a guardian's consent is needed to use this equipment.")
            % {"person": person.short_name}
            if person.birth_date_confirmed
            else _(
                "%(person)s: the date of birth is not confirmed, so a guardian's consent is needed to use this "
                "equipment."
            )
            % {"person": person.short_name},
            code="consent_required",
        )


def _check_equipment_row(equipment: Equipment, *, units: int, purpose: str) -> None:
    """The rules that read the equipment's row (checked again on the row just locked: staff may change it)."""
    if units < 1 or units > equipment.units:
        raise BookingError(
            _("%(name)s has %(count)s units; you asked for %(units)s.")
            % {"name": equipment.name, "count": equipment.units, "units": units},
            code="too_many_units", field="units",
        )  # fmt: skip
    if purpose != Booking.Purpose.MAINTENANCE and equipment.status != Equipment.Status.IN_SERVICE:
        raise BookingError(
            _("%(name)s is not in service now (%(status)s).")
            % {"name": equipment.name, "status": equipment.get_status_display().lower()},
            code="equipment_unavailable",
        )


def school_year_end(today: dt.date) -> dt.date:
    """The last day of the school year ``today`` is in (`SCHOOL_YEAR_ENDS`, "MM-DD", 31 May by default)."""
    month, day = (int(part) for part in settings.SCHOOL_YEAR_ENDS.split("-"))
    end = dt.date(today.year, month, day)
    return end if today <= end else dt.date(today.year + 1, month, day)


def horizon(purpose: str, now: dt.datetime) -> dt.datetime:
    """The latest start a booking may have: `HORIZON_DAYS` ahead, and for a teacher's lessons the end of the
    school year when that is later (a term's timetable is booked once, in September or January)."""
    limit = now + dt.timedelta(days=HORIZON_DAYS)
    if purpose == Booking.Purpose.LESSON:
        last_day = school_year_end(timezone.localdate(now))
        limit = max(limit, timezone.make_aware(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time())))
    return limit


def _check_time(starts_at: dt.datetime, now: dt.datetime, *, purpose: str) -> None:
    if starts_at < now:
        raise BookingError(_("The start is in the past."), code="in_the_past", field="starts_at")
    limit = horizon(purpose, now)
    if starts_at >= limit:
        last_day = timezone.localtime(limit - dt.timedelta(microseconds=1)).date()
        raise BookingError(
            _("Bookings can start until %(date)s.") % {"date": last_day.strftime("%d.%m.%Y")},
            code="beyond_horizon", field="starts_at",
        )  # fmt: skip


def _check_hours(lab: Lab, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if not selectors.within_opening_hours(lab, starts_at, ends_at):
        raise BookingError(
            _("The lab is closed at that time; see its opening hours."), code="outside_hours", field="starts_at"
        )


def check_lab_rules(lab: Lab, *, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> None:
    """The rules of a group lesson in the whole lab: the span, the past, the horizon, its length, the lab's
    hours. No person's rules: the lesson is the teacher's, and whoever uses a machine in it is the
    teacher's responsibility, as with a lesson on a machine (authorisations are asked of project work)."""
    if ends_at <= starts_at:
        raise BookingError(_("The end must be after the start."), code="span_invalid", field="ends_at")
    _check_time(starts_at, now, purpose=Booking.Purpose.LESSON)
    if ends_at - starts_at > dt.timedelta(hours=Lab.MAX_LESSON_HOURS):
        raise BookingError(
            _("A lesson in the whole lab lasts at most %(hours)s h.") % {"hours": Lab.MAX_LESSON_HOURS},
            code="too_long", field="ends_at",
        )  # fmt: skip
    _check_hours(lab, starts_at, ends_at)


def _free_units(equipment: Equipment, starts_at: dt.datetime, ends_at: dt.datetime, units: int) -> list[int]:
    """``units`` unit numbers free for the whole span, or `ConflictError` naming the conflict."""
    taken = selectors.held_units(equipment, starts_at, ends_at)
    free = [unit for unit in range(1, equipment.units + 1) if unit not in taken][:units]
    if len(free) < units:
        if equipment.units == 1:
            message = _("%(name)s is already booked at that time.") % {"name": equipment.name}
        else:
            message = _("Only %(free)s of %(count)s units of %(name)s are free at that time.") % {
                "free": equipment.units - len(taken), "count": equipment.units, "name": equipment.name,
            }  # fmt: skip
        raise ConflictError(message, code="overlap")
    return free


def _hold(equipment: Equipment, booking: Booking) -> None:
    """Hold ``booking.units`` free units of ``equipment`` in its span, or refuse naming the conflict."""
    free = _free_units(equipment, booking.starts_at, booking.ends_at, booking.units)
    BookingUnit.objects.bulk_create(
        BookingUnit(booking=booking, equipment=equipment, unit=unit, starts_at=booking.starts_at,
                    ends_at=booking.ends_at)
        for unit in free
    )  # fmt: skip


def _needs_approval(actor: User, purpose: str, person: Person | None) -> bool:
    """A student's own project booking waits for the supervising teacher; teachers and staff book outright."""
    return purpose == Booking.Purpose.PROJECT and not may_book_without_approval(actor)


def supervisor_not_allowed() -> BookingError:
    """The refusal of an approver who may not approve the student's work, whoever they are (or if nobody)."""
    return BookingError(
        _("Only a teacher of the student's school or the labs' staff can approve this booking; choose one of "
          "them."),
        code="supervisor_not_allowed", field="supervisor",
    )  # fmt: skip


def _check_supervisor(supervisor: Person | None, person: Person | None) -> None:
    """A named approver must be one who may approve ``person``'s work (`labs.access.may_supervise`): the page
    offers only them, and the API is held to the same rule."""
    if supervisor is not None and not may_supervise(supervisor, person):
        raise supervisor_not_allowed()


def _booking_changed(booking: Booking, *, machines: list[int] | None = None) -> None:
    """What shows ``booking`` is read anew once it commits: its machine's and its lab's weeks and pages, and
    the search. A lesson in the whole lab holds every machine of it (``machines``: their ids, when known).
    Another machine's week stays kept (`core.cache`)."""
    if booking.lab_id is not None:
        if machines is None:
            machines = list(Equipment.objects.filter(lab_id=booking.lab_id).values_list("pk", flat=True))
        cache.changed(BOOKINGS, ("lab", booking.lab_id), *(("equipment", pk) for pk in machines))
    elif booking.equipment is not None:
        cache.changed(BOOKINGS, ("lab", booking.equipment.lab_id), ("equipment", booking.equipment_id))


def _new_booking(
    equipment: Equipment, *, actor: User, starts_at: dt.datetime, ends_at: dt.datetime, units: int, purpose: str,
    person: Person | None, supervisor: Person | None, note: str, series: uuid.UUID | None,
) -> Booking:  # fmt: skip
    if purpose == Booking.Purpose.PROJECT and supervisor is None and _needs_approval(actor, purpose, person):
        raise BookingError(
            _("Choose the supervising teacher who approves the booking."), code="supervisor_required",
            field="supervisor",
        )  # fmt: skip
    _check_supervisor(supervisor, person)
    booking = Booking(
        equipment=equipment, units=units, starts_at=starts_at, ends_at=ends_at, purpose=purpose, person=person,
        supervisor=supervisor, note=note.strip()[:300], series=series,
        status=Booking.Status.PENDING_APPROVAL if _needs_approval(actor, purpose, person) else Booking.Status.CONFIRMED,
        booked_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    booking.save()
    _hold(equipment, booking)
    _booking_changed(booking)
    return booking


def book(
    equipment: Equipment,
    *,
    actor: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    units: int = 1,
    person: Person | None = None,
    supervisor: Person | None = None,
    note: str = "",
) -> Booking:
    """Book ``units`` of ``equipment`` from ``starts_at`` to ``ends_at``. The caller's access rule decides
    whether ``actor`` may book for ``person`` (`labs.access.may_book_for`). Raises `BookingError` naming the
    rule, or `ConflictError` (``overlap``) when the time is taken."""
    now = timezone.now()
    # The rules and the free units first, without the lock: a request that is refused anyway (most of a rush
    # for one slot) does not queue for the write lock. Under the lock only what it protects is read again:
    # the equipment's row (status, units) and the held units (in `_hold`). The time, the lab's hours and the
    # person's authorisation are not the lock's to guard; checking them twice only doubled the cost.
    check_rules(equipment, starts_at=starts_at, ends_at=ends_at, units=units, purpose=purpose, person=person, now=now)
    _free_units(equipment, starts_at, ends_at, units)
    with _refusing_overlaps(), transaction.atomic():
        equipment = lock_equipment(equipment)
        _check_equipment_row(equipment, units=units, purpose=purpose)
        booking = _new_booking(
            equipment, actor=actor, starts_at=starts_at, ends_at=ends_at, units=units, purpose=purpose,
            person=person, supervisor=supervisor, note=note, series=None,
        )  # fmt: skip
        log_action(booking, "labs.booking.created", actor=actor, data=_summary(booking))
    email_after_commit(notify_booking, booking.pk, "created")
    return booking


def _summary(booking: Booking) -> dict[str, Any]:
    return {
        "equipment": booking.equipment_id, "lab": booking.lab_id, "units": booking.units,
        "from": booking.starts_at.isoformat(), "to": booking.ends_at.isoformat(), "status": booking.status,
    }  # fmt: skip


@dataclass
class SeriesConflict:
    starts_at: dt.datetime
    reason: str


class SeriesError(BookingError):
    """A weekly series that cannot be booked whole: every conflicting date with its reason."""

    code = "series_conflicts"

    def __init__(self, conflicts: list[SeriesConflict]) -> None:
        lines = "; ".join(f"{local_moment(c.starts_at)[:10]}: {c.reason}" for c in conflicts)
        super().__init__(_("Nothing was booked. Dates that conflict: %(lines)s") % {"lines": lines})
        self.conflicts = conflicts


def weekly_dates(starts_at: dt.datetime, ends_at: dt.datetime, until: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The same local times every week from the first occurrence up to ``until`` (Minsk time, so a lesson
    stays at 15:00 whatever the offset)."""
    first_start, first_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    spans = []
    week = 0
    while (day := first_start.date() + dt.timedelta(weeks=week)) <= until:
        start = timezone.make_aware(dt.datetime.combine(day, first_start.time().replace(tzinfo=None)))
        end = timezone.make_aware(
            dt.datetime.combine(day + (first_end.date() - first_start.date()), first_end.time().replace(tzinfo=None))
        )
        spans.append((start, end))
        week += 1
    return spans


def last_series_day(starts_at: dt.datetime, *, purpose: str, now: dt.datetime) -> dt.date:
    """The last day a weekly series starting at ``starts_at`` may repeat until: at most ``MAX_SERIES_WEEKS``
    weeks, and (but for maintenance) no occurrence beyond the booking horizon."""
    first = timezone.localtime(starts_at)
    last = first.date() + dt.timedelta(weeks=MAX_SERIES_WEEKS - 1) if first.date() < LATEST_DATE else first.date()
    if purpose != Booking.Purpose.MAINTENANCE:
        limit = timezone.localtime(horizon(purpose, now) - dt.timedelta(microseconds=1))
        last_within = limit.date() if first.time() <= limit.time() else limit.date() - dt.timedelta(days=1)
        last = min(last, last_within)
    return last


def _series_spans(
    starts_at: dt.datetime, ends_at: dt.datetime, until: dt.date, *, purpose: str, now: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    # `until` is checked before a single week is generated: a series until 9998-12-31 made 417 000 of them
    # (8 s) before it was refused, and one until 9999-12-31 ran past the last date Python has (a 500).
    last = last_series_day(starts_at, purpose=purpose, now=now)
    if until > last:
        raise BookingError(
            _("A weekly booking can repeat until %(date)s at the latest.") % {"date": last.strftime("%d.%m.%Y")},
            code="series_too_long", field="until",
        )  # fmt: skip
    spans = weekly_dates(starts_at, ends_at, until)
    if len(spans) < 2:
        raise BookingError(_("A weekly booking needs at least two weeks."), code="series_too_short", field="until")
    return spans


def book_weekly(
    equipment: Equipment,
    *,
    actor: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    until: dt.date,
    purpose: str,
    units: int = 1,
    person: Person | None = None,
    note: str = "",
) -> list[Booking]:
    """Book the same span every week up to ``until`` (a term's lessons), whole or not at all: every date is
    checked first, and `SeriesError` lists each conflicting one with its reason before anything is saved."""
    now = timezone.now()
    spans = _series_spans(starts_at, ends_at, until, purpose=purpose, now=now)
    series = uuid.uuid4()
    with _refusing_overlaps(), transaction.atomic():
        equipment = lock_equipment(equipment)
        conflicts = []
        for start, end in spans:
            try:
                check_rules(
                    equipment, starts_at=start, ends_at=end, units=units, purpose=purpose, person=person, now=now
                )
                taken = selectors.held_units(equipment, start, end)
                if equipment.units - len(taken) < units:
                    raise ConflictError(
                        _("only %(free)s of %(count)s units are free")
                        % {"free": equipment.units - len(taken), "count": equipment.units},
                        code="overlap",
                    )
            except DomainError as refusal:
                conflicts.append(SeriesConflict(start, str(refusal.message)))
        if conflicts:
            raise SeriesError(conflicts)
        bookings = [
            _new_booking(
                equipment,
                actor=actor,
                starts_at=start,
                ends_at=end,
                units=units,
                purpose=purpose,
                person=person,
                supervisor=None,
                note=note,
                series=series,
            )
            for start, end in spans
        ]
        log_action(
            equipment, "labs.booking.series_created", actor=actor,
            data={"series": str(series), "count": len(bookings), "units": units},
        )  # fmt: skip
    return bookings


# --- The whole lab for a group lesson ----------------------------------------------------------------------


def _may_book_lab(actor: User) -> None:
    if not may_book_labs(actor):
        raise BookingError(
            _("A whole lab is booked for a group lesson by a teacher or the centre's staff."), code="lessons_only"
        )


def _lab_equipment(lab: Lab) -> list[Equipment]:
    """The lab's equipment, locked; every unit of each is held by a whole-lab booking, whatever its status
    (a machine back from repair during the lesson is the lesson's), so two lessons in one lab collide on
    the same units as any other booking."""
    equipment = lock_lab_equipment(lab)
    if not equipment:
        raise BookingError(_("This lab has no equipment to book yet."), code="lab_without_equipment")
    return equipment


def _lab_in_the_way(equipment: list[Equipment], starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """What holds some unit of the lab in the span, named (equipment and time); empty when all is free."""
    taken = selectors.holdings(equipment, starts_at, ends_at)
    if not taken:
        return ""
    shown = [f"{name} {local_moment(start)[11:]}–{timezone.localtime(end):%H:%M}" for name, start, end in taken[:5]]
    if len(taken) > 5:
        shown.append(gettext("and %(count)s more") % {"count": len(taken) - 5})
    return ", ".join(shown)


def _new_lab_booking(
    lab: Lab, equipment: list[Equipment], *, actor: User, starts_at: dt.datetime, ends_at: dt.datetime, note: str,
    series: uuid.UUID | None,
) -> Booking:  # fmt: skip
    booking = Booking.objects.create(
        lab=lab, units=sum(item.units for item in equipment), starts_at=starts_at, ends_at=ends_at,
        purpose=Booking.Purpose.LESSON, status=Booking.Status.CONFIRMED, note=note.strip()[:300], series=series,
        booked_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    BookingUnit.objects.bulk_create(
        BookingUnit(booking=booking, equipment=item, unit=unit, starts_at=starts_at, ends_at=ends_at)
        for item in equipment
        for unit in range(1, item.units + 1)
    )
    _booking_changed(booking, machines=[item.pk for item in equipment])
    return booking


def book_lab(lab: Lab, *, actor: User, starts_at: dt.datetime, ends_at: dt.datetime, note: str = "") -> Booking:
    """Book the whole ``lab`` for a group lesson: every unit of its equipment, all or nothing. Teachers and
    the centre's staff (`labs.access.may_book_labs`). Raises `BookingError` naming the rule, or
    `ConflictError` (``overlap``) naming what is in the way."""
    _may_book_lab(actor)
    now = timezone.now()
    check_lab_rules(lab, starts_at=starts_at, ends_at=ends_at, now=now)
    with _refusing_overlaps(), transaction.atomic():
        equipment = _lab_equipment(lab)
        in_the_way = _lab_in_the_way(equipment, starts_at, ends_at)
        if in_the_way:
            raise ConflictError(_("The lab is not free at that time: %(what)s.") % {"what": in_the_way}, code="overlap")
        booking = _new_lab_booking(
            lab, equipment, actor=actor, starts_at=starts_at, ends_at=ends_at, note=note, series=None
        )
        log_action(booking, "labs.booking.created", actor=actor, data=_summary(booking))
    email_after_commit(notify_booking, booking.pk, "created")
    return booking


def book_lab_weekly(
    lab: Lab, *, actor: User, starts_at: dt.datetime, ends_at: dt.datetime, until: dt.date, note: str = ""
) -> list[Booking]:
    """The whole ``lab`` every week up to ``until`` (a term's lessons), whole or not at all: `SeriesError`
    lists each conflicting date with its reason (a rule, or what is in the way) before anything is saved."""
    _may_book_lab(actor)
    now = timezone.now()
    spans = _series_spans(starts_at, ends_at, until, purpose=Booking.Purpose.LESSON, now=now)
    series = uuid.uuid4()
    with _refusing_overlaps(), transaction.atomic():
        equipment = _lab_equipment(lab)
        conflicts = []
        for start, end in spans:
            try:
                check_lab_rules(lab, starts_at=start, ends_at=end, now=now)
            except DomainError as refusal:
                conflicts.append(SeriesConflict(start, str(refusal.message)))
                continue
            if in_the_way := _lab_in_the_way(equipment, start, end):
                conflicts.append(SeriesConflict(start, str(_("in the way: %(what)s") % {"what": in_the_way})))
        if conflicts:
            raise SeriesError(conflicts)
        bookings = [
            _new_lab_booking(lab, equipment, actor=actor, starts_at=start, ends_at=end, note=note, series=series)
            for start, end in spans
        ]
        log_action(
            lab, "labs.booking.series_created", actor=actor,
            data={"series": str(series), "count": len(bookings), "lab": lab.code},
        )  # fmt: skip
    return bookings


def _release(
    booking: Booking, status: str, *, actor: User | None, action: str, data: dict[str, Any] | None = None
) -> None:
    booking.status = status
    booking.decided_by = actor if getattr(actor, "pk", None) else None
    booking.save(update_fields=["status", "decided_by", "updated_at"])
    booking.held_units.update(active=False)
    _booking_changed(booking)
    log_action(booking, action, actor=actor, data=data or {})


@transaction.atomic
def cancel_booking(booking: Booking, *, actor: User | None, any_time: bool = False, reason: str = "") -> Booking:
    """Cancel until the start (staff at any time); the units are free at once."""
    booking = lock_row(Booking, booking.pk)
    if not booking.is_holding:
        raise ConflictError(_("This booking is already cancelled."), code="booking_ended")
    if not any_time and booking.starts_at <= timezone.now():
        raise BookingError(_("A booking can be cancelled until its start."), code="cancellation_closed")
    _release(booking, Booking.Status.CANCELLED, actor=actor, action="labs.booking.cancelled", data={"why": reason})
    return booking


@transaction.atomic
def decide_booking(booking: Booking, *, actor: User, approve: bool) -> Booking:
    """The supervising teacher approves a student's booking (it was holding its place) or rejects it; a lab
    manager may too. Raises `BookingError` (``not_the_approver``) for anyone else, including a person named
    as the approver who may not approve the student's work (`labs.access.may_decide`), and `ConflictError`
    when the booking no longer awaits approval."""
    booking = lock_row(Booking, booking.pk)
    if not may_decide(actor, booking):
        raise BookingError(
            _("Only the supervising teacher of the student's school or the labs' staff can decide on this "
              "booking."),
            code="not_the_approver",
        )  # fmt: skip
    if booking.status != Booking.Status.PENDING_APPROVAL:
        raise ConflictError(_("This booking is not awaiting approval."), code="not_pending")
    if approve:
        booking.status = Booking.Status.CONFIRMED
        booking.decided_by = actor if getattr(actor, "pk", None) else None
        booking.save(update_fields=["status", "decided_by", "updated_at"])
        _booking_changed(booking)
        log_action(booking, "labs.booking.approved", actor=actor)
    else:
        _release(booking, Booking.Status.REJECTED, actor=actor, action="labs.booking.rejected")
    email_after_commit(notify_booking, booking.pk, "approved" if approve else "rejected")
    return booking


def maintenance_conflicts(equipment: Equipment, starts_at: dt.datetime, ends_at: dt.datetime) -> list[Booking]:
    """The bookings a maintenance block would displace, for staff to see before they confirm it."""
    # Through the held units: a lesson in the whole lab holds this machine too.
    return list(
        Booking.objects.filter(
            pk__in=BookingUnit.objects.filter(
                equipment=equipment, active=True, starts_at__lt=ends_at, ends_at__gt=starts_at
            ).values("booking_id")
        )
        .exclude(purpose=Booking.Purpose.MAINTENANCE)
        .select_related("person", "booked_by", "lab")
    )


def block_for_maintenance(
    equipment: Equipment, *, actor: User, starts_at: dt.datetime, ends_at: dt.datetime, note: str
) -> tuple[Booking, list[Booking]]:
    """Block every unit for maintenance. The bookings in the way are cancelled, each holder told by e-mail
    with the reason; the caller showed them to staff first (`maintenance_conflicts`)."""
    with transaction.atomic():
        equipment = lock_equipment(equipment)
        check_rules(
            equipment, starts_at=starts_at, ends_at=ends_at, units=equipment.units,
            purpose=Booking.Purpose.MAINTENANCE, person=None, now=timezone.now(),
        )  # fmt: skip
        displaced = maintenance_conflicts(equipment, starts_at, ends_at)
        for booking in displaced:
            _release(
                booking, Booking.Status.CANCELLED, actor=actor, action="labs.booking.cancelled",
                data={"why": "maintenance", "note": note},
            )  # fmt: skip
            email_after_commit(notify_booking, booking.pk, "displaced", note)
        block = _new_booking(
            equipment, actor=actor, starts_at=starts_at, ends_at=ends_at, units=equipment.units,
            purpose=Booking.Purpose.MAINTENANCE, person=None, supervisor=None, note=note, series=None,
        )  # fmt: skip
        log_action(
            block, "labs.maintenance.blocked", actor=actor, data={**_summary(block), "displaced": len(displaced)}
        )
    return block, displaced


@transaction.atomic
def record_use(
    booking: Booking, *, actor: User, used_from: dt.datetime | None, used_until: dt.datetime | None,
    consumables: str = "", no_show: bool = False,
) -> Booking:  # fmt: skip
    """Staff record what happened: the actual start and end and the consumables, or that nobody came. On the
    booking's row as it is now (locked): one cancelled meanwhile is refused, and only the use is written."""
    booking = lock_row(Booking, booking.pk)
    if booking.status != Booking.Status.CONFIRMED:
        raise ConflictError(_("Only a confirmed booking is used."), code="not_confirmed")
    if used_from and used_until and used_until <= used_from:
        raise BookingError(_("The end must be after the start."), code="span_invalid", field="used_until")
    booking.no_show = no_show
    booking.used_from, booking.used_until = (None, None) if no_show else (used_from, used_until)
    booking.consumables = "" if no_show else consumables.strip()[:200]
    booking.save(update_fields=["no_show", "used_from", "used_until", "consumables", "updated_at"])
    log_action(booking, "labs.booking.use_recorded", actor=actor, data={"no_show": no_show})
    return booking


@transaction.atomic
def set_equipment_status(equipment: Equipment, *, actor: User, status: str, note: str = "") -> Equipment:
    """Lab managers change a machine's status, with its history. Only the status of the locked row is
    written: an edit of the machine at the same moment neither loses it nor is lost. Returns the equipment
    as saved."""
    if status not in Equipment.Status.values:
        raise BookingError(_("Unknown status."), code="status_invalid", field="status")
    equipment = lock_equipment(equipment)
    equipment.status = status
    equipment.save(update_fields=["status", "updated_at"])
    cache.changed(PUBLIC_LABS)
    EquipmentStatusChange.objects.create(
        equipment=equipment,
        status=status,
        note=note.strip()[:300],
        changed_by=actor if getattr(actor, "pk", None) else None,
    )
    log_action(equipment, "labs.equipment.status_changed", actor=actor, data={"status": status, "note": note})
    return equipment
