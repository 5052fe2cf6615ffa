"""Events of the centre (DOMAIN.md: Event, Nomination): contests, competitions, festivals, camps,
excursions, technical weekends, master classes for students; courses, meetings, seminars, conferences
and consultations for teachers. This module announces them; registration builds on it."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeAlias

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.core.files import random_upload_name
from technopark.core.i18n import translated
from technopark.core.models import LONG_TEXT_LENGTH, TEXT_LENGTH, BoundedTextField, TimeStampedModel

# Events and project passports share the centre's directions, kept in core.
from technopark.core.models import Direction as Direction


class CentreLab(models.TextChoices):
    """The four labs of the centre, as a venue. The labs module (bookings) will hold them as rows."""

    COMPUTER_CENTRE = "computer_centre", _("Computer centre")
    CREATIVE_LAB = "creative_lab", _("Creative laboratory")
    FABLAB = "fablab", _("FabLab")
    TECH_LAB = "tech_lab", _("Laboratory of technologies and engineering")


def event_image_path(instance: Any, filename: str) -> str:
    return random_upload_name("events", filename)


def event_document_path(instance: Any, filename: str) -> str:
    return random_upload_name("event-documents", filename)


def event_scope(event_id: int) -> tuple[str, int]:
    """The cache scope of one event's own pages (`core.cache`): a change to one event leaves the others' kept."""
    return ("event", event_id)


def certificate_path(instance: Any, filename: str) -> str:
    return random_upload_name("certificates", filename)


def answer_file_path(instance: Any, filename: str) -> str:
    return random_upload_name("registration-answers", filename)


# Choices named after their model (EventKind rather than a nested Event.Kind, which stays as an alias): the
# API's OpenAPI document names components by class name, and ten classes called Kind shared one.
class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", pgettext_lazy("event", "Announced")
    REGISTRATION_OPEN = "registration_open", _("Registration open")
    REGISTRATION_CLOSED = "registration_closed", _("Registration closed")
    HELD = "held", pgettext_lazy("event", "Held")
    RESULTS_PUBLISHED = "results_published", _("Results published")
    ARCHIVED = "archived", _("Archived")


class EventKind(models.TextChoices):
    CONTEST = "contest", _("Contest")
    COMPETITION = "competition", _("Competition")
    FESTIVAL = "festival", _("Festival")
    EXHIBITION = "exhibition", _("Exhibition")
    CAMP = "camp", _("Profile camp")
    EXCURSION = "excursion", _("Excursion")
    TECH_WEEKEND = "tech_weekend", _("Technical weekend")
    INTERACTIVE = "interactive", _("Interactive platform")
    MASTER_CLASS = "master_class", _("Master class")
    COURSE = "course", _("Training course")
    METHODICAL_MEETING = "methodical_meeting", _("Instructive-methodical meeting")
    SEMINAR = "seminar", _("Seminar")
    CONFERENCE = "conference", _("Conference")
    CONSULTATION = "consultation", _("Consultation")


class Event(TimeStampedModel):
    """One event, from announcement to archive. Texts are in three languages (Russian required)."""

    Kind: TypeAlias = EventKind

    class Audience(models.TextChoices):
        STUDENTS = "students", _("Students")
        TEACHERS = "teachers", _("Teachers")
        BOTH = "both", _("Students and teachers")

    class Level(models.TextChoices):
        CENTRE = "centre", _("Centre")
        CITY = "city", _("City")
        REPUBLIC = "republic", _("Republican")
        INTERNATIONAL = "international", _("International")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        MIXED = "mixed", _("In person and online")

    class VenueKind(models.TextChoices):
        LAB = "lab", _("A lab of the centre")
        ROOM = "room", _("A room of the centre")
        EXTERNAL = "external", _("Another address")
        ONLINE = "online", _("Online only")

    Status: TypeAlias = EventStatus

    # Statuses before the event is held: registrations can still be cancelled.
    UPCOMING = (Status.DRAFT, Status.PUBLISHED, Status.REGISTRATION_OPEN, Status.REGISTRATION_CLOSED)

    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_be = models.CharField(_("title (Belarusian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_ru = models.CharField(_("summary (Russian)"), max_length=500, blank=True)
    summary_be = models.CharField(_("summary (Belarusian)"), max_length=500, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=500, blank=True)
    description_ru = BoundedTextField(_("description (Russian)"), max_length=LONG_TEXT_LENGTH, blank=True)
    description_be = BoundedTextField(_("description (Belarusian)"), max_length=LONG_TEXT_LENGTH, blank=True)
    description_en = BoundedTextField(_("description (English)"), max_length=LONG_TEXT_LENGTH, blank=True)
    image = models.ImageField(_("image"), upload_to=event_image_path, blank=True)
    image_alt = models.CharField(_("image description"), max_length=300, blank=True)

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    directions = models.JSONField(_("directions"), default=list, blank=True)

    # The first and last moments of the sessions, kept by the services (calendar queries read these).
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)

    venue_kind = models.CharField(_("venue"), max_length=10, choices=VenueKind.choices)
    venue_lab = models.CharField(_("lab"), max_length=20, choices=CentreLab.choices, blank=True)
    venue_details = models.CharField(
        _("room or address"), max_length=300, blank=True, help_text=_("A room number, or a full address")
    )
    online_url = models.URLField(_("online link"), blank=True, help_text=_("Shown only to confirmed participants"))
    co_organisers = models.ManyToManyField(
        "network.Institution", verbose_name=_("co-organisers"), blank=True, related_name="co_organised_events"
    )

    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    min_grade = models.PositiveSmallIntegerField(
        _("from grade"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    max_grade = models.PositiveSmallIntegerField(
        _("to grade"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True, help_text=_("Empty: no limit"))
    # Who signs the event's documents, as the staff typed it when they last issued them (in that language);
    # empty until then, when the centre's file gives the default.
    signatory_position = models.CharField(_("position of the signatory"), max_length=200, blank=True)
    signatory_name = models.CharField(_("name of the signatory"), max_length=100, blank=True)
    needs_approval = models.BooleanField(_("staff approve each registration"), default=False)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Lower-cased, ё-folded titles in all languages, for search (kept by the services).
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_status_start"),
            models.Index(fields=["starts_at", "ends_at"], name="event_dates"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="event_ages_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(min_grade__isnull=True)
                | models.Q(max_grade__isnull=True)
                | models.Q(min_grade__lte=models.F("max_grade")),
                name="event_grades_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title  # in the reader's language: drop-downs and lists show it

    @property
    def title(self) -> str:
        return translated(self, "title")

    @property
    def summary(self) -> str:
        return translated(self, "summary")

    @property
    def description(self) -> str:
        return translated(self, "description")

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    def direction_labels(self) -> list[str]:
        return [str(Direction(code).label) for code in self.directions if code in Direction.values]

    def venue_label(self) -> str:
        """Where it happens, as a participant reads it (the online link is never part of it)."""
        if self.venue_kind == self.VenueKind.LAB and self.venue_lab:
            place = str(CentreLab(self.venue_lab).label)
            return f"{place}, {self.venue_details}" if self.venue_details else place
        if self.venue_kind == self.VenueKind.ONLINE:
            return str(_("Online"))
        return self.venue_details


class EventSession(models.Model):
    """One meeting of an event: a single day, or one of a course's sessions (with its academic hours)."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    title = models.CharField(_("topic"), max_length=300, blank=True)
    hours = models.DecimalField(
        _("academic hours"), max_digits=4, decimal_places=1, null=True, blank=True, help_text=_("For courses")
    )
    # When the reminders of the day before went out (`services.send_reminders`), so that they go once.
    reminders_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} — {self.starts_at:%d.%m.%Y %H:%M}"

    @property
    def duration(self) -> dt.timedelta:
        return self.ends_at - self.starts_at


