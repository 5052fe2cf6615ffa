"""How a login signs in and how a session finds its login again.

allauth's backend signs in by e-mail (case-insensitively, with its timing-attack mitigation); this one adds
only how a session's login is read: with its roles in the same query (`UserManager.with_roles`). Every
signed-in request reads the session, the login and its roles, and on PostgreSQL each query is a round trip
of its own (bench/README.md, Labs, fourth pass).

A session names the backend that signed it in and Django accepts only backends listed in
AUTHENTICATION_BACKENDS, so this is the only one listed: sessions signed in through the backends listed
before (Django's ModelBackend and allauth's) ended once when this one replaced them (decision 0001, point 2).
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from technopark.accounts.models import User


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        try:
            user = User.objects.with_roles().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
