"""The registry of people (DOMAIN.md, "People and roles"): `Person`, their guardians, claim codes, the pairs
staff decided are not duplicates, their places in the cluster (`Affiliation`), and consent to the processing of
their data (`ConsentText`, `Consent`). The tables were made by accounts and network (decision 0007)."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeAlias

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from technopark.core.files import random_upload_name
from technopark.core.i18n import translated
from technopark.core.models import LONG_TEXT_LENGTH, BoundedTextField, TimeStampedModel
from technopark.network.models import Institution

# --- People in the registry ---------------------------------------------------------------------

# A person this young or younger consents through a guardian (Belarus: a legal representative
# consents for a child under 16).
AGE_OF_OWN_CONSENT = 16


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years on ``day``. Someone born on 29 February turns a year older on 1 March in other years."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


# Nobody in the registry was born earlier: an earlier date is a slip (1800 for 2008), not a person.
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)


def validate_birth_date(value: dt.date | None) -> None:
    """Refuse a date of birth before 1900 or in the future (Minsk's today): forms, the API and the services."""
    if value is None:
        return
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("The date of birth cannot be before %(date)s. Check the year.")
            % {"date": EARLIEST_BIRTH_DATE.strftime("%d.%m.%Y")},
            code="birth_date_too_early",
        )
    if value > timezone.localdate():
        raise ValidationError(_("The date of birth cannot be in the future."), code="birth_date_future")