class Nomination(models.Model):
    """A category of a contest with its own age or grade range, places and results."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="nominations")
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_be = models.CharField(_("title (Belarusian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    min_grade = models.PositiveSmallIntegerField(_("from grade"), null=True, blank=True)
    max_grade = models.PositiveSmallIntegerField(_("to grade"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True, help_text=_("Empty: no limit"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title  # in the reader's language: drop-downs and lists show it

    @property
    def title(self) -> str:
        return translated(self, "title")


class EventDocumentKind(models.TextChoices):
    REGULATIONS = "regulations", _("Regulations")
    PROGRAMME = "programme", _("Programme")
    OTHER = "other", _("Other document")


class EventDocument(models.Model):
    """A file of an event: the regulations (положение), a programme, a form to fill in."""

    Kind: TypeAlias = EventDocumentKind

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.REGULATIONS)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=event_document_path)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("event document")
        verbose_name_plural = _("event documents")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")


class Registration(TimeStampedModel):
    """A registration (заявка) for an event: one participant, a team, or a class with its teacher.

    ``places`` is what it takes from the capacity: 1, the team's size, or the class's head count. Only
    confirmed registrations hold places; the waiting list is served in the order registrations came in.
    """

    class Form(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        TEAM = "team", _("Team")
        GROUP = "group", _("Group (a class)")

    Status: TypeAlias = RegistrationStatus

    ACTIVE = (Status.PENDING_APPROVAL, Status.CONFIRMED, Status.WAITLISTED)

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations")
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="registrations",
    )  # fmt: skip
    form = models.CharField(_("form"), max_length=12, choices=Form.choices)
    person = models.ForeignKey(
        "people.Person", verbose_name=_("participant"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="event_registrations", help_text=_("For an individual registration"),
    )  # fmt: skip
    team_name = models.CharField(_("team name"), max_length=200, blank=True)
    institution = models.ForeignKey(
        "network.Institution", verbose_name=_("institution"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="event_registrations",
    )  # fmt: skip
    head_count = models.PositiveIntegerField(_("number of students"), null=True, blank=True)
    supervisors = models.ManyToManyField(
        "people.Person", verbose_name=_("supervisors"), blank=True, related_name="supervised_registrations"
    )
    places = models.PositiveIntegerField(_("places"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    code = models.CharField(max_length=32, unique=True, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # The project passport entered in a contest: its page lists the contest and, once published, the award.
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="registrations",
    )  # fmt: skip

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="registration_event_status")]
        constraints = [
            # One active registration of a person for an event (cancelled ones stay as history).
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=models.Q(status__in=["pending_approval", "confirmed", "waitlisted"]),
                name="registration_one_active_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.label}"

    @property
    def may_still_change(self) -> bool:
        """Active, for an event not yet held: it can be cancelled, and its QR code is still for the entrance."""
        return self.status in self.ACTIVE and self.event.status in Event.UPCOMING

    @property
    def label(self) -> str:
        if self.form == self.Form.INDIVIDUAL and self.person_id:
            return str(self.person)
        if self.form == self.Form.TEAM:
            return self.team_name
        return f"{self.institution or ''} ({self.head_count})".strip()


class TeamMember(models.Model):
    """A member of a team registration; the same person is in one active registration of an event at most."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="team_memberships")

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["registration", "person"], name="team_member_unique")]

    def __str__(self) -> str:
        return str(self.person)


