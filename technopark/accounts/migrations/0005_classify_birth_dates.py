"""Existing data under the rule of issue 12 (DOMAIN.md rule 10).

1. A date of birth counts as confirmed unless the audit log shows that the person themself set it last
   (through their own login): dates added by teachers, coordinators, staff, guardians and imports stay in
   force, and the exact attack of issue 12 (a child typing 2000-01-01 on their own record) does not.
2. Guardianships made by redeeming a guardian code record that code (from the codes' ``used_by``).
3. Consents withdrawn before get the reason "request".
4. Every active consent whose giver is not the one the rule now names for the day it was given ends, with
   an audit record: a child's own consent given while their self-typed date said 16, or a consent of a
   former guardian whose link staff removed. Nobody is e-mailed by a migration; the record's page shows why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations
from django.db.models import F
from django.utils import timezone

AGE_OF_OWN_CONSENT = 16
# As `accounts.selectors.ADULT_ROLES` and `is_adult_by_grant` when this migration was written.
ADULT_ROLES = ["administrator", "methodologist", "lab_manager", "teacher", "coordinator"]


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def forwards(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("accounts", "Person")
    Consent = apps.get_model("accounts", "Consent")
    ClaimCode = apps.get_model("accounts", "ClaimCode")
    Guardianship = apps.get_model("accounts", "Guardianship")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    AuditLog = apps.get_model("core", "AuditLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Affiliation = apps.get_model("network", "Affiliation")
    Institution = apps.get_model("network", "Institution")

    # 1. Dates of birth: confirmed by whoever made the record, then by whoever changed the date last.
    Person.objects.filter(birth_date__isnull=False).update(
        birth_date_confirmed_at=F("created_at"), birth_date_confirmed_by=F("created_by")
    )
    person_type = ContentType.objects.filter(app_label="accounts", model="person").first()
    if person_type is not None:
        last: dict[int, tuple[int | None, dt.datetime]] = {}
        changes = AuditLog.objects.filter(
            action="accounts.person.changed", target_type=person_type, data__changed__has_key="birth_date"
        ).order_by("created_at", "id")
        for target_id, actor_id, at in changes.values_list("target_id", "actor_id", "created_at").iterator(2000):
            if target_id.isdigit():
                last[int(target_id)] = (actor_id, at)
        # The whole registry in one pass rather than an IN list of every changed id (SQLite limits those).
        logins = Person.objects.filter(birth_date__isnull=False).values_list("pk", "user_id").iterator(5000)
        for pk, login in [(pk, login) for pk, login in logins if pk in last]:
            actor_id, at = last[pk]
            if login is not None and actor_id == login:
                Person.objects.filter(pk=pk).update(birth_date_confirmed_at=None, birth_date_confirmed_by=None)
            else:
                Person.objects.filter(pk=pk).update(birth_date_confirmed_at=at, birth_date_confirmed_by=actor_id)

    # 2. Guardianships made with a code.
    used = ClaimCode.objects.filter(claimant="guardian", used_by__isnull=False)
    for code_id, child_id, user_id in used.values_list("pk", "person_id", "used_by_id").iterator(2000):
        Guardianship.objects.filter(child_id=child_id, guardian__user_id=user_id, claim_code__isnull=True).update(
            source="claim_code", claim_code_id=code_id
        )

    # 3. Earlier withdrawals were requests.
    Consent.objects.filter(withdrawn_at__isnull=False, withdrawal_reason="").update(withdrawal_reason="request")

    # 4. Consents by a giver the rule does not name.
    active = list(
        Consent.objects.filter(withdrawn_at__isnull=True).values_list(
            "pk", "subject_id", "giver_id", "given_at", "purpose"
        )
    )
    if not active:
        return
    subjects = {row[1] for row in active}
    dates = {
        pk: (born, confirmed is not None)
        for pk, born, confirmed in Person.objects.values_list("pk", "birth_date", "birth_date_confirmed_at").iterator(
            5000
        )
        if pk in subjects
    }
    adult_users = set(RoleAssignment.objects.filter(role__in=ADULT_ROLES).values_list("user_id", flat=True))
    adult_users |= set(Institution.coordinators.through.objects.values_list("user_id", flat=True))
    adults = set(Affiliation.objects.filter(kind="teacher").values_list("person_id", flat=True))
    adults |= set(Guardianship.objects.filter(source="linked").values_list("guardian_id", flat=True))
    adults |= {
        pk
        for pk, login in Person.objects.filter(user__isnull=False).values_list("pk", "user_id")
        if login in adult_users
    }
    guardians = set(Guardianship.objects.values_list("child_id", "guardian_id").iterator(5000))
    now = timezone.now()
    ended: list[tuple[int, int, int, str, str]] = []
    for pk, subject_id, giver_id, given_at, purpose in active:
        born, confirmed = dates.get(subject_id, (None, False))
        if born is not None and confirmed:
            rule = "guardian" if _age_on(born, timezone.localtime(given_at).date()) < AGE_OF_OWN_CONSENT else "self"
        else:
            rule = "self" if subject_id in adults else "guardian"
        if rule == "self" and giver_id != subject_id:
            reason = "age_corrected"
        elif rule == "guardian" and giver_id == subject_id:
            reason = "birth_date_unconfirmed" if born is not None and not confirmed else "age_corrected"
        elif rule == "guardian" and (subject_id, giver_id) not in guardians:
            reason = "guardianship_revoked"
        else:
            continue
        ended.append((pk, subject_id, giver_id, purpose, reason))
    for pk, _subject, _giver, _purpose, reason in ended:
        Consent.objects.filter(pk=pk).update(withdrawn_at=now, withdrawal_reason=reason)
    if person_type is not None:
        AuditLog.objects.bulk_create(
            AuditLog(
                action="accounts.consent.withdrawn",
                actor_label="migration accounts 0004",
                target_type=person_type,
                target_id=str(subject),
                data={"consent": pk, "purpose": purpose, "giver": giver, "reason": reason},
            )
            for pk, subject, giver, purpose, reason in ended
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_confirmed_birth_date_and_consent_endings"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0005_verbose_names"),
        ("network", "0004_affiliation"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
