"""Setting the labs up: their texts and photo, weekly hours and days with other hours, and the equipment."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.core.errors import DomainError
from technopark.core.services import bump_content_revision, log_action
from technopark.labs.models import PUBLIC_LABS, ClosedDay, Equipment, EquipmentStatusChange, Lab, OpeningHours

LAB_FIELDS = {"name_ru", "name_be", "name_en", "description_ru", "description_be", "description_en", "room",
              "photo", "photo_alt", "staff"}  # fmt: skip
EQUIPMENT_FIELDS = {"lab", "kind", "name", "inventory_number", "units", "min_age", "requires_authorisation",
                    "description"}  # fmt: skip


class SetupError(DomainError):
    code = "setup_invalid"


@transaction.atomic
def update_lab(lab: Lab, *, actor: Any, **values: Any) -> Lab:
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
    bump_content_revision(PUBLIC_LABS)
    log_action(
        lab, "labs.lab.changed", actor=actor, data={"fields": sorted(values) + (["staff"] if staff is not None else [])}
    )
    return lab


@transaction.atomic
def set_opening_hours(lab: Lab, rows: list[tuple[int, dt.time, dt.time]], *, actor: Any) -> None:
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
    bump_content_revision(PUBLIC_LABS)
    log_action(lab, "labs.hours.set", actor=actor, data={"rows": [[w, f"{o:%H:%M}", f"{c:%H:%M}"] for w, o, c in rows]})


@transaction.atomic
def add_closed_day(
    lab: Lab | None, *, actor: Any, date: dt.date, reason_ru: str, opens: dt.time | None = None,
    closes: dt.time | None = None,
) -> ClosedDay:  # fmt: skip
    """A day with other hours (or closed: no hours) for ``lab``, or for every lab when ``lab`` is None.
    Bookings already made that day are not touched: the lab manager sees them on the week calendar."""
    if (opens is None) != (closes is None) or (opens and closes and closes <= opens):
        raise SetupError(_("Give both the opening and closing time, or neither for a closed day."), code="hours_order")
    day = ClosedDay(lab=lab, date=date, opens=opens, closes=closes, reason_ru=reason_ru.strip())
    day.full_clean()
    day.save()
    bump_content_revision(PUBLIC_LABS)
    log_action(lab or day, "labs.closed_day.added", actor=actor, data={"date": date.isoformat(), "why": reason_ru})
    return day


@transaction.atomic
def delete_closed_day(day: ClosedDay, *, actor: Any) -> None:
    log_action(day.lab or day, "labs.closed_day.deleted", actor=actor, data={"date": day.date.isoformat()})
    day.delete()
    bump_content_revision(PUBLIC_LABS)


@transaction.atomic
def save_equipment(equipment: Equipment | None, *, actor: Any, **values: Any) -> Equipment:
    """Add equipment or change it. A pool may not shrink below the units its coming bookings hold."""
    unknown = set(values) - EQUIPMENT_FIELDS
    if unknown:
        raise SetupError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    created = equipment is None
    equipment = equipment or Equipment()
    for name, value in values.items():
        setattr(equipment, name, value.strip() if isinstance(value, str) else value)
    if not created and equipment.units < Equipment.objects.get(pk=equipment.pk).units:
        highest = (
            equipment.bookings.filter(status__in=["pending_approval", "confirmed"], ends_at__gt=timezone.now())
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
    equipment.save()
    bump_content_revision(PUBLIC_LABS)
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
