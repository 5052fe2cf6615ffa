"""Every write to logins and roles."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import RoleAssignment, User
from technopark.accounts.roles import Role
from technopark.accounts.services.tokens import revoke_api_tokens
from technopark.core.errors import ConflictError, DomainError
from technopark.core.locking import lock_rows
from technopark.core.services import log_action


class AccountError(DomainError):
    code = "account_error"


def _sync_admin_flags(user: User) -> None:
    """Django's admin and permission checks follow the administrator role."""
    is_admin = user.role_assignments.filter(role=Role.ADMINISTRATOR).exists()
    if user.is_staff != is_admin or user.is_superuser != is_admin:
        user.is_staff = is_admin
        user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])


@transaction.atomic
def grant_role(user: User, role: str, *, actor: User) -> RoleAssignment:
    """Give ``user`` the ``role``. Administrators only (checked by the caller's access rule).

    Raises `ConflictError` when the role is already held, `AccountError` for an unknown role.
    """
    if role not in Role.values:
        raise AccountError(_("Unknown role."), code="unknown_role", field="role")
    if RoleAssignment.objects.filter(user=user, role=role).exists():
        raise ConflictError(_("This user already has the role."), code="role_already_held", field="role")
    assignment = RoleAssignment(user=user, role=role, granted_by=actor if getattr(actor, "pk", None) else None)
    assignment.full_clean()
    assignment.save()
    _sync_admin_flags(user)
    user.__dict__.pop("roles", None)
    user.forget_request_memo()  # whom it acts for may follow the role (people.access)
    log_action(user, "accounts.role.granted", actor=actor, data={"role": role})
    return assignment


@transaction.atomic
def revoke_role(user: User, role: str, *, actor: User) -> None:
    """Take ``role`` away from ``user``.

    Refuses to remove the last active administrator, so the platform always has someone who can
    grant roles. Raises `AccountError` when the role is not held.
    """
    admins: list[int] = []
    if role == Role.ADMINISTRATOR:
        # Every administrator's row, in one go and before the row to delete: two simultaneous revocations
        # queue (rather than each holding its own row and waiting for the other's) and cannot both pass the check.
        admins = [
            admin.user_id
            for admin in lock_rows(RoleAssignment.objects.filter(role=Role.ADMINISTRATOR, user__is_active=True))
        ]
    assignment = next(iter(lock_rows(RoleAssignment.objects.filter(user=user, role=role))), None)
    if assignment is None:
        raise AccountError(_("This user does not have the role."), code="role_not_held", field="role")
    if role == Role.ADMINISTRATOR and admins == [user.pk]:
        raise AccountError(_("The last administrator cannot lose the role."), code="last_administrator")
    assignment.delete()
    _sync_admin_flags(user)
    user.__dict__.pop("roles", None)
    user.forget_request_memo()  # whom it acts for may follow the role (people.access)
    log_action(user, "accounts.role.revoked", actor=actor, data={"role": role})


@transaction.atomic
def set_user_active(user: User, active: bool, *, actor: User) -> None:
    """Block or unblock a login. A blocked login cannot sign in, and its API tokens are revoked (unblocking
    does not bring them back: the person issues new ones)."""
    if user.is_active == active:
        return
    if not active:
        if user.pk == getattr(actor, "pk", None):
            raise AccountError(_("You cannot block your own login."), code="self_block")
        other_admins = (
            RoleAssignment.objects.filter(role=Role.ADMINISTRATOR, user__is_active=True).exclude(user=user).exists()
        )
        if Role.ADMINISTRATOR in user.roles and not other_admins:
            raise AccountError(_("The last administrator cannot be blocked."), code="last_administrator")
    user.is_active = active
    user.save(update_fields=["is_active"])
    log_action(user, "accounts.user.activated" if active else "accounts.user.blocked", actor=actor)
    if not active:
        revoke_api_tokens(user, actor=actor, reason="blocked")


@transaction.atomic
def update_profile(user: User, *, actor: User, last_name: str, first_name: str, patronymic: str) -> User:
    """Change the name of a login (the person themself or an administrator)."""
    before = {"last_name": user.last_name, "first_name": user.first_name, "patronymic": user.patronymic}
    user.last_name = last_name.strip()
    user.first_name = first_name.strip()
    user.patronymic = patronymic.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["last_name", "first_name", "patronymic"])
    after = {"last_name": user.last_name, "first_name": user.first_name, "patronymic": user.patronymic}
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changed:
        log_action(user, "accounts.user.profile_changed", actor=actor, data={"changed": changed})
    return user


def record_auth_event(
    action: str, *, user: User | None = None, label: str = "", data: dict[str, Any] | None = None
) -> None:
    """Audit a sign-in event reported by Django or allauth (login, failed login, MFA enrolment…)."""
    log_action(user, action, actor=user, actor_label=label, data=data)
