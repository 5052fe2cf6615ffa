from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import connections, models, router
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from technopark.accounts.roles import STAFF_ROLES, Role
from technopark.core.models import TimeStampedModel


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
    # Answers every access rule of one request asks again (whom this login acts for, its own record:
    # `people.access`), kept until the request ends. Only the login a request reads gets a dict
    # (`start_request_memo`), so nothing outlives its request or reaches another login; any other user
    # object (a command, a task, a test) computes the answers afresh.
    request_memo: dict[str, Any] | None = None

    def start_request_memo(self) -> None:
        self.request_memo = {}

    def forget_request_memo(self) -> None:
        """After a write that changes what the memo holds: the rest of the request reads it again."""
        if self.request_memo is not None:
            self.request_memo.clear()

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
