"""Every write to people in the registry: records, guardianship, claim codes, duplicates and merges."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import RoleAssignment, User
from technopark.accounts.roles import Role
from technopark.core.errors import ConflictError, DomainError
from technopark.core.locking import lock_row, lock_rows
from technopark.core.services import log_action
from technopark.core.text import normalize_phone, search_key
from technopark.people.access import forget_what_changed
from technopark.people.models import ClaimCode, Guardianship, NotDuplicate, Person, validate_birth_date
from technopark.people.services.consent import end_consents_of_guardian, end_consents_of_wrong_givers

# A claim code is valid this long after it is issued.
CLAIM_CODE_DAYS = 30
# Unambiguous letters and digits (no 0/O, 1/I/L): 12 of them carry 60 bits, so codes cannot be guessed,
# and failed attempts are limited besides.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
MAX_FAILED_CLAIMS_PER_HOUR = 10

PERSON_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "email",
    "phone",
    "grade",
    "qualification_category",
)


class PersonError(DomainError):
    code = "person_error"


class GuardianClaimRefused(PersonError):
    """A guardian code redeemed by someone who may never be the child's guardian by a code (DOMAIN.md
    rule 10): its issuer, a teacher or a coordinator of an institution the child is attached to."""

    code = "guardian_claim_refused"

    def __init__(self, message: Any, *, reason: str, claim: ClaimCode, person: Person) -> None:
        super().__init__(message, field="code")
        self.reason, self.claim, self.person = reason, claim, person


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    for name in ("last_name", "first_name", "patronymic", "email"):
        if name in cleaned and cleaned[name] is not None:
            cleaned[name] = " ".join(str(cleaned[name]).split())
    if cleaned.get("email"):
        cleaned["email"] = cleaned["email"].lower()
    if "phone" in cleaned:
        cleaned["phone"] = normalize_phone(cleaned["phone"] or "")
    if cleaned.get("birth_date"):
        try:
            validate_birth_date(cleaned["birth_date"])
        except ValidationError as error:
            raise PersonError(error.messages[0], code=error.error_list[0].code, field="birth_date") from None
    return cleaned


def _is_own_record(person: Person, actor: User | AnonymousUser | None, user: User | None = None) -> bool:
    """Whether ``actor`` is the login of ``person`` itself (``user``: the login the record is about to get)."""
    own = user.pk if user is not None else person.user_id
    return own is not None and getattr(actor, "pk", None) == own


def _confirm_by(person: Person, actor: User | AnonymousUser | None) -> None:
    """Mark the date of birth as set or confirmed by ``actor`` (someone other than the person; None when a
    command or an import wrote it), or unconfirmed when there is no date."""
    if person.birth_date is None:
        person.birth_date_confirmed_at, person.birth_date_confirmed_by = None, None
    else:
        person.birth_date_confirmed_at = timezone.now()
        person.birth_date_confirmed_by = actor if isinstance(actor, User) else None


def _refresh_search_text(person: Person) -> None:
    person.search_text = search_key(person.last_name, person.first_name, person.patronymic)


def _snapshot(person: Person) -> dict[str, Any]:
    data = {name: getattr(person, name) for name in PERSON_FIELDS}
    if data["birth_date"]:
        data["birth_date"] = data["birth_date"].isoformat()
    data["birth_date_confirmed"] = person.birth_date_confirmed
    return data


@transaction.atomic
def create_person(*, actor: User | AnonymousUser | None, user: User | None = None, **fields: Any) -> Person:
    """Add a person to the registry (the caller's access rule decides who may). Fields are
    `PERSON_FIELDS`; names are trimmed, the phone normalised. A date of birth counts as confirmed unless the
    record is the actor's own (DOMAIN.md rule 10). Raises `ValidationError` or `PersonError`."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    person = Person(**_clean_fields(fields), user=user, created_by=actor if isinstance(actor, User) else None)
    if not _is_own_record(person, actor, user):
        _confirm_by(person, actor)
    _refresh_search_text(person)
    person.full_clean()
    person.save()
    log_action(person, "accounts.person.created", actor=actor, data=_snapshot(person))
    forget_what_changed(actor, user)
    return person


@transaction.atomic
def update_person(person: Person, *, actor: User | AnonymousUser | None, **fields: Any) -> Person:
    """Change a person's details; the audit record keeps each changed value before and after.

    The date of birth decides who consents (DOMAIN.md rule 10). Changed by anyone else who may edit the
    record (the caller's access rule: staff, the coordinator, the student's teacher, a guardian), it is
    confirmed, and every consent that a wrong giver gave under the old date ends
    (`end_consents_of_wrong_givers`). The person themself may enter a missing date, which stays unconfirmed,
    but not change a confirmed one: `PersonError` ``birth_date_confirmed``.
    """
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    person = lock_row(Person, person.pk)
    before = _snapshot(person)
    cleaned = _clean_fields(fields)
    new_date = "birth_date" in cleaned and cleaned["birth_date"] != person.birth_date
    own = _is_own_record(person, actor)
    if new_date and own and person.birth_date_confirmed:
        raise PersonError(
            _(
                "Your date of birth was confirmed by your teacher, your guardian or the centre, so you cannot "
                "change it yourself. If it is wrong, ask your teacher or guardian to correct it."
            ),
            code="birth_date_confirmed",
            field="birth_date",
        )
    for name, value in cleaned.items():
        setattr(person, name, value)
    update_fields = [*fields, "search_text", "updated_at"]
    if new_date:
        if own:
            person.birth_date_confirmed_at, person.birth_date_confirmed_by = None, None
        else:
            _confirm_by(person, actor)
        update_fields += ["birth_date_confirmed_at", "birth_date_confirmed_by"]
    _refresh_search_text(person)
    person.full_clean()
    person.save(update_fields=update_fields)
    after = _snapshot(person)
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changed:
        log_action(person, "accounts.person.changed", actor=actor, data={"changed": changed})
    if new_date and not own:
        end_consents_of_wrong_givers(person, actor=actor)
    return person


@transaction.atomic
def confirm_birth_date(person: Person, *, actor: User | AnonymousUser | None) -> Person:
    """Confirm a date of birth the person entered themself, so that it counts for the consent rule and for
    age limits. The caller's access rule decides who may (`network.access.may_confirm_birth_date`: whoever
    may edit the record but the person). Consents a wrong giver gave under the old state end.

    Raises `PersonError` when there is no date of birth, or when ``actor`` is the person themself;
    `ConflictError` when it is confirmed already.
    """
    person = lock_row(Person, person.pk)
    if person.birth_date is None:
        raise PersonError(
            _("There is no date of birth to confirm. Enter it first."), code="birth_date_missing", field="birth_date"
        )
    if _is_own_record(person, actor):
        raise PersonError(
            _("Your own date of birth is confirmed by your teacher, your guardian or the centre."),
            code="birth_date_own",
        )
    if person.birth_date_confirmed:
        raise ConflictError(_("The date of birth is already confirmed."), code="birth_date_confirmed")
    _confirm_by(person, actor)
    person.save(update_fields=["birth_date_confirmed_at", "birth_date_confirmed_by", "updated_at"])
    log_action(
        person, "accounts.person.birth_date_confirmed", actor=actor, data={"birth_date": person.birth_date.isoformat()}
    )
    end_consents_of_wrong_givers(person, actor=actor)
    return person


@transaction.atomic
def ensure_own_person(user: User, *, actor: User | AnonymousUser | None = None) -> Person:
    """The registry record of a login, created from its name when it has none yet."""
    person = next(iter(lock_rows(Person.objects.filter(user=user))), None)
    if person is not None:
        return person
    return create_person(
        actor=actor or user,
        user=user,
        last_name=user.last_name or user.email.split("@")[0],
        first_name=user.first_name or "—",
        patronymic=user.patronymic,
        email=user.email,
    )


@transaction.atomic
def link_guardian(
    child: Person, guardian: Person, *, actor: User | AnonymousUser | None, claim_code: ClaimCode | None = None
) -> Guardianship:
    """Make ``guardian`` a guardian of ``child``. A child has at most two guardians. With ``claim_code`` the
    link records that the guardian claimed the child with that code (`claim_person`).

    Raises `ConflictError` when already linked, `PersonError` when the child has two guardians or the
    two records are the same person.
    """
    # Lock the child so two simultaneous links cannot both see one free place.
    lock_rows(Person.objects.filter(pk=child.pk))
    if guardian.pk == child.pk:
        raise PersonError(_("A person cannot be their own guardian."), code="guardian_self")
    if Guardianship.objects.filter(child=child, guardian=guardian).exists():
        raise ConflictError(_("This guardian is already linked to the child."), code="guardian_already_linked")
    if Guardianship.objects.filter(child=child).count() >= Guardianship.MAX_PER_CHILD:
        raise PersonError(_("A child can have at most two guardians."), code="too_many_guardians")
    link = Guardianship.objects.create(
        child=child,
        guardian=guardian,
        created_by=actor if isinstance(actor, User) else None,
        source=Guardianship.Source.CLAIM_CODE if claim_code is not None else Guardianship.Source.LINKED,
        claim_code=claim_code,
    )
    log_action(
        child,
        "accounts.guardian.linked",
        actor=actor,
        data={
            "guardian": guardian.pk,
            "name": str(guardian),
            "source": link.source,
            "code_id": claim_code.pk if claim_code is not None else None,
        },
    )
    forget_what_changed(actor, guardian.user)
    return link


@transaction.atomic
def add_guardian(child: Person, *, actor: User | AnonymousUser | None, **fields: Any) -> Person:
    """A new record for a guardian without a login (a parent who signs on paper), linked to ``child``.
    Fields as `create_person`; raises what `link_guardian` raises, and then nothing is saved."""
    guardian = create_person(actor=actor, **fields)
    link_guardian(child, guardian, actor=actor)
    return guardian


@transaction.atomic
def unlink_guardian(link: Guardianship, *, actor: User | AnonymousUser | None) -> None:
    """Revoke a guardianship (staff, when it was made by mistake or claimed by someone who is not the
    child's guardian). The consents the former guardian gave for the child end with it
    (`end_consents_of_guardian`), and the people concerned are told."""
    child, guardian = link.child, link.guardian
    data = {
        "guardian": guardian.pk,
        "name": str(guardian),
        "source": link.source,
        "code_id": link.claim_code_id,
        "linked_at": link.created_at.isoformat() if link.created_at else None,
    }
    link.delete()
    log_action(child, "accounts.guardian.unlinked", actor=actor, data=data)
    forget_what_changed(actor, guardian.user)
    end_consents_of_guardian(child, guardian, actor=actor)


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


def _ordered_pair(first: Person, second: Person) -> tuple[Person, Person]:
    return (first, second) if first.pk < second.pk else (second, first)


@transaction.atomic
def mark_not_duplicate(first: Person, second: Person, *, actor: User | AnonymousUser | None) -> None:
    """Remember that two similar records are different people, so they are no longer offered for merging."""
    low, high = _ordered_pair(first, second)
    if low.pk == high.pk:
        raise PersonError(_("Choose two different records."), code="same_person")
    _pair, created = NotDuplicate.objects.get_or_create(
        first=low, second=high, defaults={"created_by": actor if isinstance(actor, User) else None}
    )
    if created:
        log_action(low, "accounts.person.not_duplicate", actor=actor, data={"other": high.pk, "name": str(high)})


def _reverse_relations() -> list[models.ForeignObjectRel]:
    """Every foreign key to `Person` from any app, including ones added later (events, projects…)."""
    return [
        rel
        for rel in Person._meta.get_fields(include_hidden=True)
        if isinstance(rel, models.ForeignObjectRel) and (rel.one_to_many or rel.one_to_one) and rel.field.concrete
    ]


@dataclass
class MergeSummary:
    """What a merge moves to the record that stays and what it drops, row by row: shown on the merge page
    before staff confirm (`preview_merge`) and kept in the audit record of the merge."""

    moved: dict[str, int] = field(default_factory=dict)  # "app.Model.field" → rows moved
    dropped: dict[str, int] = field(default_factory=dict)  # "app.Model.field" → rows dropped
    moved_rows: list[dict[str, Any]] = field(default_factory=list)  # {"model": verbose name, "what": str(row)}
    dropped_rows: list[dict[str, Any]] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)  # fields of the kept record filled from the duplicate
    # Consents that moved but were given by someone the kept record's date of birth does not allow.
    ended_consents: list[dict[str, Any]] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        return {
            "moved": self.moved,
            "dropped": self.dropped,
            "moved_rows": self.moved_rows,
            "dropped_rows": self.dropped_rows,
            "filled": self.filled,
            "ended_consents": self.ended_consents,
        }


