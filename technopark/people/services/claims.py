"""Claim codes: a teacher hands one out, a student or a guardian claims the record with it (DOMAIN.md rule 10)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import RoleAssignment, User
from technopark.accounts.roles import Role
from technopark.core.locking import lock_row, lock_rows
from technopark.core.services import log_action
from technopark.people.access import forget_what_changed
from technopark.people.models import ClaimCode, Guardianship, Person
from technopark.people.services.people import PersonError, ensure_own_person, link_guardian

# A claim code is valid this long after it is issued.
CLAIM_CODE_DAYS = 30
# Unambiguous letters and digits (no 0/O, 1/I/L): 12 of them carry 60 bits, so codes cannot be guessed,
# and failed attempts are limited besides.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
MAX_FAILED_CLAIMS_PER_HOUR = 10


class GuardianClaimRefused(PersonError):
    """A guardian code redeemed by someone who may never be the child's guardian by a code (DOMAIN.md
    rule 10): its issuer, a teacher or a coordinator of an institution the child is attached to."""

    code = "guardian_claim_refused"

    def __init__(self, message: Any, *, reason: str, claim: ClaimCode, person: Person) -> None:
        super().__init__(message, field="code")
        self.reason, self.claim, self.person = reason, claim, person


def _hash_code(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


@transaction.atomic
def issue_claim_code(person: Person, *, claimant: str, actor: User | AnonymousUser | None) -> tuple[ClaimCode, str]:
    """A new single-use code for ``person`` and the code itself (shown once, stored only as a hash).

    Earlier unused codes of the same kind for the person stop working. Raises `PersonError` when the
    record already has a login (for ``self``) or already has two guardians (for ``guardian``).
    """
    if claimant not in ClaimCode.Claimant.values:
        raise PersonError(_("Choose who will use the code."), code="claimant", field="claimant")
    if claimant == ClaimCode.Claimant.SELF and person.user_id:
        raise PersonError(_("This record already belongs to a login."), code="already_claimed")
    if claimant == ClaimCode.Claimant.GUARDIAN and person.guardianships.count() >= Guardianship.MAX_PER_CHILD:
        raise PersonError(_("A child can have at most two guardians."), code="too_many_guardians")
    now = timezone.now()
    ClaimCode.objects.filter(person=person, claimant=claimant, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    code = _new_code()
    claim = ClaimCode.objects.create(
        person=person,
        claimant=claimant,
        code_hash=_hash_code(code),
        expires_at=now + dt.timedelta(days=CLAIM_CODE_DAYS),
        created_by=actor if isinstance(actor, User) else None,
    )
    log_action(person, "accounts.claim_code.issued", actor=actor, data={"claimant": claimant, "code_id": claim.pk})
    return claim, code


def _failed_claims_key(user: User) -> str:
    return f"accounts:claim-failures:{user.pk}"


def claim_person(code: str, *, user: User) -> Person:
    """Claim the record a code was issued for: as the person themself (the record gets this login) or as
    a guardian (the login's own record becomes the child's guardian, and the link records the code).

    Raises `PersonError` for an unknown, used or expired code (after too many failures, for any code for
    an hour) and when the login already has a record of its own (for ``self``); `GuardianClaimRefused`
    (audited) when a guardian code is redeemed by its issuer or by a teacher or coordinator of an
    institution the child is attached to.
    """
    failures_key = _failed_claims_key(user)
    if (cache.get(failures_key) or 0) >= MAX_FAILED_CLAIMS_PER_HOUR:
        log_action(None, "accounts.claim_code.throttled", actor=user)
        raise PersonError(_("Too many wrong codes. Try again in an hour."), code="claim_throttled", field="code")
    try:
        person = _claim(code, user=user)
        forget_what_changed(user)
        return person
    except GuardianClaimRefused as refusal:
        # Recorded outside the failed transaction; the code stays valid for the real guardian.
        log_action(
            refusal.person,
            "accounts.claim_code.refused",
            actor=user,
            data={"code_id": refusal.claim.pk, "reason": refusal.reason, "issued_by": refusal.claim.created_by_id},
        )
        raise
    except PersonError as error:
        if error.code == "claim_code_invalid":
            try:
                cache.incr(failures_key)
            except ValueError:
                cache.set(failures_key, 1, timeout=3600)
            # Recorded outside the failed transaction, so the attempt stays in the audit log.
            log_action(None, "accounts.claim_code.failed", actor=user)
        raise


@transaction.atomic
def _claim(code: str, *, user: User) -> Person:
    invalid = PersonError(
        _("This code is not valid. Check it, or ask the teacher for a new one."),
        code="claim_code_invalid",
        field="code",
    )
    claim = next(iter(lock_rows(ClaimCode.objects.filter(code_hash=_hash_code(code)).select_related("person"))), None)
    if claim is None or claim.used_at is not None or claim.expires_at <= timezone.now():
        raise invalid
    person = lock_row(Person, claim.person_id)
    if claim.claimant == ClaimCode.Claimant.SELF:
        if person.user_id:
            raise invalid
        if Person.objects.filter(user=user).exists():
            raise PersonError(
                _("Your login already has a record of its own. Ask the centre to merge the two records."),
                code="login_has_person",
                field="code",
            )
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        role = Role.STUDENT
    else:
        _check_may_claim_as_guardian(claim, person, user)
        guardian = ensure_own_person(user)
        if guardian.pk == person.pk:
            raise invalid
        if not Guardianship.objects.filter(child=person, guardian=guardian).exists():
            link_guardian(person, guardian, actor=user, claim_code=claim)
        role = Role.GUARDIAN
    if not RoleAssignment.objects.filter(user=user, role=role).exists():
        RoleAssignment.objects.create(user=user, role=role)
        user.__dict__.pop("roles", None)
        log_action(user, "accounts.role.granted", actor=user, data={"role": role, "by": "claim_code"})
    claim.used_at = timezone.now()
    claim.used_by = user
    claim.save(update_fields=["used_at", "used_by"])
    log_action(person, "accounts.person.claimed", actor=user, data={"claimant": claim.claimant, "code_id": claim.pk})
    return person


def _check_may_claim_as_guardian(claim: ClaimCode, child: Person, user: User) -> None:
    """Refuse a guardian code to whoever keeps the child's record rather than being the child's guardian:
    the code's issuer, and the teachers and coordinators of the institutions the child is attached to
    (a teacher would otherwise make themself a guardian and consent for the child)."""
    # One query each, by reverse relation names, whatever institution the child is attached to.
    child_institutions = Person.objects.filter(pk=child.pk).values("affiliations__institution")
    if claim.created_by_id == user.pk:
        raise GuardianClaimRefused(
            _(
                "You issued this code, so you cannot redeem it as the child's guardian. Hand it to the "
                "guardian: they sign in with their own login and enter it."
            ),
            reason="issuer",
            claim=claim,
            person=child,
        )
    teaches = Person.objects.filter(
        user=user, affiliations__kind="teacher", affiliations__institution__in=child_institutions
    ).exists()
    coordinates = User.objects.filter(pk=user.pk, coordinated_institutions__in=child_institutions).exists()
    if teaches or coordinates:
        raise GuardianClaimRefused(
            _(
                "A teacher or coordinator of the child's institution cannot become the child's guardian with a "
                "code. If you are the child's parent or legal representative, ask the centre to link you."
            ),
            reason="teacher" if teaches else "coordinator",
            claim=claim,
            person=child,
        )
