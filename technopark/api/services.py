"""Personal API tokens: issue, revoke, and resolve a presented token to its user."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from technopark.api.models import ApiToken
from technopark.core.services import log_action

TOKEN_PREFIX = "tp_"  # noqa: S105 (a marker, not a secret)
# `last_used_at` is refreshed at most this often, so that reading the API does not write on every call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def issue_api_token(user: Any, *, name: str = "", actor: Any = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return the stored record and the raw token (shown only once)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name[:100], key_hash=_hash(raw), prefix=raw[:10])
    token.full_clean()
    token.save()
    log_action(token, "api.token.issued", actor=actor, data={"user_id": user.pk, "prefix": token.prefix})
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: Any) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log_action(token, "api.token.revoked", actor=actor, data={"prefix": token.prefix})


def user_for_token(raw: str) -> Any | None:
    """The active user a raw token belongs to, or None for an unknown, revoked or blocked one."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
