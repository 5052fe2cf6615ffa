"""The labs API: labs, equipment with its availability for a time range, bookings (one or weekly) and the
current user's authorisations. No `from __future__ import annotations` here: django-ninja reads the
annotations of query parameters (`Query[...]`) at import time."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.pagination import paginate

from technopark.accounts.models import User
from technopark.core.bounds import CalendarDate, CalendarDateTime, Id
from technopark.core.pagination import Pagination
from technopark.labs import selectors, services
from technopark.labs.access import (
    access_booking,
    may_book_for,
    may_book_labs,
    may_book_lessons,
    may_manage_labs,
    own_authorisations,
)
from technopark.labs.models import Authorisation, Booking, Equipment, Lab
from technopark.people.access import access_person, own_person
from technopark.people.models import Person

router = Router(tags=["labs"])

# The largest pool (`Equipment.units`).
MAX_UNITS = 500


class HoursOut(Schema):
    weekday: int
    opens: dt.time
    closes: dt.time


class LabOut(Schema):
    code: str
    name: str
    description: str
    room: str
    hours: list[HoursOut]

    @staticmethod
    def resolve_hours(obj: Lab) -> list[Any]:
        return list(obj.hours.all())


class EquipmentOut(Schema):
    id: int
    lab: str = Field(description="The lab's code")
    kind: Equipment.Kind
    name: str
    inventory_number: str
    units: int = Field(description="1 for a machine; N for a pool booked by count")
    status: Equipment.Status
    min_age: int | None
    requires_authorisation: bool
    max_hours: int = Field(description="The longest booking of this kind, in hours")

    @staticmethod
    def resolve_lab(obj: Equipment) -> str:
        return obj.lab.code


class EquipmentFilters(Schema):
    kind: Equipment.Kind | None = None
    lab: str = Field("", max_length=20, description="A lab's code")


class HeldOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    units: int


class AvailabilityOut(Schema):
    equipment_id: int
    units: int
    free_units: int = Field(description="Units free for the whole range (0 when not in service)")
    open: list[tuple[dt.datetime, dt.datetime]] = Field(description="The lab's opening hours in the range")
    held: list[HeldOut] = Field(description="Booked spans in the range (who holds them is not shown)")


class BookingIn(Schema):
    equipment: Id | None = Field(None, description="The machine or pool to book (or give ``lab``)")
    lab: str | None = Field(
        None, max_length=20,
        description="A lab's code: book the whole lab (every unit of its equipment) for a group lesson",
    )  # fmt: skip
    starts_at: CalendarDateTime
    ends_at: CalendarDateTime
    units: int = Field(1, ge=1, le=MAX_UNITS)
    purpose: Booking.Purpose = Booking.Purpose.PROJECT
    person: Id | None = Field(None, description="Who uses it (project work); the caller's own record if empty")
    supervisor: Id | None = Field(None, description="The supervising teacher who approves a student's booking")
    note: str = Field("", max_length=300)
    weekly_until: CalendarDate | None = Field(
        None, description="Repeat every week up to this day (whole or nothing), at most until the booking horizon"
    )


class BookingOut(Schema):
    id: int
    equipment_id: int | None
    lab: str | None = Field(None, description="The lab's code, for a booking of the whole lab")
    units: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    purpose: Booking.Purpose
    status: Booking.Status
    series_ids: list[int] = Field([], description="For a weekly booking: the ids of every week's booking")

    @staticmethod
    def resolve_lab(obj: Booking) -> str | None:
        return obj.lab.code if obj.lab_id else None  # type: ignore[union-attr]


class AuthorisationOut(Schema):
    kind: Equipment.Kind
    granted_at: dt.date
    expires_on: dt.date
    valid: bool

    @staticmethod
    def resolve_valid(obj: Authorisation) -> bool:
        return obj.is_valid_on(dt.date.today())


def _signed_in(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User) or not user.is_authenticated:
        raise AuthenticationError
    return user


@router.get("/labs", response=list[LabOut], url_name="lab-list", summary="The centre's labs")
@paginate(Pagination)
def list_labs(request: HttpRequest) -> Any:
    # Paginated like every list of the API ({items, count}), although the centre has four.
    return Lab.objects.prefetch_related("hours").order_by("position", "id")


@router.get("/labs/{code}", response=LabOut, url_name="lab-detail")
def get_lab(request: HttpRequest, code: str) -> Lab:
    return get_object_or_404(Lab.objects.prefetch_related("hours"), code=code)


@router.get("/equipment", response=list[EquipmentOut], url_name="equipment-list", summary="Equipment")
@paginate(Pagination)
def list_equipment(request: HttpRequest, filters: Query[EquipmentFilters]) -> Any:
    equipment = Equipment.objects.select_related("lab").order_by("lab__position", "kind", "name", "id")
    if filters.kind:
        equipment = equipment.filter(kind=filters.kind)
    if filters.lab:
        equipment = equipment.filter(lab__code=filters.lab)
    return equipment


@router.get("/equipment/{int:equipment_id}", response=EquipmentOut, url_name="equipment-detail")
def get_equipment(request: HttpRequest, equipment_id: Id) -> Equipment:
    return get_object_or_404(Equipment.objects.select_related("lab"), pk=equipment_id)


@router.get("/equipment/{int:equipment_id}/availability", response=AvailabilityOut, url_name="equipment-availability")
def equipment_availability(
    request: HttpRequest,
    equipment_id: Id,
    starts_at: CalendarDateTime | None = None,
    ends_at: CalendarDateTime | None = None,
) -> dict[str, Any]:
    """What is free from ``starts_at`` to ``ends_at`` (at most 31 days; by default the next 7 days): free
    units for the whole range, the booked spans and the lab's opening hours."""
    equipment = get_object_or_404(Equipment.objects.select_related("lab"), pk=equipment_id)
    given = starts_at is not None
    starts_at = starts_at or timezone.now()
    ends_at = ends_at or starts_at + dt.timedelta(days=7)
    if ends_at <= starts_at or ends_at - starts_at > dt.timedelta(days=31):
        raise services.BookingError(_("Give a range of up to 31 days, the end after the start."), code="range_invalid")
    return selectors.availability(equipment, starts_at, ends_at, keep=given)


