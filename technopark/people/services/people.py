"""Every write to people's records and their guardians; claim codes are in `claims`, merges in `merge`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core.errors import ConflictError, DomainError
from technopark.core.locking import lock_row, lock_rows
from technopark.core.services import log_action
from technopark.core.text import normalize_phone, search_key
from technopark.people.access import forget_what_changed
from technopark.people.models import ClaimCode, Guardianship, Person, validate_birth_date
from technopark.people.services.consent import end_consents_of_guardian, end_consents_of_wrong_givers

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


def refresh_search_text(person: Person) -> None:
    person.search_text = search_key(person.last_name, person.first_name, person.patronymic)


def snapshot_of(person: Person) -> dict[str, Any]:
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
    refresh_search_text(person)
    person.full_clean()
    person.save()
    log_action(person, "accounts.person.created", actor=actor, data=snapshot_of(person))
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
    before = snapshot_of(person)
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
    refresh_search_text(person)
    person.full_clean()
    person.save(update_fields=update_fields)
    after = snapshot_of(person)
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
