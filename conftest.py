"""Shared test fixtures: the personas every permission test uses, and small helpers.

Personas (ARCHITECTURE.md → Tests): administrator, methodologist, lab manager, teacher, student,
guardian, jury member, outsider (a login with no role) and anonymous. Staff personas have an
authenticator app enrolled, as production requires; `make_user(..., mfa=False)` is the exception.

A test client's `force_login` signs a login with an authenticator app in as production does, the code
entered (`_second_factor_at_sign_in`): centre staff act as staff only after that (DOMAIN.md rule 11).
`sign_in_without_second_factor` makes a session signed in with the password alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test.client import ClientMixin

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

_force_login_with_password_only = ClientMixin.force_login


def _record_sign_in_with_second_factor(client: Any, user: Any) -> None:
    """What allauth records in the session of a sign-in with the password and an authenticator code."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from django.http import HttpRequest

    totp = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
    if totp is None:
        return
    request = HttpRequest()
    request.session = client.session
    record_authentication(request, user, "password", email=user.email)
    record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)
    request.session.save()


@pytest.fixture(autouse=True)
def _second_factor_at_sign_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """`force_login` of a login with an authenticator app also records its code in the session."""

    def force_login(self: Any, user: Any, backend: str | None = None) -> None:
        _force_login_with_password_only(self, user, backend)
        _record_sign_in_with_second_factor(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture
def sign_in_without_second_factor() -> Callable[[Any, Any], Any]:
    """Sign ``client`` in as ``user`` with the password alone (a session from before the authenticator app
    was set up, say): ``sign_in_without_second_factor(client, user)``."""

    def _sign_in(client: Any, user: Any) -> Any:
        _force_login_with_password_only(client, user)
        return client

    return _sign_in


def create_user(email: str, *roles: str, mfa: bool | None = None, password: str = PASSWORD, **fields: Any) -> Any:
    """A login with ``roles`` and a verified e-mail address (what `make_user` makes, for fixtures of a wider
    scope than a test's)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP

    from technopark.accounts.models import RoleAssignment, User
    from technopark.accounts.roles import STAFF_ROLES, Role

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


def create_personas() -> dict[str, Any]:
    """Every persona by name; ``["anonymous"]`` is None."""
    people: dict[str, Any] = {
        name: create_user(f"{name.replace('_', '.')}@example.test", *roles) for name, roles in PERSONA_ROLES.items()
    }
    people["anonymous"] = None
    return people


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    return create_user


@pytest.fixture
def personas(make_user: Callable[..., Any]) -> dict[str, Any]:
    """Every persona by name; ``personas["anonymous"]`` is None."""
    return create_personas()


@pytest.fixture(scope="module")
def module_db(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """One transaction around a whole test module, rolled back after its last test, for data its tests share
    (a module-scoped fixture that depends on this one builds it once). Each test that asks for ``db`` still
    runs in a savepoint of its own inside it, so what a test writes is gone before the next one starts.

    Only for modules whose tests all use ``db``: a ``transactional_db`` or ``live_server`` test would run
    inside this transaction. The block is marked as a test's own, as Django's ``TestCase`` marks its
    blocks, so code that must open a transaction of its own (`technopark.core.locking`) still has to.
    """
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`make test` runs pytest-xdist with ``--dist loadgroup``: the tests of one ``xdist_group`` go to one
    worker, found by the ``@group`` that xdist appends to their node ids. pytest 9.2 builds node ids anew and
    xdist 3.8's suffix no longer takes (pytest-xdist issue 1386), so it is appended here when missing."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        marks = item.iter_markers("xdist_group")
        groups = {str(mark.args[0] if mark.args else mark.kwargs.get("name", "default")) for mark in marks}
        if groups and "@" not in item.nodeid.rpartition("]")[2]:
            from _pytest.nodeid import NodeId

            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(sorted(groups))}")  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Each test starts with an empty cache, and a write's bumps run when it leaves for the test's own
    transaction, as they would on commit (`technopark.core.cache.for_tests`)."""
    from technopark.core import cache

    with cache.for_tests():
        yield