def _person(user: User, person_id: int | None) -> Person | None:
    if person_id is None:
        return own_person(user)
    person = access_person(user, person_id)
    if not may_book_for(user, person):
        raise PermissionDenied
    return person


def _supervisor(person_id: int | None) -> Person | None:
    """The approver named by id. Not looked up among the records the caller sees (a student sees only their
    own): the service accepts only a teacher of the student's school or lab staff (`may_supervise`), and any
    other id, existing or not, is refused alike."""
    if person_id is None:
        return None
    found = Person.objects.select_related("user").filter(pk=person_id).first()
    if found is None:
        raise services.supervisor_not_allowed()
    return found


@router.post("/bookings", response={201: BookingOut}, url_name="booking-create")
def create_booking(request: HttpRequest, payload: BookingIn) -> Status[Any]:
    """Book: ``confirmed`` at once for teachers and staff, ``pending_approval`` for a student's project
    work until the supervising teacher decides. A refusal is a 4xx whose ``code`` names the rule
    (``overlap``, ``too_many_units``, ``outside_hours``, ``authorisation_required``, ``too_young``,
    ``too_long``, ``beyond_horizon``, ``series_conflicts`` …) and whose ``detail`` says why. A weekly
    series answers with its first booking and the ids of all of them. With ``lab`` instead of ``equipment``:
    the whole lab for a group lesson (teachers and staff; ``purpose`` is then always ``lesson``), refused
    with ``overlap`` naming what is in the way."""
    user = _signed_in(request)
    if (payload.equipment is None) == (payload.lab is None):
        raise services.BookingError(_("Give either the equipment or a lab, not both."), code="equipment_or_lab")
    if payload.lab is not None:
        return _book_lab(user, payload)
    equipment = get_object_or_404(Equipment.objects.select_related("lab"), pk=payload.equipment)
    if payload.purpose == Booking.Purpose.MAINTENANCE and not may_manage_labs(user):
        raise PermissionDenied
    if payload.purpose == Booking.Purpose.LESSON and not may_book_lessons(user):
        raise PermissionDenied
    # Project work is someone's (the caller's own record by default); a lesson or maintenance is the booker's.
    person = _person(user, payload.person) if payload.purpose == Booking.Purpose.PROJECT or payload.person else None
    if payload.purpose == Booking.Purpose.PROJECT and person is None:
        raise services.BookingError(
            _("Your login has no record in the registry yet; ask your teacher for a code."), code="no_own_record"
        )
    supervisor = _supervisor(payload.supervisor)
    common: dict[str, Any] = {"actor": user, "starts_at": payload.starts_at, "ends_at": payload.ends_at,
                              "units": payload.units, "purpose": payload.purpose, "person": person,
                              "note": payload.note}  # fmt: skip
    if payload.weekly_until:
        bookings = services.book_weekly(equipment, until=payload.weekly_until, **common)
        return Status(201, {**BookingOut.from_orm(bookings[0]).dict(), "series_ids": [b.pk for b in bookings]})
    return Status(201, services.book(equipment, supervisor=supervisor, **common))


def _book_lab(user: User, payload: BookingIn) -> Status[Any]:
    lab = get_object_or_404(Lab, code=payload.lab)
    if not may_book_labs(user):
        raise PermissionDenied
    common: dict[str, Any] = {
        "actor": user,
        "starts_at": payload.starts_at,
        "ends_at": payload.ends_at,
        "note": payload.note,
    }
    if payload.weekly_until:
        bookings = services.book_lab_weekly(lab, until=payload.weekly_until, **common)
        return Status(201, {**BookingOut.from_orm(bookings[0]).dict(), "series_ids": [b.pk for b in bookings]})
    return Status(201, services.book_lab(lab, **common))


@router.delete("/bookings/{int:booking_id}", response=BookingOut, url_name="booking-cancel")
def cancel_booking(request: HttpRequest, booking_id: Id) -> Booking:
    """Cancel until the start (lab managers at any time); the units are free at once."""
    user = _signed_in(request)
    booking = access_booking(user, booking_id, for_write=True)
    return services.cancel_booking(booking, actor=user, any_time=may_manage_labs(user))


@router.get("/me/authorisations", response=list[AuthorisationOut], url_name="my-authorisations")
def my_authorisations(request: HttpRequest) -> Any:
    """The current user's authorisations to use equipment, newest first (expired and revoked ones too)."""
    user = _signed_in(request)
    return own_authorisations(user).filter(revoked_at__isnull=True)
