"""Setting the labs up: their texts and photo, weekly hours and days with other hours, and the equipment."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core import cache
from technopark.core.errors import DomainError
from technopark.core.services import log_action
from technopark.labs.models import (
    PUBLIC_LABS,
    Booking,
    BookingUnit,
    ClosedDay,
    Equipment,
    EquipmentStatusChange,
    Lab,
    OpeningHours,
)
from technopark.labs.services.bookings import lock_equipment, lock_labs
from technopark.labs.services.mail import local_moment

LAB_FIELDS = {"name_ru", "name_be", "name_en", "description_ru", "description_be", "description_en", "room",
              "photo", "photo_alt", "staff"}  # fmt: skip
EQUIPMENT_FIELDS = {"lab", "kind", "name", "inventory_number", "units", "min_age", "requires_authorisation",
                    "description"}  # fmt: skip


class SetupError(DomainError):
    code = "setup_invalid"


@transaction.atomic
def update_lab(lab: Lab, *, actor: User, **values: Any) -> Lab:
    unknown = set(values) - LAB_FIELDS
    if unknown:
        raise SetupError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    staff = values.pop("staff", None)
    for name, value in values.items():
        setattr(lab, name, value.strip() if isinstance(value, str) else value)
    lab.full_clean()
    lab.save()
    if staff is not None:
        lab.staff.set(staff)
    cache.changed(PUBLIC_LABS)
    log_action(
        lab, "labs.lab.changed", actor=actor, data={"fields": sorted(values) + (["staff"] if staff is not None else [])}
    )
    return lab


@transaction.atomic
def set_opening_hours(lab: Lab, rows: list[tuple[int, dt.time, dt.time]], *, actor: User) -> None:
    """Replace the weekly schedule: (weekday, opens, closes) rows; spans of one day must not overlap."""
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for weekday, opens, closes in rows:
        if closes <= opens:
            raise SetupError(_("A lab closes after it opens."), code="hours_order")
        by_day.setdefault(weekday, []).append((opens, closes))
    for spans in by_day.values():
        spans.sort()
        if any(later[0] < earlier[1] for earlier, later in pairwise(spans)):
            raise SetupError(_("The hours of one day overlap."), code="hours_overlap")
    lab.hours.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(lab=lab, weekday=weekday, opens=opens, closes=closes) for weekday, opens, closes in rows
    )
    cache.changed(PUBLIC_LABS)
    log_action(lab, "labs.hours.set", actor=actor, data={"rows": [[w, f"{o:%H:%M}", f"{c:%H:%M}"] for w, o, c in rows]})


@transaction.atomic
def add_closed_day(
    lab: Lab | None, *, actor: User, date: dt.date, reason_ru: str, opens: dt.time | None = None,
    closes: dt.time | None = None,
) -> ClosedDay:  # fmt: skip
    """A day with other hours (or closed: no hours) for ``lab``, or for every lab when ``lab`` is None.
    Bookings already made that day are not touched: the lab manager sees them on the week calendar."""
    if (opens is None) != (closes is None) or (opens and closes and closes <= opens):
        raise SetupError(_("Give both the opening and closing time, or neither for a closed day."), code="hours_order")
    day = ClosedDay(lab=lab, date=date, opens=opens, closes=closes, reason_ru=reason_ru.strip())
    day.full_clean()
    day.save()
    cache.changed(PUBLIC_LABS)
    log_action(lab or day, "labs.closed_day.added", actor=actor, data={"date": date.isoformat(), "why": reason_ru})
    return day


@transaction.atomic
def delete_closed_day(day: ClosedDay, *, actor: User) -> None:
    log_action(day.lab or day, "labs.closed_day.deleted", actor=actor, data={"date": day.date.isoformat()})
    day.delete()
    cache.changed(PUBLIC_LABS)


@transaction.atomic
def save_equipment(equipment: Equipment | None, *, actor: User, **values: Any) -> Equipment:
    """Add equipment or change it. A pool may not shrink below the units its coming bookings hold; the
    lab's coming whole-lab lessons follow what the lab has (`_follow_lab_lessons`). A change writes only
    the fields given, on the machine's row as it is now (locked): its status, changed by staff meanwhile, is
    never restored by an edit read before (DOMAIN.md rule 12). Returns the equipment as saved."""
    unknown = set(values) - EQUIPMENT_FIELDS
    if unknown:
        raise SetupError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = None if equipment is None else _lock_for_change(equipment, values.get("lab"))
    created = before is None
    # The row read under the lock is kept as it was (`before`); the change is made on a copy of it.
    equipment = Equipment() if before is None else Equipment.objects.get(pk=before.pk)
    for name, value in values.items():
        setattr(equipment, name, value.strip() if isinstance(value, str) else value)
    if before is not None and equipment.units < before.units:
        # A whole-lab lesson lets go of the units that go (below); a booking of the machine itself blocks.
        highest = (
            equipment.bookings.filter(status__in=Booking.HOLDING, ends_at__gt=timezone.now())
            .values_list("held_units__unit", flat=True)
            .order_by("-held_units__unit")
            .first()
        )
        if highest and highest > equipment.units:
            raise SetupError(
                _("Coming bookings hold unit %(unit)s; cancel them or keep at least that many units.")
                % {"unit": highest},
                code="units_in_use", field="units",
            )  # fmt: skip
    equipment.full_clean()
    if before is None:
        lock_labs({equipment.lab_id})  # before writing: no deadlock
        equipment.save()
    else:
        equipment.save(update_fields=[*sorted(values), "updated_at"])
    _follow_lab_lessons(equipment, before)
    cache.changed(PUBLIC_LABS)
    if created:
        EquipmentStatusChange.objects.create(
            equipment=equipment, status=equipment.status, note=str(_("Added")),
            changed_by=actor if getattr(actor, "pk", None) else None,
        )  # fmt: skip
    log_action(
        equipment, "labs.equipment.added" if created else "labs.equipment.changed", actor=actor,
        data={"inventory_number": equipment.inventory_number},
    )  # fmt: skip
    return equipment


def _lock_for_change(equipment: Equipment, new_lab: Lab | None) -> Equipment:
    """The machine's row as it is now, locked, after the rows of the labs it leaves and joins (`lock_labs`,
    as `book_lab` takes them: labs before equipment, `core.locking.LOCK_ORDER`). If it moved meanwhile, the
    lab it is in now is locked too before going on."""
    current_lab = Equipment.objects.filter(pk=equipment.pk).values_list("lab_id", flat=True).get()
    locked_labs = {current_lab} | ({new_lab.pk} if new_lab is not None else set())
    lock_labs(locked_labs)
    row = lock_equipment(equipment)
    if row.lab_id not in locked_labs:
        lock_labs({row.lab_id})
    return row


def _follow_lab_lessons(equipment: Equipment, before: Equipment | None) -> None:
    """A whole-lab lesson holds every unit of the lab's equipment (decision 0005, point 8), so the lab's
    coming lessons (and one under way) follow a change of it: equipment added to the lab or moved into it,
    and a pool's new units, are held by them; units that go, or a machine moved to another lab, are let go
    by the lessons of the lab it leaves. A machine moved in whose own coming bookings overlap the new lab's
    lessons is refused, naming them, and nothing is saved. The labs' rows were locked before the machine
    was written, as `book_lab` locks its lab (`lock_labs`), so a lesson booked at the same moment is either
    seen here or sees this machine."""
    now = timezone.now()
    moved = before is not None and before.lab_id != equipment.lab_id
    if before is not None and (moved or equipment.units < before.units):
        gone = BookingUnit.objects.filter(
            equipment=equipment, booking__lab_id=before.lab_id, booking__status__in=Booking.HOLDING,
            booking__ends_at__gt=now,
        )  # fmt: skip
        if not moved:
            gone = gone.filter(unit__gt=equipment.units)
        left = set(gone.values_list("booking_id", flat=True))
        gone.delete()
        _recount(left)
    first_new = 1 if before is None or moved else before.units + 1
    if first_new > equipment.units:
        return
    # The lab's row, locked by `save_equipment`, is what serialises this with `book_lab`; the machine's own
    # row is ours since it was written, so no other row needs a lock.
    lessons = list(Booking.objects.filter(lab=equipment.lab, status__in=Booking.HOLDING, ends_at__gt=now))
    if not lessons:
        return
    if moved:
        span = Q()
        for lesson in lessons:
            span |= Q(starts_at__lt=lesson.ends_at, ends_at__gt=lesson.starts_at)
        in_the_way = list(
            BookingUnit.objects.filter(span, equipment=equipment, active=True)
            .values_list("starts_at", "ends_at")
            .order_by("starts_at")
            .distinct()[:6]
        )
        if in_the_way:
            shown = [f"{local_moment(a)}–{timezone.localtime(b):%H:%M}" for a, b in in_the_way]
            when = ", ".join(shown[:5]) + (" …" if len(shown) > 5 else "")
            raise SetupError(
                _("Lessons booked for the whole of that lab overlap this machine's coming bookings: %(when)s. "
                  "Cancel or move those bookings first.") % {"when": when},
                code="lessons_in_the_way", field="lab",
            )  # fmt: skip
    BookingUnit.objects.bulk_create(
        BookingUnit(booking=lesson, equipment=equipment, unit=unit, starts_at=lesson.starts_at, ends_at=lesson.ends_at)
        for lesson in lessons
        for unit in range(first_new, equipment.units + 1)
    )
    _recount({lesson.pk for lesson in lessons})


def _recount(lesson_ids: set[int]) -> None:
    """A whole-lab lesson's `units` is the number of units it holds (one UPDATE for a term's lessons)."""
    held = (
        BookingUnit.objects.filter(booking=OuterRef("pk"), active=True)
        .values("booking")
        .annotate(count=Count("pk"))
        .values("count")
    )
    Booking.objects.filter(pk__in=lesson_ids).update(units=Coalesce(Subquery(held), 0))