def _row(model: type[models.Model], row: models.Model) -> dict[str, Any]:
    return {"model": str(model._meta.verbose_name), "id": row.pk, "what": str(row)}


def _merge(
    keep: Person, duplicate: Person, *, actor: User | AnonymousUser | None
) -> tuple[Person, dict[str, Any], MergeSummary]:
    if keep.pk == duplicate.pk:
        raise PersonError(_("Choose two different records."), code="same_person")
    locked = {p.pk: p for p in lock_rows(Person.objects.filter(pk__in=[keep.pk, duplicate.pk]))}
    if len(locked) != 2:
        raise ConflictError(_("One of the records no longer exists."), code="person_gone")
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    if keep.user_id and duplicate.user_id:
        raise PersonError(
            _("Both records have logins. An administrator must block one of the logins first."),
            code="both_have_logins",
        )
    removed = {**_snapshot(duplicate), "id": duplicate.pk, "user": duplicate.user_id}
    summary = MergeSummary()
    for rel in _reverse_relations():
        model, field_ = rel.related_model, rel.field
        assert isinstance(model, type)  # resolved once the app registry is ready
        label = f"{model._meta.label}.{field_.name}"
        rows = model._default_manager.filter(**{field_.name: duplicate})
        # A one-to-one link (one row per person) moves only when ``keep`` has none; the duplicate's goes.
        if rel.one_to_one and model._default_manager.filter(**{field_.name: keep}).exists():
            for row in rows:
                summary.dropped[label] = summary.dropped.get(label, 0) + 1
                summary.dropped_rows.append(_row(model, row))
            continue
        for row in rows:
            described = _row(model, row)
            setattr(row, field_.attname, keep.pk)
            try:
                with transaction.atomic():
                    row.save(update_fields=[field_.name])
            except IntegrityError:
                # ``keep`` already has this very link (the same guardian, the same school as the same kind):
                # the copy goes. Two different schools are two links, and both stay.
                row.delete()
                summary.dropped[label] = summary.dropped.get(label, 0) + 1
                summary.dropped_rows.append(described)
            else:
                summary.moved[label] = summary.moved.get(label, 0) + 1
                summary.moved_rows.append(described)
    # A guardianship turned into a link from a person to themself cannot stand.
    Guardianship.objects.filter(child=keep, guardian=keep).delete()
    for name in PERSON_FIELDS:
        if getattr(keep, name) in ("", None) and getattr(duplicate, name) not in ("", None):
            setattr(keep, name, getattr(duplicate, name))
            summary.filled.append(name)
    # The confirmation travels with the date it confirms.
    same_date = keep.birth_date is not None and keep.birth_date == duplicate.birth_date
    if "birth_date" in summary.filled or (
        same_date and duplicate.birth_date_confirmed and not keep.birth_date_confirmed
    ):
        keep.birth_date_confirmed_at = duplicate.birth_date_confirmed_at
        keep.birth_date_confirmed_by_id = duplicate.birth_date_confirmed_by_id
    user = duplicate.user
    duplicate.delete()
    if user is not None and keep.user_id is None:
        keep.user = user
        summary.filled.append("user")
    _refresh_search_text(keep)
    keep.full_clean()
    keep.save()
    for consent in end_consents_of_wrong_givers(keep, actor=actor):
        summary.ended_consents.append(
            {"id": consent.pk, "purpose": consent.purpose, "giver": consent.giver_id, "what": str(consent)}
        )
    return keep, removed, summary