class Person(TimeStampedModel):
    """A human in the registry: a student, a teacher, a guardian. May have a login (`user`) or not:
    a teacher adds students without accounts, and a student or guardian claims the record later."""

    class Category(models.TextChoices):
        NONE = "none", _("Without a category")
        SECOND = "second", _("Second category")
        FIRST = "first", _("First category")
        HIGHEST = "highest", _("Highest category")
        METHODOLOGIST = "methodologist", _("Teacher-methodologist")
        INNOVATOR = "innovator", _("Teacher-innovator")

    last_name = models.CharField(_("surname"), max_length=150)
    first_name = models.CharField(_("name"), max_length=150)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True, validators=[validate_birth_date])
    # The date of birth decides who consents (DOMAIN.md rule 10), so it counts only once someone other than
    # the person has set or confirmed it: staff, the coordinator, the student's teacher, a guardian. A date
    # the person typed themself stays unconfirmed (both empty) until one of them confirms it.
    birth_date_confirmed_at = models.DateTimeField(_("date of birth confirmed"), null=True, blank=True)
    birth_date_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("date of birth confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    grade = models.PositiveSmallIntegerField(
        _("grade"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    qualification_category = models.CharField(
        _("qualification category"), max_length=16, choices=Category.choices, blank=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # ФИО lower-cased and ё-folded for search and duplicate detection; kept by the services.
    search_text = models.CharField(max_length=460, editable=False, default="")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "patronymic", "id"]
        indexes = [
            models.Index(fields=["birth_date"], name="person_birth_date"),
            # Lists are sorted by ФИО and searches start with the surname (`selectors.find_persons`): both
            # read this index on SQLite, which compares text byte by byte. PostgreSQL gets an index on
            # search_text COLLATE "C" instead, made by accounts migration 0002 (Django cannot declare it for one
            # database only), because its LIKE 'prefix%' and its ORDER BY need the C collation to use one.
            models.Index(fields=["search_text", "id"], name="person_search"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grade__isnull=True) | models.Q(grade__gte=1, grade__lte=11),
                name="person_grade_1_11",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """ФИО as written in Minsk: surname, name, patronymic."""
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    @property
    def short_name(self) -> str:
        """Surname and initials: «Иванова А. С.»."""
        initials = " ".join(f"{part[0]}." for part in (self.first_name, self.patronymic) if part)
        return f"{self.last_name} {initials}".strip()

    @property
    def birth_date_confirmed(self) -> bool:
        """The date of birth is known and was set or confirmed by someone other than the person."""
        return self.birth_date is not None and self.birth_date_confirmed_at is not None

    def age_on(self, day: dt.date) -> int | None:
        """Full years by the date of birth as recorded, confirmed or not (for display; rules read
        `confirmed_age_on` or `accounts.selectors.giver_rule`)."""
        return age_on(self.birth_date, day) if self.birth_date else None

    def confirmed_age_on(self, day: dt.date) -> int | None:
        """Full years by a confirmed date of birth; None when it is missing or only self-declared."""
        return age_on(self.birth_date, day) if self.birth_date is not None and self.birth_date_confirmed else None


class Guardianship(models.Model):
    """A guardian (законный представитель) of a child; a child has at most two. How the link was made is
    kept, so staff can tell a guardian linked by a teacher or the centre from one who claimed the child
    with a code, and revoke a wrong one (DOMAIN.md rule 10)."""

    MAX_PER_CHILD = 2

    class Source(models.TextChoices):
        LINKED = "linked", _("Linked by the centre or the child's teacher")
        CLAIM_CODE = "claim_code", _("Claimed with a code")

    guardian = models.ForeignKey(Person, verbose_name=_("guardian"), on_delete=models.CASCADE, related_name="wards")
    child = models.ForeignKey(Person, verbose_name=_("child"), on_delete=models.CASCADE, related_name="guardianships")
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("how"), max_length=12, choices=Source.choices, default=Source.LINKED)
    claim_code = models.ForeignKey(
        "ClaimCode",
        verbose_name=_("claim code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.UniqueConstraint(fields=["guardian", "child"], name="guardianship_unique"),
            models.CheckConstraint(condition=~models.Q(guardian=models.F("child")), name="guardianship_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.child}"


class ClaimCode(models.Model):
    """A single-use code a teacher hands out so a student or a guardian can claim a record.

    Only a hash is stored: the code is shown once, when it is issued, and cannot be read back.
    """

    class Claimant(models.TextChoices):
        SELF = "self", _("The person themself")
        GUARDIAN = "guardian", _("A guardian")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="claim_codes")
    claimant = models.CharField(_("for"), max_length=10, choices=Claimant.choices)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("valid until"))
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("claim code")
        verbose_name_plural = _("claim codes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_claimant_display()})"


class NotDuplicate(models.Model):
    """Two records staff looked at and decided are different people (twins, namesakes)."""

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="not_duplicate_unique"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="not_duplicate_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


# --- Consent to the processing of personal data (DOMAIN.md rule 4) --------------------------------


class ConsentPurpose(models.TextChoices):
    PARTICIPATION = "participation", _("Taking part in the centre's activities")
    PUBLICATION = "publication", _("Publishing photos and names")
    NDTP_TRANSFER = "ndtp_transfer", _("Passing data to the National Children's Technopark for selection")


class ConsentText(TimeStampedModel):
    """One version of the text people agree to for one purpose. Staff write new versions; the latest
    published one is current, and consents to earlier versions no longer count (people are asked again)."""

    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    version = models.PositiveIntegerField(_("version"))
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_be = models.CharField(_("title (Belarusian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    body_ru = BoundedTextField(_("text (Russian)"), max_length=LONG_TEXT_LENGTH)
    body_be = BoundedTextField(_("text (Belarusian)"), max_length=LONG_TEXT_LENGTH, blank=True)
    body_en = BoundedTextField(_("text (English)"), max_length=LONG_TEXT_LENGTH, blank=True)
    published_at = models.DateTimeField(_("in force since"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["purpose", "-version"]
        constraints = [models.UniqueConstraint(fields=["purpose", "version"], name="consent_text_version_unique")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}, v{self.version}"

    @property
    def title(self) -> str:
        return translated(self, "title")

    @property
    def body(self) -> str:
        return translated(self, "body")


def consent_scan_path(instance: Any, filename: str) -> str:
    return random_upload_name("consents", filename)


class WithdrawalReason(models.TextChoices):
    REQUEST = "request", _("Withdrawn by the giver or on their request")
    AGE_CORRECTED = "age_corrected", _("Ended: the date of birth was corrected, so someone else had to consent")
    GUARDIANSHIP_REVOKED = "guardianship_revoked", _("Ended: the giver is no longer linked as a guardian")
    # Only by accounts migration 0004: consents given under a date of birth the person typed themself.
    BIRTH_DATE_UNCONFIRMED = (
        "birth_date_unconfirmed",
        _("Ended: the person's own date of birth was not confirmed, so a guardian had to consent"),
    )


class Consent(models.Model):
    """One consent: whose data (subject), who gave it (the subject, or a guardian for a child under 16),
    for which purpose and text version, when and how; and when it was withdrawn."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("On paper (signed scan)")

    subject = models.ForeignKey(Person, verbose_name=_("whose data"), on_delete=models.CASCADE, related_name="consents")
    giver = models.ForeignKey(
        Person, verbose_name=_("given by"), on_delete=models.CASCADE, related_name="consents_given"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    text = models.ForeignKey(ConsentText, verbose_name=_("text version"), on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(_("given"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    scan = models.FileField(_("signed scan"), upload_to=consent_scan_path, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawal_reason = models.CharField(_("why it ended"), max_length=24, choices=WithdrawalReason.choices, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["subject", "purpose", "withdrawn_at"], name="consent_subject_purpose")]

    def __str__(self) -> str:
        return f"{self.subject}: {self.get_purpose_display()}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


# --- Places in the cluster ---------------------------------------------------------------------------


# Choices named after their model (AffiliationKind rather than a nested Affiliation.Kind, which stays as an
# alias): the API's OpenAPI document names components by class name, and ten classes called Kind shared one.
class AffiliationKind(models.TextChoices):
    STUDENT = "student", _("Student")
    TEACHER = "teacher", _("Teacher")


class Affiliation(TimeStampedModel):
    """A person's place in the cluster: a student of an institution or a teacher at one or more, with their
    position there. A student is usually at one school (`services.set_affiliation` moves them), but may be
    at two: a school and a centre of additional education, or two schools during a move (a merge of two
    records keeps both, issue 12 item 15)."""

    Kind: TypeAlias = AffiliationKind

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="affiliations")
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="affiliations"
    )
    kind = models.CharField(_("as"), max_length=10, choices=Kind.choices)
    position = models.CharField(pgettext_lazy("job", "position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["institution__short_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "institution", "kind"], name="affiliation_unique"),
        ]
        indexes = [models.Index(fields=["institution", "kind"], name="affiliation_institution_kind")]

    def __str__(self) -> str:
        return f"{self.person} — {self.institution} ({self.get_kind_display()})"