class Attendance(models.Model):
    """A participant (an individual registration, a team, a class) present at one session, marked by staff."""

    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="attendance"
    )
    session = models.ForeignKey(
        EventSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance"
    )
    checked_in_at = models.DateTimeField(_("checked in"), auto_now_add=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["registration", "session"], name="attendance_once_per_session")]

    def __str__(self) -> str:
        return f"{self.registration} @ {self.session}"


class Result(models.Model):
    """The outcome of one registration: a diploma degree, a laureate's title or participation, and a place."""

    class Award(models.TextChoices):
        FIRST = "first", _("Diploma of the I degree")
        SECOND = "second", _("Diploma of the II degree")
        THIRD = "third", _("Diploma of the III degree")
        LAUREATE = "laureate", _("Laureate")
        PARTICIPANT = "participant", _("Participant")

    registration = models.OneToOneField(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="result"
    )
    award = models.CharField(_("award"), max_length=12, choices=Award.choices)
    place = models.PositiveSmallIntegerField(_("place"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return f"{self.registration}: {self.get_award_display()}"


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("A number")
    CHOICE = "choice", _("Choice from a list")
    YES_NO = "yes_no", _("Yes or no")
    FILE = "file", _("File")


class Question(models.Model):
    """A question of an event's registration form (a project title, a T-shirt size, a consent scan)."""

    Kind: TypeAlias = QuestionKind

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="questions")
    label_ru = models.CharField(_("question (Russian)"), max_length=300)
    label_be = models.CharField(_("question (Belarusian)"), max_length=300, blank=True)
    label_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=8, choices=Kind.choices, default=Kind.TEXT)
    choices = BoundedTextField(
        _("options"), max_length=TEXT_LENGTH, blank=True, help_text=_("For a choice: one option per line")
    )
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label  # in the reader's language: drop-downs and lists show it

    @property
    def label(self) -> str:
        return translated(self, "label")

    def options(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Answer(models.Model):
    """A registration's answer to one question: the text of it, or an uploaded file (checked as documents are)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = BoundedTextField(max_length=2000, blank=True)
    file = models.FileField(upload_to=answer_file_path, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["registration", "question"], name="answer_once")]

    def __str__(self) -> str:
        return self.value or self.file.name

    def text(self) -> str:
        """The answer as a person reads it in a list or an export (the question must be loaded)."""
        if self.question.kind == Question.Kind.YES_NO:
            return str(_("yes")) if self.value == "yes" else str(_("no"))
        if self.question.kind == Question.Kind.FILE:
            return str(_("file attached")) if self.file else ""
        return self.value


class CertificateKind(models.TextChoices):
    DIPLOMA = "diploma", _("Winner's diploma")
    PARTICIPATION = "participation", _("Participation certificate")
    GRATITUDE = "gratitude", _("Letter of gratitude")
    COMPLETION = "completion", _("Certificate of course completion")


class Certificate(TimeStampedModel):
    """A document issued for an event (DOMAIN.md: certificates): a winner's diploma, a participation
    certificate, a letter of gratitude to a supervisor, a certificate of course completion with hours.

    The PDF is made once and kept, so that what was issued stays what it was; the name, award and hours
    are copied at issue for the same reason. A changed result revokes the old document and issues a new
    one with a new code; `/verify/<code>/` tells anyone which codes are valid.
    """

    Kind: TypeAlias = CertificateKind

    class Revocation(models.TextChoices):
        REISSUED = "reissued", _("Reissued with changes")
        NO_LONGER_DUE = "no_longer_due", _("No longer due: the registration or its result changed")
        BY_STAFF = "by_staff", _("Revoked by staff")

    code = models.CharField(_("code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="certificates")
    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="certificates",
    )  # fmt: skip
    person = models.ForeignKey(
        "people.Person", verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="certificates"
    )
    recipient_name = models.CharField(_("recipient"), max_length=460)
    institution = models.ForeignKey(
        "network.Institution", verbose_name=_("institution"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="certificates",
    )  # fmt: skip
    award = models.CharField(_("award"), max_length=12, blank=True)
    place = models.PositiveSmallIntegerField(_("place"), null=True, blank=True)
    nomination_title = models.CharField(_("nomination"), max_length=300, blank=True)
    hours = models.DecimalField(_("academic hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, default="ru")
    file = models.FileField(_("file"), upload_to=certificate_path)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signatory_position = models.CharField(_("position of the signatory"), max_length=200, blank=True)
    signatory_name = models.CharField(_("name of the signatory"), max_length=100, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # Why the platform revoked it, shown in the reader's language; `revoke_reason` is what staff typed.
    revoked_because = models.CharField(_("revoked because"), max_length=16, choices=Revocation.choices, blank=True)
    revoke_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["event", "kind", "recipient_name", "id"]
        indexes = [models.Index(fields=["event", "institution"], name="certificate_event_institution")]
        constraints = [
            # One valid document of a kind per person and event; reissuing revokes the previous one first.
            models.UniqueConstraint(
                fields=["event", "person", "kind"],
                condition=models.Q(revoked_at__isnull=True),
                name="certificate_one_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.recipient_name}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    def award_label(self) -> str:
        return str(Result.Award(self.award).label) if self.award in Result.Award.values else ""
