"""Shared test fixtures: the personas every permission test uses, and small helpers.

Personas (ARCHITECTURE.md → Tests): administrator, methodologist, lab manager, teacher, student,
guardian, jury member, outsider (a login with no role) and anonymous. Staff personas have an
authenticator app enrolled, as production requires; `staff_without_mfa` is the exception.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless told this is intended (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

PERSONA_ROLES: dict[str, list[str]] = {
    "administrator": ["administrator"],
    "methodologist": ["methodologist"],
    "lab_manager": ["lab_manager"],
    "teacher": ["teacher"],
    "student": ["student"],
    "guardian": ["guardian"],
    "jury_member": ["jury_member"],
    "outsider": [],
}
PERSONAS = [*PERSONA_ROLES, "anonymous"]


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP

    from technopark.accounts.models import RoleAssignment, User
    from technopark.accounts.roles import STAFF_ROLES, Role

    def _make(email: str, *roles: str, mfa: bool | None = None, password: str = PASSWORD, **fields: Any) -> User:
        user = User.objects.create_user(email, password, **fields)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        for role in roles:
            RoleAssignment.objects.create(user=user, role=role)
        if Role.ADMINISTRATOR in roles:
            User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
            user.refresh_from_db()
        if mfa if mfa is not None else bool(set(roles) & STAFF_ROLES):
            TOTP.activate(user, TOTP_SECRET)
        return user

    return _make


@pytest.fixture
def personas(make_user: Callable[..., Any]) -> dict[str, Any]:
    """Every persona by name; ``personas["anonymous"]`` is None."""
    people: dict[str, Any] = {
        name: make_user(f"{name.replace('_', '.')}@example.test", *roles) for name, roles in PERSONA_ROLES.items()
    }
    people["anonymous"] = None
    return people


@pytest.fixture
def client_for(client: Any) -> Callable[[Any], Any]:
    """A test client signed in as ``user`` (or anonymous for None)."""
    from django.test import Client

    def _client(user: Any) -> Any:
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return _client
