"""Reads of the labs: opening hours on a day, held units, authorisations, week calendars, the search for
free equipment, availability for the API and utilisation for staff. Times are Minsk time."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from technopark.core import cache
from technopark.core.cache import Scope
from technopark.labs.models import (
    PUBLIC_LABS,
    Authorisation,
    Booking,
    BookingUnit,
    ClosedDay,
    Equipment,
    Lab,
    OpeningHours,
)

Span = tuple[dt.datetime, dt.datetime]


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


@dataclass(frozen=True)
class Schedule:
    """Every lab's weekly hours and every day with other hours, as plain tuples."""

    weekly: dict[tuple[int, int], list[tuple[dt.time, dt.time]]]  # (lab, weekday) → spans, in order
    days: dict[tuple[int | None, dt.date], tuple[dt.time | None, dt.time | None]]  # (lab or None: all, date)

    def spans(self, lab_id: int, day: dt.date) -> list[Span]:
        """When the lab is open on ``day``: its own day with other hours wins over one for all labs, which
        wins over the week's schedule; such a day without hours is closed."""
        special = self.days.get((lab_id, day)) or self.days.get((None, day))
        if special is not None:
            opens, closes = special
            return [(_aware(day, opens), _aware(day, closes))] if opens and closes else []
        return [
            (_aware(day, opens), _aware(day, closes)) for opens, closes in self.weekly.get((lab_id, day.weekday()), [])
        ]


def schedule(lab_id: int) -> Schedule:
    """The lab's weekly hours and its days with other hours (and those of all labs), from the database: a
    booking's rules read them here, never from a cache (two queries)."""
    weekly: dict[tuple[int, int], list[tuple[dt.time, dt.time]]] = defaultdict(list)
    hours = OpeningHours.objects.filter(lab_id=lab_id).order_by("weekday", "opens")
    for weekday, opens, closes in hours.values_list("weekday", "opens", "closes"):
        weekly[(lab_id, weekday)].append((opens, closes))
    days: dict[tuple[int | None, dt.date], tuple[dt.time | None, dt.time | None]] = {
        (day_lab_id, date): (opens, closes)
        for day_lab_id, date, opens, closes in ClosedDay.objects.filter(
            Q(lab_id=lab_id) | Q(lab__isnull=True)
        ).values_list("lab_id", "date", "opens", "closes")
    }
    return Schedule(dict(weekly), days)


def opening_spans(lab: Lab, day: dt.date) -> list[Span]:
    """When ``lab`` is open on ``day`` (see `Schedule.spans`), from the database."""
    return schedule(lab.pk).spans(lab.pk, day)


