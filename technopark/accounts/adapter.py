from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from technopark.accounts.models import User
from technopark.accounts.services import record_auth_event
from technopark.core.context import client_ip


def _attempted_email(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")[:254]


class AccountAdapter(DefaultAccountAdapter):
    """allauth's hooks into the platform: sign-up switch, the audit trail of failed sign-ins, and the
    client's address its rate limits count."""

    def get_client_ip(self, request: HttpRequest) -> str:
        # The address the audit log records: behind the README's proxy, the client's, never the proxy's,
        # which every visitor would share (README → Production, TRUSTED_PROXY_COUNT).
        ip = client_ip(request.META, settings.TRUSTED_PROXY_COUNT)
        if not ip:
            raise PermissionDenied("Unable to determine the client's address")
        return ip

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(getattr(settings, "ACCOUNT_SIGNUP_OPEN", True))

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            # The rate limit refused the attempt before the password was even checked.
            record_auth_event("accounts.login.throttled", label=_attempted_email(credentials))
            raise

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        email = _attempted_email(credentials)
        user = User.objects.filter(email__iexact=email).first() if email else None
        record_auth_event("accounts.login.failed", user=None, label=email, data={"known_account": user is not None})
