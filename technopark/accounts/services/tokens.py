"""Personal API tokens: issue, revoke, and resolve a presented token to its login."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.accounts.access import SecondFactorRequired, may_issue_api_token
from technopark.accounts.models import ApiToken, User
from technopark.core.errors import DomainError
from technopark.core.locking import lock_row, lock_rows
from technopark.core.services import log_action

TOKEN_PREFIX = "tp_"  # noqa: S105 (a marker, not a secret)
# The longest a token works; whoever issues it may choose fewer days.
TOKEN_MAX_DAYS = 180
# `last_used_at` is refreshed at most this often, so that reading the API does not write on every call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


class TokenError(DomainError):
    code = "token_error"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def issue_api_token(
    user: User, *, actor: User | None, name: str = "", days: int = TOKEN_MAX_DAYS, second_factor: bool = False
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` valid for ``days``; return the stored record and the raw token (shown once).

    Called by the login itself (its token page, ``second_factor`` telling whether its session used the
    second factor) and by the operator's `issue_api_token` command. Raises `SecondFactorRequired` for a
    centre-staff login without ``second_factor`` (DOMAIN.md rule 11) and `TokenError` for a validity
    outside 1–`TOKEN_MAX_DAYS` days or a blocked login.
    """
    if not user.is_active:
        raise TokenError(_("The login is blocked; unblock it first."), code="user_blocked")
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise TokenError(
            _("A token works for 1 to %(days)s days.") % {"days": TOKEN_MAX_DAYS}, code="token_days", field="days"
        )
    if not may_issue_api_token(user, second_factor=second_factor):
        raise SecondFactorRequired
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip()[:100],
        key_hash=_hash(raw),
        prefix=raw[:10],
        expires_at=timezone.now() + dt.timedelta(days=days),
        issued_with_second_factor=second_factor,
    )
    token.full_clean()
    token.save()
    log_action(
        token,
        "api.token.issued",
        actor=actor,
        data={"user_id": user.pk, "prefix": token.prefix, "days": days, "second_factor": second_factor},
    )
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: User, reason: str = "revoked") -> None:
    """Stop ``token`` working. Its owner or an administrator (checked by the caller's access rule)."""
    locked = lock_row(ApiToken, token.pk)
    if locked.revoked_at is not None:
        token.revoked_at = locked.revoked_at
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    log_action(token, "api.token.revoked", actor=actor, data={"prefix": token.prefix, "reason": reason})


@transaction.atomic
def revoke_api_tokens(user: User, *, actor: User, reason: str) -> int:
    """Stop every token of ``user`` working: the password was changed or reset, or the login was blocked.
    Returns how many were in force; each revocation is audited."""
    tokens = lock_rows(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        revoke_api_token(token, actor=actor, reason=reason)
    return len(tokens)


def user_for_token(raw: str) -> User | None:
    """The active login a raw token belongs to, or None for an unknown, expired, revoked or blocked one.

    Raises `SecondFactorRequired` for a centre-staff login's token not issued after its second factor, while
    `MFA_REQUIRED_FOR_STAFF` is on (DOMAIN.md rule 11).
    """
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .annotate(user_role_list=User.objects.role_list())
        .filter(key_hash=_hash(raw), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    user = token.user
    user.__dict__["role_list"] = token.user_role_list  # type: ignore[attr-defined]
    if settings.MFA_REQUIRED_FOR_STAFF and not token.issued_with_second_factor and user.holds_staff_role:
        raise SecondFactorRequired
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user
