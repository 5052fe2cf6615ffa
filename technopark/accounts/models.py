from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from technopark.accounts.roles import STAFF_ROLES, Role
from technopark.core.files import random_upload_name
from technopark.core.i18n import translated
from technopark.core.models import LONG_TEXT_LENGTH, BoundedTextField, TimeStampedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def with_roles(self) -> models.QuerySet[User]:
        """Logins with their roles read in the same query as a ``role_list`` string (`User.roles` then asks
        nothing): every signed-in request reads its login (`accounts.backends`), and on PostgreSQL a query
        of its own for the roles is a round trip of its own."""
        return self.get_queryset().annotate(role_list=self.role_list())

    def role_list(self) -> RawSQL:
        """The roles of the login in the current row as one ``a,b`` string (None: none), for queries that
        read logins (`with_roles`) or join them (API tokens)."""
        connection = connections[router.db_for_read(RoleAssignment)]
        quote = connection.ops.quote_name
        meta = RoleAssignment._meta
        role, table, user = (
            quote(meta.get_field("role").column),
            quote(meta.db_table),
            quote(meta.get_field("user").column),
        )
        own_id = f"{quote(self.model._meta.db_table)}.{quote(self.model._meta.pk.column)}"
        joined = f"string_agg({role}, ',')" if connection.vendor == "postgresql" else f"group_concat({role}, ',')"
        sql = f"SELECT {joined} FROM {table} WHERE {user} = {own_id}"  # noqa: S608 - names from the models, quoted
        return RawSQL(sql, ())  # noqa: S611 - no values in it

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        # `createsuperuser` is the operator's way in on a fresh installation: the login it makes is
        # an administrator in the platform's own sense too.
        extra.update(is_staff=True, is_superuser=True)
        user = self._create_user(email, password, **extra)
        RoleAssignment.objects.create(user=user, role=Role.ADMINISTRATOR)
        return user


class User(AbstractUser):
    """A login. Signs in with its e-mail address; holds any number of roles."""

    username = None  # type: ignore[assignment,misc]
    email = models.EmailField(_("e-mail"), unique=True)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        """ФИО as written in Minsk: surname, name, patronymic."""
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    def get_short_name(self) -> str:
        """Surname and initials: «Иванова А. С.»."""
        initials = " ".join(f"{part[0]}." for part in (self.first_name, self.patronymic) if part)
        return f"{self.last_name} {initials}".strip() or self.email

    # Set for one request by `accounts.middleware.SecondFactorMiddleware`: a centre-staff login whose session
    # has not used its second factor acts with the roles of a non-staff login (DOMAIN.md rule 11).
    awaiting_second_factor = False
    second_factor_checked = False

    def withhold_staff_roles(self) -> None:
        """Act with the roles of a non-staff login for the rest of this request (`accounts.access`)."""
        self.awaiting_second_factor = True
        self.__dict__.pop("roles", None)

    # Django's permissions follow `is_superuser`, which follows the administrator role in the database; while
    # the staff roles are withheld, so are they (the back office asks them).
    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return not self.awaiting_second_factor and super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return not self.awaiting_second_factor and super().has_module_perms(app_label)

    @cached_property
    def roles(self) -> frozenset[str]:
        """The roles every access rule goes by in this request: those held, less the staff roles while the
        login awaits its second factor (`awaiting_second_factor`). `held_roles` are all of them."""
        held = self.held_roles
        return held - STAFF_ROLES if self.awaiting_second_factor else held

    @property
    def held_roles(self) -> frozenset[str]:
        """The roles this login holds, staff roles withheld from this request included (prefetch
        `role_assignments` on lists; the signed-in login comes with them, `UserManager.with_roles`).

        Every signed-in request asks, so unless prefetched they are read with one hand-written query:
        building this one-line query through the ORM cost ~10 times what the database spends on it
        (0.14 against 0.01 ms of CPU on SQLite, 0.21 against 0.04 on PostgreSQL; bench/README.md, Labs).
        """
        if "role_list" in self.__dict__:  # read with the login (`UserManager.with_roles`); None: no roles
            return frozenset((self.__dict__["role_list"] or "").split(",")) - {""}
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("role_assignments")
        if prefetched is not None:
            return frozenset(assignment.role for assignment in prefetched)
        if self.pk is None:
            return frozenset()
        meta = RoleAssignment._meta
        connection = connections[router.db_for_read(RoleAssignment, instance=self)]
        quote = connection.ops.quote_name
        role, table, user = (
            quote(meta.get_field("role").column),
            quote(meta.db_table),
            quote(meta.get_field("user").column),
        )
        sql = f"SELECT {role} FROM {table} WHERE {user} = %s"  # noqa: S608 - names from the model, quoted
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.pk])
            return frozenset(row[0] for row in cursor.fetchall())

    def has_role(self, *roles: str) -> bool:
        """True when the active login holds any of ``roles`` (exactly; access rules add administrators)."""
        return self.is_active and bool(self.roles & set(roles))

    @property
    def is_centre_staff(self) -> bool:
        """Acting as centre staff in this request (not while awaiting the second factor)."""
        return self.is_active and bool(self.roles & STAFF_ROLES)

    @property
    def holds_staff_role(self) -> bool:
        """Holds a centre-staff role, whether or not this request may act on it yet."""
        return self.is_active and bool(self.held_roles & STAFF_ROLES)


class RoleAssignment(models.Model):
    """One role held by one login; granted and revoked only through `accounts.services`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique")]
        indexes = [models.Index(fields=["role"], name="role_assignment_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class ApiToken(TimeStampedModel):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once, when issued.

    It works until it expires or is revoked (by its owner, an administrator, a password change or reset,
    or blocking the login). A centre-staff login's token works only if it was issued after that login's
    second factor (`issued_with_second_factor`; DOMAIN.md rule 11).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=12, help_text=_("The first characters, to tell tokens apart"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("valid until"))
    issued_with_second_factor = models.BooleanField(_("issued after two-factor sign-in"), default=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        # The api app made the table; the model moved here with the page where people manage their tokens.
        db_table = "api_apitoken"
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def is_usable(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


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
            # search_text COLLATE "C" instead, made by migration 0002 (Django cannot declare it for one
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
    # Only by migration 0004: consents given under a date of birth the person typed themself.
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
