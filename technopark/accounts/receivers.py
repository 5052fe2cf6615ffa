"""Audit records for sign-in events that Django and allauth announce by signal.

These are the only hooks those libraries offer; the receivers record and do nothing else, except what
must follow a sign-in event wherever it happens: a new or reset password revokes the login's API tokens
(`services.revoke_api_tokens`), and setting up an authenticator app is recorded in the session as a use of
the second factor (`access.note_second_factor_set_up`).
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals

from technopark.accounts.access import note_second_factor_set_up
from technopark.accounts.models import User
from technopark.accounts.services import record_auth_event, revoke_api_tokens


def _on_logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    record_auth_event("accounts.login.succeeded", user=user)


def _on_logged_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record_auth_event("accounts.logout", user=user)


def _on_signed_up(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    record_auth_event("accounts.user.signed_up", user=user)


def _on_email_confirmed(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    record_auth_event("accounts.email.confirmed", user=email_address.user, data={"email": email_address.email})


def _on_password_reset(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    record_auth_event("accounts.password.reset", user=user)
    revoke_api_tokens(user, actor=user, reason="password_reset")


def _on_password_changed(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    record_auth_event("accounts.password.changed", user=user)
    revoke_api_tokens(user, actor=user, reason="password_changed")


def _on_authenticator_added(sender: Any, request: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    record_auth_event("accounts.mfa.added", user=user, data={"type": authenticator.type})
    note_second_factor_set_up(request, authenticator)


def _on_authenticator_removed(sender: Any, request: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
    record_auth_event("accounts.mfa.removed", user=user, data={"type": authenticator.type})


def connect() -> None:
    auth_signals.user_logged_in.connect(_on_logged_in, dispatch_uid="technopark_logged_in")
    auth_signals.user_logged_out.connect(_on_logged_out, dispatch_uid="technopark_logged_out")
    account_signals.user_signed_up.connect(_on_signed_up, dispatch_uid="technopark_signed_up")
    account_signals.email_confirmed.connect(_on_email_confirmed, dispatch_uid="technopark_email_confirmed")
    account_signals.password_reset.connect(_on_password_reset, dispatch_uid="technopark_password_reset")
    account_signals.password_changed.connect(_on_password_changed, dispatch_uid="technopark_password_changed")
    mfa_signals.authenticator_added.connect(_on_authenticator_added, dispatch_uid="technopark_mfa_added")
    mfa_signals.authenticator_removed.connect(_on_authenticator_removed, dispatch_uid="technopark_mfa_removed")
