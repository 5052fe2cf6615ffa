from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from technopark.accounts.roles import STAFF_ROLES, Role


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

    @cached_property
    def roles(self) -> frozenset[str]:
        """The roles this login holds, read once per request (prefetch `role_assignments` on lists)."""
        return frozenset(assignment.role for assignment in self.role_assignments.all())

    def has_role(self, *roles: str) -> bool:
        """True when the active login holds any of ``roles`` (exactly; access rules add administrators)."""
        return self.is_active and bool(self.roles & set(roles))

    @property
    def is_centre_staff(self) -> bool:
        return self.is_active and bool(self.roles & STAFF_ROLES)


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
