"""Every write in accounts: logins and roles, API tokens. Views, the API and
commands call these, never the ORM directly. Import from here: ``from technopark.accounts import services``."""

from technopark.accounts.services.logins import (
    AccountError,
    grant_role,
    record_auth_event,
    revoke_role,
    set_user_active,
    update_profile,
)
from technopark.accounts.services.tokens import (
    TOKEN_MAX_DAYS,
    TokenError,
    issue_api_token,
    revoke_api_token,
    revoke_api_tokens,
    user_for_token,
)

__all__ = [
    "TOKEN_MAX_DAYS",
    "AccountError",
    "TokenError",
    "grant_role",
    "issue_api_token",
    "record_auth_event",
    "revoke_api_token",
    "revoke_api_tokens",
    "revoke_role",
    "set_user_active",
    "update_profile",
    "user_for_token",
]
