"""How API callers prove who they are: a personal token, or the browser session (with CSRF)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from technopark.accounts.access import SecondFactorRequired, apply_second_factor_rule
from technopark.accounts.services import user_for_token

_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tp_…`` from the token page (`/accounts/tokens/`) or `manage.py issue_api_token`.

    A bad, expired or revoked token is a 401, never anonymous; a centre-staff token not issued after the
    second factor is a 403 (``mfa_required``, `user_for_token`).
    """

    def __call__(self, request: HttpRequest) -> Any | None:
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise AuthenticationError
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token)
        if user is None:
            raise AuthenticationError
        # The token's own second-factor rule stood in for the session's (`apply_second_factor_rule`).
        user.second_factor_checked = True
        user.start_request_memo()
        request.user = user
        return user


class SessionUserAuth(APIKeyCookie):
    """The signed-in browser session; writes need the CSRF token like any form on the site.

    A centre-staff login whose session has not used its second factor is refused (403, ``mfa_required``)
    rather than answered as a non-staff login: a script would otherwise read less than it asked for
    without a word (DOMAIN.md rule 11).
    """

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def __call__(self, request: HttpRequest) -> Any | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if apply_second_factor_rule(request, user).awaiting_second_factor:
            raise SecondFactorRequired
        if request.method not in _SAFE_METHODS and check_csrf(request) is not None:
            raise AuthenticationError(403, "CSRF check failed: send the X-CSRFToken header")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        return self(request)


def anonymous(request: HttpRequest) -> Any:
    """Lets public endpoints through without credentials; the caller is then the anonymous user."""
    return AnonymousUser()


token_auth = TokenAuth()
session_auth = SessionUserAuth()
# For endpoints anyone may read; staff who present credentials see more.
PUBLIC: list[Callable[..., Any]] = [token_auth, session_auth, anonymous]
# For endpoints that need a signed-in caller.
SIGNED_IN: list[Callable[..., Any]] = [token_auth, session_auth]
