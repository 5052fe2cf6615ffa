"""Every write in accounts: logins and roles, API tokens, people and guardianship, consent. Views, the API and
commands call these, never the ORM directly. Import from here: ``from technopark.accounts import services``."""

from technopark.accounts.services.consent import (
    ConsentError,
    create_consent_text,
    give_consent,
    publish_consent_text,
    update_consent_text,
    withdraw_consent,
)
from technopark.accounts.services.logins import (
    AccountError,
    grant_role,
    record_auth_event,
    revoke_role,
    set_user_active,
    update_profile,
)
from technopark.accounts.services.people import (
    CLAIM_CODE_DAYS,
    PersonError,
    add_guardian,
    claim_person,
    create_person,
    ensure_own_person,
    issue_claim_code,
    link_guardian,
    mark_not_duplicate,
    merge_persons,
    unlink_guardian,
    update_person,
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
    "CLAIM_CODE_DAYS",
    "TOKEN_MAX_DAYS",
    "AccountError",
    "ConsentError",
    "PersonError",
    "TokenError",
    "add_guardian",
    "claim_person",
    "create_consent_text",
    "create_person",
    "ensure_own_person",
    "give_consent",
    "grant_role",
    "issue_api_token",
    "issue_claim_code",
    "link_guardian",
    "mark_not_duplicate",
    "merge_persons",
    "publish_consent_text",
    "record_auth_event",
    "revoke_api_token",
    "revoke_api_tokens",
    "revoke_role",
    "set_user_active",
    "unlink_guardian",
    "update_consent_text",
    "update_person",
    "update_profile",
    "user_for_token",
    "withdraw_consent",
]