@transaction.atomic
def merge_persons(keep: Person, duplicate: Person, *, actor: User | AnonymousUser | None) -> Person:
    """Merge ``duplicate`` into ``keep``: every link to the duplicate (guardianship, affiliations,
    consents, and whatever later modules attach) moves to ``keep``, empty fields of ``keep`` are filled
    from the duplicate, and the duplicate is deleted. A link ``keep`` already has is not doubled; links that
    differ all stay (a student of two schools, or of a school and a centre of additional education, keeps
    both, and staff detach the one that no longer holds). `preview_merge` shows the same before.

    Raises `PersonError` when both records have logins (an administrator must decide which login stays)
    or when they are the same record. The audit record keeps the duplicate's details and, row by row, what
    moved and what was dropped.
    """
    keep, removed, summary = _merge(keep, duplicate, actor=actor)
    log_action(keep, "accounts.person.merged", actor=actor, data={"removed": removed, **summary.as_data()})
    forget_what_changed(actor, keep.user)
    return keep


class _PreviewDone(Exception):
    def __init__(self, summary: MergeSummary) -> None:
        super().__init__("merge preview")
        self.summary = summary


def preview_merge(keep: Person, duplicate: Person, *, actor: User | AnonymousUser | None) -> MergeSummary:
    """What `merge_persons` would move and drop, found by merging for real in a transaction that is then
    rolled back, so the answer is exactly what the constraints will decide. Raises what `merge_persons`
    raises."""
    try:
        with transaction.atomic():
            _kept, _removed, summary = _merge(keep, duplicate, actor=actor)
            raise _PreviewDone(summary)
    except _PreviewDone as done:
        return done.summary
