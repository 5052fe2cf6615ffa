"""The centre's four labs and their equipment, who may use it, and bookings (DOMAIN.md: Lab, Equipment,
Training / Authorisation, Booking).

Rule 2 of DOMAIN.md: two confirmed bookings of one unit never overlap, and a pool never has more units
booked than it owns. A booking of k units of a pool holds k numbered units (`BookingUnit`), so both halves
of the rule are one statement: a unit's held spans never overlap. The services check it under a lock on the
equipment's row; on PostgreSQL an exclusion constraint on `BookingUnit` (migration 0002) enforces it too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeAlias

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from technopark.core.files import random_upload_name
from technopark.core.i18n import translated
from technopark.core.models import LONG_TEXT_LENGTH, TEXT_LENGTH, BoundedTextField, TimeStampedModel

# The cache scopes of the labs (`core.cache`): ``PUBLIC_LABS`` for the labs, their hours, days and machines
# as set up (every labs page depends on it); ``("lab", id)`` for all that holds the lab or any of its machines;
# ``("equipment", id)`` for all that holds that machine, a lesson in its whole lab included. A booking changes
# its machine's and its lab's scopes only, so another machine's cached week stays; and ``BOOKINGS``, which
# only the search for free equipment (every machine's bookings) depends on.
PUBLIC_LABS = "labs"
BOOKINGS = "bookings"


def lab_photo_path(instance: Any, filename: str) -> str:
    return random_upload_name("labs", filename)


class Lab(TimeStampedModel):
    """One of the centre's labs (created by migration 0001; their texts and staff are edited by staff)."""

    # The longest group lesson for which the whole lab is booked, in hours (a double lesson with a break
    # fits; a day-long hold of every machine does not).
    MAX_LESSON_HOURS = 4

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_be = models.CharField(_("name (Belarusian)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_ru = BoundedTextField(_("description (Russian)"), max_length=LONG_TEXT_LENGTH, blank=True)
    description_be = BoundedTextField(_("description (Belarusian)"), max_length=LONG_TEXT_LENGTH, blank=True)
    description_en = BoundedTextField(_("description (English)"), max_length=LONG_TEXT_LENGTH, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)
    photo = models.ImageField(_("photo"), upload_to=lab_photo_path, blank=True)
    photo_alt = models.CharField(_("photo description"), max_length=300, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff"), blank=True, related_name="labs_staffed"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("lab")
        verbose_name_plural = _("labs")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name  # in the reader's language: drop-downs and lists show it

    @property
    def name(self) -> str:
        return translated(self, "name")

    @property
    def description(self) -> str:
        return translated(self, "description")


class OpeningHours(models.Model):
    """A lab's regular hours on one weekday (several rows for a break at lunch)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    lab = models.ForeignKey(Lab, verbose_name=_("lab"), on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["lab", "weekday", "opens"]
        constraints = [models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="hours_in_order")]

    def __str__(self) -> str:
        return f"{self.lab}: {self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ClosedDay(models.Model):
    """A day a lab (or, without a lab, every lab) keeps other hours: a public holiday, a sanitary day, an
    event. Without hours it is closed all day."""

    lab = models.ForeignKey(
        Lab, verbose_name=_("lab"), null=True, blank=True, on_delete=models.CASCADE, related_name="exceptions",
        help_text=_("Empty: all labs"),
    )  # fmt: skip
    date = models.DateField(_("date"))
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    reason_ru = models.CharField(_("reason (Russian)"), max_length=200)
    reason_be = models.CharField(_("reason (Belarusian)"), max_length=200, blank=True)
    reason_en = models.CharField(_("reason (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("day with other hours")
        verbose_name_plural = _("days with other hours")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["date"], name="closed_day_date")]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.reason_ru}"

    @property
    def reason(self) -> str:
        return translated(self, "reason")


# Choices named after their model (EventKind rather than a nested Event.Kind, which stays as an alias): the
# API's OpenAPI document names components by class name, and ten classes called Kind shared one.
class EquipmentStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    MAINTENANCE = "maintenance", _("Maintenance")
    OUT_OF_ORDER = "out_of_order", _("Out of order")


class EquipmentKind(models.TextChoices):
    PRINTER_3D = "printer_3d", _("3D printer")
    LASER_CUTTER = "laser_cutter", _("Laser cutter")
    CNC_MILL = "cnc_mill", _("CNC mill")
    SOLDERING = "soldering", _("Soldering station")
    VR_SET = "vr_set", _("VR set")
    ROBOTICS_KIT = "robotics_kit", _("Robotics kit")
    WORKSTATION = "workstation", _("Workstation")
    OTHER = "other", _("Other equipment")


class Equipment(TimeStampedModel):
    """A machine, or a pool of N identical units booked by count (12 workstations, 10 robotics kits)."""

    Kind: TypeAlias = EquipmentKind

    Status: TypeAlias = EquipmentStatus

    # The longest booking of one kind, in hours (a print runs long; a laser job is short).
    MAX_HOURS: dict[str, int] = {
        Kind.PRINTER_3D: 8, Kind.LASER_CUTTER: 2, Kind.CNC_MILL: 4, Kind.SOLDERING: 3, Kind.VR_SET: 2,
        Kind.ROBOTICS_KIT: 4, Kind.WORKSTATION: 4, Kind.OTHER: 4,
    }  # fmt: skip

    lab = models.ForeignKey(Lab, verbose_name=_("lab"), on_delete=models.PROTECT, related_name="equipment")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name and model"), max_length=200)
    inventory_number = models.CharField(_("inventory number"), max_length=60, unique=True)
    units = models.PositiveSmallIntegerField(
        _("units"), default=1, validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("1 for a single machine; N for a pool of identical units booked by count"),
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.IN_SERVICE)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    requires_authorisation = models.BooleanField(_("requires an authorisation"), default=False)
    description = BoundedTextField(_("description"), max_length=TEXT_LENGTH, blank=True)

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["lab", "kind", "name", "id"]
        indexes = [models.Index(fields=["kind", "status"], name="equipment_kind_status")]

    def __str__(self) -> str:
        return f"{self.name} ({self.inventory_number})"

    @property
    def is_pool(self) -> bool:
        return self.units > 1

    @property
    def max_hours(self) -> int:
        return self.MAX_HOURS.get(self.kind, 4)


class EquipmentStatusChange(models.Model):
    """The history of an equipment's status: when it went to maintenance or out of order, and why."""

    equipment = models.ForeignKey(Equipment, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(_("status"), max_length=14, choices=Equipment.Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.equipment}: {self.get_status_display()}"


class Authorisation(TimeStampedModel):
    """A person's permission to use one kind of equipment (after its safety training), until it expires."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="authorisations"
    )
    kind = models.CharField(_("equipment kind"), max_length=16, choices=Equipment.Kind.choices)
    granted_at = models.DateField(_("granted"))
    expires_on = models.DateField(_("valid until"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # When the holder was told it expires soon (`services.send_expiry_reminders`), so that it goes once.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("authorisation")
        verbose_name_plural = _("authorisations")
        ordering = ["-expires_on", "-id"]
        indexes = [models.Index(fields=["person", "kind", "expires_on"], name="authorisation_lookup")]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_kind_display()} → {self.expires_on:%d.%m.%Y}"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.revoked_at is None and self.granted_at <= day <= self.expires_on


class BookingStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Awaiting the teacher's approval")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")


class Booking(TimeStampedModel):
    """A reserved span of a machine, of k units of a pool, or of a whole lab: a teacher's lesson, a
    student's project work (approved by the supervising teacher), or a maintenance block by staff.

    A whole-lab booking (``lab`` set, ``equipment`` empty: exactly one of them, a database constraint) is a
    group lesson that holds every unit of every equipment of the lab, so the same per-unit rule (and on
    PostgreSQL the same exclusion constraint) keeps it from overlapping anything."""

    class Purpose(models.TextChoices):
        LESSON = "lesson", _("Group lesson")
        PROJECT = "project", _("Project work")
        MAINTENANCE = "maintenance", _("Maintenance")

    Status: TypeAlias = BookingStatus

    # Statuses that hold units: a booking awaiting approval keeps its place until the teacher decides.
    HOLDING = (Status.PENDING_APPROVAL, Status.CONFIRMED)

    equipment = models.ForeignKey(
        Equipment, verbose_name=_("equipment"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="bookings",
    )  # fmt: skip
    lab = models.ForeignKey(
        Lab, verbose_name=_("whole lab"), null=True, blank=True, on_delete=models.PROTECT, related_name="lab_bookings"
    )
    # For a whole-lab booking: how many units it holds across the lab's equipment.
    units = models.PositiveSmallIntegerField(_("units"), default=1, validators=[MinValueValidator(1)])
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    person = models.ForeignKey(
        "people.Person", verbose_name=_("who uses it"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="bookings",
    )  # fmt: skip
    supervisor = models.ForeignKey(
        "people.Person", verbose_name=_("supervising teacher"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="supervised_bookings",
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=300, blank=True)
    series = models.UUIDField(null=True, blank=True, editable=False, help_text="The weekly series it belongs to")
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    no_show = models.BooleanField(_("did not come"), default=False)
    used_from = models.DateTimeField(_("used from"), null=True, blank=True)
    used_until = models.DateTimeField(_("used until"), null=True, blank=True)
    consumables = models.CharField(_("consumables"), max_length=200, blank=True, help_text=_("e.g. 120 g of PLA"))

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["equipment", "starts_at", "ends_at"], name="booking_span"),
            models.Index(fields=["lab", "starts_at", "ends_at"], name="booking_lab_span"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after"),
            models.CheckConstraint(
                condition=models.Q(equipment__isnull=False, lab__isnull=True)
                | models.Q(equipment__isnull=True, lab__isnull=False),
                name="booking_equipment_or_lab",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.equipment or self.lab} {self.starts_at:%d.%m.%Y %H:%M}"

    @property
    def is_holding(self) -> bool:
        return self.status in self.HOLDING

    @property
    def is_whole_lab(self) -> bool:
        return self.lab_id is not None

    @property
    def place(self) -> Lab:
        """The lab the booking is in (select ``lab`` and ``equipment__lab`` with it)."""
        return self.lab if self.lab is not None else self.equipment.lab  # type: ignore[union-attr]

    @property
    def what(self) -> str:
        """What is booked, as people read it: the equipment's name or "the whole lab"."""
        if self.equipment is not None:
            return self.equipment.name
        return str(_("%(lab)s, the whole lab") % {"lab": self.lab.name if self.lab else ""})


class BookingUnit(models.Model):
    """One numbered unit held by a booking, with the booking's span copied so that one index (and on
    PostgreSQL one exclusion constraint) sees every overlap. ``active`` is false once the booking is
    cancelled or rejected."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="held_units")
    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="+")
    unit = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["equipment", "active", "starts_at", "ends_at"], name="held_unit_span")]

    def __str__(self) -> str:
        return f"{self.equipment_id}#{self.unit} {self.starts_at:%d.%m %H:%M}"


class Training(TimeStampedModel):
    """A safety and usage training for one kind of equipment; passing it grants an authorisation for
    ``valid_months`` months."""

    kind = models.CharField(_("equipment kind"), max_length=16, choices=Equipment.Kind.choices)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_be = models.CharField(_("title (Belarusian)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = BoundedTextField(_("description"), max_length=TEXT_LENGTH, blank=True)
    valid_months = models.PositiveSmallIntegerField(
        _("authorisation valid for, months"), default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.title  # in the reader's language: drop-downs and lists show it

    @property
    def title(self) -> str:
        return translated(self, "title")


class TrainingSession(models.Model):
    """One time a training is given, in a lab, with places and an instructor who marks who passed."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="sessions"
    )
    lab = models.ForeignKey(Lab, verbose_name=_("lab"), on_delete=models.PROTECT, related_name="training_sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("instructor"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="training_ends_after")
        ]

    def __str__(self) -> str:
        return f"{self.training} {self.starts_at:%d.%m.%Y %H:%M}"


class TrainingSeatStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Did not pass")
    CANCELLED = "cancelled", _("Cancelled")


class TrainingSeat(TimeStampedModel):
    """A person's place in a training session, then its outcome."""

    Status: TypeAlias = TrainingSeatStatus

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="seats")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="training_seats"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("training place")
        verbose_name_plural = _("training places")
        ordering = ["session", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], condition=~models.Q(status="cancelled"), name="training_seat_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.session}"