def within_opening_hours(lab: Lab, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    day = timezone.localtime(starts_at).date()
    if timezone.localtime(ends_at).date() != day and timezone.localtime(ends_at).time() != dt.time(0):
        return False
    return any(opens <= starts_at and ends_at <= closes for opens, closes in opening_spans(lab, day))


def is_authorised(person: Any, kind: str, day: dt.date) -> bool:
    return Authorisation.objects.filter(
        person=person, kind=kind, revoked_at__isnull=True, granted_at__lte=day, expires_on__gte=day
    ).exists()


def held_units(equipment: Equipment, starts_at: dt.datetime, ends_at: dt.datetime) -> set[int]:
    """Unit numbers of ``equipment`` held by some booking at some moment of the span."""
    return set(
        BookingUnit.objects.filter(
            equipment=equipment, active=True, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).values_list("unit", flat=True)
    )


def holdings(
    equipment: list[Equipment], starts_at: dt.datetime, ends_at: dt.datetime
) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """What holds units of ``equipment`` at some moment of the span: (equipment name, start, end), once per
    booking and equipment, in time order: the "in the way" of a whole-lab booking."""
    return list(
        BookingUnit.objects.filter(equipment__in=equipment, active=True, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .values_list("equipment__name", "starts_at", "ends_at")
        .order_by("starts_at", "equipment__name")
        .distinct()
    )


def free_units(equipment: Equipment, starts_at: dt.datetime, ends_at: dt.datetime) -> int:
    """How many units are free for the whole span (0 when the equipment is not in service)."""
    if equipment.status != Equipment.Status.IN_SERVICE:
        return 0
    return equipment.units - len(held_units(equipment, starts_at, ends_at))


def free_units_of(equipment: list[Equipment], starts_at: dt.datetime, ends_at: dt.datetime) -> dict[int, int]:
    """`free_units` of each of ``equipment`` for the span, in one query (a lab's page lists fifty machines)."""
    held: dict[int, set[int]] = defaultdict(set)
    for equipment_id, unit in BookingUnit.objects.filter(
        equipment__in=equipment, active=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).values_list("equipment_id", "unit"):
        held[equipment_id].add(unit)
    return {
        item.pk: item.units - len(held[item.pk]) if item.status == Equipment.Status.IN_SERVICE else 0
        for item in equipment
    }


def equipment_scopes(equipment: Equipment) -> tuple[Scope | str, ...]:
    """What a machine's week and availability are read from (`labs.models.PUBLIC_LABS`)."""
    return (PUBLIC_LABS, ("equipment", equipment.pk))


def lab_scopes(lab: Lab) -> tuple[Scope | str, ...]:
    """What a lab's page and week are read from: the lab and every booking in it."""
    return (PUBLIC_LABS, ("lab", lab.pk))


def kept_equipment(equipment_id: int) -> Equipment | None:
    """The machine or pool ``equipment_id`` with its lab, or None (from the cache when kept; for pages only,
    never saved)."""
    return cache.cached(
        ("labs.equipment", equipment_id),
        (PUBLIC_LABS,),
        lambda: Equipment.objects.select_related("lab").filter(pk=equipment_id).first(),
    )


def kept_lab(code: str) -> Lab | None:
    """The lab ``code``, or None (from the cache when kept): its week is read signed in too, where the page
    cache does not answer."""
    return cache.cached(("labs.lab", code), (PUBLIC_LABS,), lambda: Lab.objects.filter(code=code).first())


def lab_page_scopes(code: str) -> tuple[Scope | str, ...] | None:
    """The scopes of the lab ``code``'s pages (`core.pagecache`), or None for an unknown lab."""
    lab = kept_lab(code)
    return None if lab is None else lab_scopes(lab)


def equipment_page_scopes(equipment_id: int) -> tuple[Scope | str, ...]:
    return (PUBLIC_LABS, ("equipment", equipment_id))


def availability(equipment: Equipment, starts_at: dt.datetime, ends_at: dt.datetime, *, keep: bool) -> dict[str, Any]:
    """Free units of ``equipment`` for the whole range, its held spans (one per booking, a whole-lab lesson
    included: it holds this equipment's units too) and the lab's opening hours in the range. ``keep``: the
    range was given by the caller, so the answer can be kept for the next caller (a range that starts "now"
    never repeats)."""
    key = ("labs.availability", equipment.pk, equipment.status, equipment.units, starts_at, ends_at)
    found = cache.lookup(key, equipment_scopes(equipment)) if keep else None
    if found is not None and found.hit:
        return found.value  # type: ignore[no-any-return]
    rows = BookingUnit.objects.filter(
        equipment=equipment, active=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).values_list("booking_id", "unit", "starts_at", "ends_at")
    spans: dict[int, dict[str, Any]] = {}
    units: set[int] = set()
    for booking_id, unit, starts, ends in rows:
        units.add(unit)
        span = spans.setdefault(booking_id, {"starts_at": starts, "ends_at": ends, "units": 0})
        span["units"] += 1
    days = spans_by_day(equipment.lab, timezone.localtime(starts_at).date(), timezone.localtime(ends_at).date())
    answer = {
        "equipment_id": equipment.pk,
        "units": equipment.units,
        "free_units": equipment.units - len(units) if equipment.status == Equipment.Status.IN_SERVICE else 0,
        "open": [(a, b) for day in sorted(days) for a, b in days[day] if b > starts_at and a < ends_at],
        "held": sorted(spans.values(), key=lambda span: span["starts_at"]),
    }
    if found is not None:
        found.store(answer)
    return answer


def valid_authorisations(person: Any, *, day: dt.date | None = None) -> QuerySet[Authorisation]:
    day = day or timezone.localdate()
    return Authorisation.objects.filter(person=person, revoked_at__isnull=True, expires_on__gte=day)


def expiring_authorisations(*, within_days: int = 30, day: dt.date | None = None) -> QuerySet[Authorisation]:
    day = day or timezone.localdate()
    return Authorisation.objects.filter(
        revoked_at__isnull=True, expires_on__gte=day, expires_on__lte=day + dt.timedelta(days=within_days)
    ).select_related("person")


def spans_by_day(lab: Lab, first: dt.date, last: dt.date) -> dict[dt.date, list[Span]]:
    """`opening_spans` for every day from ``first`` to ``last`` (one reading of the hours)."""
    kept = schedule(lab.pk)
    result = {}
    day = first
    while day <= last:
        result[day] = kept.spans(lab.pk, day)
        day += dt.timedelta(days=1)
    return result


# --- Week calendars ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One booking as a week calendar prints it, composed here: a lab's week holds hundreds of them, and
    formatting each in the template (time zones, translations, plurals) cost ~0.4 ms apiece."""

    time: str
    equipment: str
    who: str
    kind: str  # "", "pending" or "maintenance": the CSS modifier
    pending: bool


@dataclass
class DayColumn:
    day: dt.date
    open_spans: list[Span]
    slots: list[Slot] = field(default_factory=list)
    # The HTML once composed (a kept week is printed again and again).
    _html: dict[bool, str] = field(default_factory=dict, repr=False, compare=False)

    def items_html(self, *, with_equipment: bool) -> str:
        """The day's slots as list items, escaped here: hundreds of them render in a millisecond this way,
        against ~0.1 ms apiece through template tags."""
        if with_equipment not in self._html:
            self._html[with_equipment] = self._compose(with_equipment=with_equipment)
        return self._html[with_equipment]

    def _compose(self, *, with_equipment: bool) -> str:
        if not self.slots:
            return format_html('<li class="muted small">{}</li>', gettext("No bookings"))
        waiting = '<br><span class="small">' + escape(gettext("awaiting approval")) + "</span>"
        items = []
        for slot in self.slots:
            kind = f" week__booking--{slot.kind}" if slot.kind else ""
            equipment = "<br>" + escape(slot.equipment) if with_equipment else ""
            items.append(
                f'<li class="week__booking{kind}"><strong>{slot.time}</strong>{equipment}<br>{escape(slot.who)}'
                f"{waiting if slot.pending else ''}</li>"
            )
        return mark_safe("\n".join(items))

    def items_with_equipment(self) -> str:
        return self.items_html(with_equipment=True)

    def items(self) -> str:
        return self.items_html(with_equipment=False)


class Week(list[DayColumn]):
    """A week's `DayColumn`s, and the calendar's HTML once rendered from them (`labs_tags.week_calendar`):
    a kept week is printed again and again, and its ~20 dates and hours through template filters cost
    more than the rest of an equipment page's body."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.html: dict[tuple[Any, ...], str] = {}
        self.kept: cache.Lookup | None = None  # where it is kept, to keep it again with more HTML

    def keep_again(self) -> None:
        """Keep the week again with the HTML rendered since it was kept."""
        if self.kept is not None:
            self.kept.store(self)

    def __getstate__(self) -> dict[str, Any]:
        return {"html": self.html, "kept": None}


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week(
    equipment: QuerySet[Equipment] | list[Equipment], lab: Lab, monday: dt.date, *, show_names: bool = False
) -> Week:
    """Seven days from ``monday``: the lab's hours and the holding bookings of ``equipment`` each day, as
    `Slot`s (one query for the week whatever the number of bookings, none for a kept week).
    ``show_names``: who holds each slot (staff and teachers); otherwise "busy". ``equipment``: a list of
    machines, or a queryset of the whole lab's.

    Kept per lab or machine, week, language and whether names are shown, under the machine's scope (a week
    of one machine: its bookings and its lab's lessons) or the lab's (every booking in it): a signed-in
    teacher's week of a busy lab is ~900 slots, composed once per change instead of once per request."""
    if isinstance(equipment, list):
        which: Any = tuple(item.pk for item in equipment)
        scopes: list[Scope | str] = [PUBLIC_LABS, *(("equipment", pk) for pk in which)] if which else [*lab_scopes(lab)]
    else:
        which, scopes = "lab", [*lab_scopes(lab)]
    found = cache.lookup(("labs.week", lab.pk, which, monday, show_names, get_language()), scopes)
    if found.hit:
        days: Week = found.value
        days.kept = found
        return days
    days = _compose_week(equipment, lab, monday, show_names=show_names)
    found.store(days)
    days.kept = found
    return days


def _compose_week(
    equipment: QuerySet[Equipment] | list[Equipment], lab: Lab, monday: dt.date, *, show_names: bool
) -> Week:
    start, end = _aware(monday, dt.time.min), _aware(monday + dt.timedelta(days=7), dt.time.min)
    rows = (
        # The lab's own bookings too: a lesson in the whole lab holds every machine of it.
        Booking.objects.filter(
            Q(equipment__in=equipment) | Q(lab=lab), status__in=Booking.HOLDING, starts_at__lt=end, ends_at__gt=start
        )
        .order_by("starts_at", "id")
        .values_list(
            "starts_at", "ends_at", "purpose", "status", "units", "equipment__name", "equipment__units",
            "person__last_name", "person__first_name", "person__patronymic", "booked_by__last_name",
            "booked_by__first_name",
        )
    )  # fmt: skip
    by_day: dict[dt.date, list[Slot]] = defaultdict(list)
    busy, maintenance, whole_lab = gettext("busy"), gettext("Maintenance"), gettext("The whole lab")
    purposes = {value: str(label) for value, label in Booking.Purpose.choices}
    tz = timezone.get_current_timezone()
    unit_labels: dict[int, str] = {}
    for starts_at, ends_at, purpose, status, units, name, pool, last, first, middle, booker, booker_first in rows:
        starts, ends = starts_at.astimezone(tz), ends_at.astimezone(tz)
        if name is None:  # a lesson in the whole lab: its teacher is who booked it
            name, pool, last, first, middle = whole_lab, 1, booker, booker_first, ""
        if purpose == Booking.Purpose.MAINTENANCE:
            who, kind = maintenance, "maintenance"
        else:
            who = purposes[purpose] if show_names else busy
            if show_names and last:
                initials = " ".join(f"{part[0]}." for part in (first, middle) if part)
                who += f": {last} {initials}".rstrip()
            kind = "pending" if status == Booking.Status.PENDING_APPROVAL else ""
        if pool > 1:
            if units not in unit_labels:
                unit_labels[units] = ngettext("%(counter)s unit", "%(counter)s units", units) % {"counter": units}
            who += " · " + unit_labels[units]
        by_day[starts.date()].append(Slot(f"{starts:%H:%M}–{ends:%H:%M}", name, who, kind, kind == "pending"))
    spans = spans_by_day(lab, monday, monday + dt.timedelta(days=6))
    return Week(DayColumn(day, spans[day], by_day.get(day, [])) for day in sorted(spans))


# --- The search: "a free 3D printer for 2 hours on Saturday afternoon" --------------------------------------


@dataclass
class Offer:
    equipment: Equipment
    starts: list[dt.datetime]


def find_free(
    *,
    kind: str,
    day: dt.date,
    hours: float,
    after: dt.time = dt.time(0),
    before: dt.time = dt.time(23, 59),
    lab: Lab | None = None,
    units: int = 1,
    step_minutes: int = 30,
) -> list[Offer]:
    """Equipment of ``kind`` with ``units`` free for ``hours`` hours on ``day`` between ``after`` and
    ``before`` (inside the lab's hours), with every start on the half hour that fits. Two queries for
    the equipment and its held units, plus the hours of each lab involved."""
    candidates = list(
        Equipment.objects.filter(kind=kind, status=Equipment.Status.IN_SERVICE, units__gte=units)
        .filter(**({"lab": lab} if lab else {}))
        .select_related("lab")
        .order_by("lab__position", "name")
    )
    if not candidates:
        return []
    window_start, window_end = _aware(day, after), _aware(day, before)
    held: dict[int, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
    for row in BookingUnit.objects.filter(
        equipment__in=candidates, active=True, starts_at__lt=window_end, ends_at__gt=window_start
    ).values("equipment_id", "starts_at", "ends_at", "unit"):
        held[row["equipment_id"]].append((row["starts_at"], row["ends_at"], row["unit"]))
    length = dt.timedelta(hours=hours)
    spans_by_lab = {lab.pk: opening_spans(lab, day) for lab in {c.lab for c in candidates}}
    offers = []
    now = timezone.now()
    for equipment in candidates:
        starts = []
        for opens, closes in spans_by_lab[equipment.lab_id]:
            start = max(opens, window_start)
            minute = (start.minute // step_minutes) * step_minutes
            start = start.replace(minute=minute, second=0, microsecond=0)
            if start < max(opens, window_start):
                start += dt.timedelta(minutes=step_minutes)
            while start + length <= min(closes, window_end):
                end = start + length
                taken = {unit for s, e, unit in held[equipment.pk] if s < end and e > start}
                if start >= now and equipment.units - len(taken) >= units:
                    starts.append(start)
                start += dt.timedelta(minutes=step_minutes)
        if starts:
            offers.append(Offer(equipment, starts))
    return offers


# --- Utilisation ------------------------------------------------------------------------------------------


@dataclass
class Utilisation:
    equipment: Equipment
    open_hours: float
    booked_hours: float
    used_hours: float

    @property
    def booked_share(self) -> int:
        return round(100 * self.booked_hours / self.open_hours) if self.open_hours else 0

    @property
    def used_share(self) -> int:
        return round(100 * self.used_hours / self.open_hours) if self.open_hours else 0


def utilisation(lab: Lab, first: dt.date, last: dt.date) -> list[Utilisation]:
    """Per equipment of ``lab``: hours open (× units), hours booked by users (× units) and hours used as
    recorded, from ``first`` to ``last`` inclusive."""
    spans = spans_by_day(lab, first, last)
    open_hours = sum((b - a).total_seconds() for day in spans.values() for a, b in day) / 3600
    start, end = _aware(first, dt.time.min), _aware(last + dt.timedelta(days=1), dt.time.min)
    rows = []
    equipment = list(lab.equipment.all())
    # Through the held units, one row per unit: a pool's k units and a whole-lab lesson count alike.
    held = (
        BookingUnit.objects.filter(
            equipment__in=equipment, booking__status=Booking.Status.CONFIRMED, starts_at__gte=start, starts_at__lt=end
        )
        .exclude(booking__purpose=Booking.Purpose.MAINTENANCE)
        .values_list("equipment_id", "starts_at", "ends_at", "booking__used_from", "booking__used_until")
    )
    booked: dict[int, float] = defaultdict(float)
    used: dict[int, float] = defaultdict(float)
    for equipment_id, starts_at, ends_at, used_from, used_until in held:
        booked[equipment_id] += (ends_at - starts_at).total_seconds() / 3600
        if used_from and used_until:
            used[equipment_id] += (used_until - used_from).total_seconds() / 3600
    for item in equipment:
        rows.append(Utilisation(item, open_hours * item.units, booked[item.pk], used[item.pk]))
    return rows
