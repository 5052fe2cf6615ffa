from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import AuthenticationError

from technopark.accounts.access import has_totp

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    roles: list[str]
    mfa_enabled: bool


@router.get("/me", response=MeOut, url_name="me", summary="The caller's own login")
def me(request: HttpRequest) -> dict[str, Any]:
    """Who the token or session belongs to, with the roles it holds."""
    user = request.auth  # type: ignore[attr-defined]
    if not user.is_authenticated:
        raise AuthenticationError
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.get_full_name(),
        "roles": sorted(user.roles),
        "mfa_enabled": has_totp(user),
    }
