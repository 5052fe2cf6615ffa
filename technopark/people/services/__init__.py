"""Every write to people: records, guardianship, claim codes, merges, places in the cluster, consent texts and
consents. Views, the API and commands call these, never the ORM directly. Import from here:
``from technopark.people import services``."""

from technopark.people.services.affiliations import (
    RowErrors,
    add_student,
    add_students,
    remove_affiliation,
    set_affiliation,
)
from technopark.people.services.claims import (
    CLAIM_CODE_DAYS,
    GuardianClaimRefused,
    claim_person,
    issue_claim_code,
)
from technopark.people.services.consent import (
    CONSENTS_REVISION,
    ConsentError,
    create_consent_text,
    end_consents_of_guardian,
    end_consents_of_wrong_givers,
    give_consent,
    publish_consent_text,
    register_consent_ended_handler,
    update_consent_text,
    withdraw_consent,
)
from technopark.people.services.merge import (
    MergeSummary,
    mark_not_duplicate,
    merge_persons,
    preview_merge,
)
from technopark.people.services.people import (
    PersonError,
    add_guardian,
    confirm_birth_date,
    create_person,
    ensure_own_person,
    link_guardian,
    unlink_guardian,
    update_person,
)

__all__ = [
    "CLAIM_CODE_DAYS",
    "CONSENTS_REVISION",
    "ConsentError",
    "GuardianClaimRefused",
    "MergeSummary",
    "PersonError",
    "RowErrors",
    "add_guardian",
    "add_student",
    "add_students",
    "claim_person",
    "confirm_birth_date",
    "create_consent_text",
    "create_person",
    "end_consents_of_guardian",
    "end_consents_of_wrong_givers",
    "ensure_own_person",
    "give_consent",
    "issue_claim_code",
    "link_guardian",
    "mark_not_duplicate",
    "merge_persons",
    "preview_merge",
    "publish_consent_text",
    "register_consent_ended_handler",
    "remove_affiliation",
    "set_affiliation",
    "unlink_guardian",
    "update_consent_text",
    "update_person",
    "withdraw_consent",
]
