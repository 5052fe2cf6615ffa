"""Every write to the registry of the cluster. Pages, the API, imports and commands call these."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from technopark.accounts import services as account_services
from technopark.accounts.models import Person
from technopark.accounts.roles import Role
from technopark.core import cache
from technopark.core.errors import DomainError
from technopark.core.services import log_action
from technopark.core.text import normalize_phone, search_key
from technopark.network.models import Affiliation, Agreement, Contact, District, Institution

INSTITUTION_FIELDS = frozenset(
    ["full_name", "short_name", "kind", "district", "country", "address", "website", "email", "phone", "cluster_role"]
)
CONTACT_FIELDS = frozenset(["full_name", "position", "phone", "email"])
AGREEMENT_FIELDS = frozenset(["number", "signed_on", "valid_from", "valid_until", "subject", "resources", "scan"])


# The cache scope of the public registry pages (cached for anonymous visitors, `core.cache`).
PUBLIC_REGISTRY = "registry"


class NetworkError(DomainError):
    code = "network_error"


def _apply(obj: Any, allowed: frozenset[str], values: dict[str, Any]) -> list[str]:
    unknown = set(values) - allowed
    if unknown:
        raise NetworkError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}, code="unknown_field"
        )
    changed = []
    for name, value in values.items():
        if name == "phone":
            value = normalize_phone(value or "")
        if name == "scan" and value is None:
            continue
        try:
            current = getattr(obj, name)
        except ObjectDoesNotExist:  # a foreign key not set yet on a new object
            current = None
        if current != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _check_country(institution: Institution) -> None:
    if institution.district.kind == District.Kind.ABROAD and not institution.country.strip():
        raise NetworkError(_("Name the country of an institution abroad."), code="country_required", field="country")


def _reindex(institution: Institution) -> None:
    institution.search_text = search_key(institution.short_name, institution.full_name)


def _changes(before: dict[str, Any], obj: Any, names: list[str]) -> dict[str, list[Any]]:
    return {name: [str(before.get(name, "")), str(getattr(obj, name))] for name in names}


@transaction.atomic
def create_institution(*, actor: Any, **fields: Any) -> Institution:
    """Add an institution to the registry. Network managers only (checked by the caller)."""
    institution = Institution()
    _apply(institution, INSTITUTION_FIELDS, fields)
    _reindex(institution)
    institution.full_clean()
    _check_country(institution)
    institution.save()
    cache.changed(PUBLIC_REGISTRY)
    log_action(institution, "network.institution.created", actor=actor)
    return institution


@transaction.atomic
def update_institution(institution: Institution, *, actor: Any, **fields: Any) -> Institution:
    before = {name: getattr(institution, name) for name in INSTITUTION_FIELDS}
    changed = _apply(institution, INSTITUTION_FIELDS, fields)
    if changed:
        _reindex(institution)
        institution.full_clean()
        _check_country(institution)
        institution.save(update_fields=[*changed, "search_text", "updated_at"])
        cache.changed(PUBLIC_REGISTRY)
        log_action(
            institution,
            "network.institution.updated",
            actor=actor,
            data={"changed": _changes(before, institution, changed)},
        )
    return institution


@transaction.atomic
def set_institution_active(institution: Institution, active: bool, *, actor: Any) -> None:
    """Take an institution out of the cluster (it stays in the registry with its history) or back."""
    if institution.is_active == active:
        return
    institution.is_active = active
    institution.save(update_fields=["is_active", "updated_at"])
    cache.changed(PUBLIC_REGISTRY)
    log_action(
        institution, "network.institution.activated" if active else "network.institution.deactivated", actor=actor
    )


@transaction.atomic
def add_coordinator(institution: Institution, user: Any, *, actor: Any) -> None:
    """Let ``user`` act for the institution; they get the coordinator role (partners: representative)."""
    if institution.coordinators.filter(pk=user.pk).exists():
        raise NetworkError(
            _("This person already acts for the institution."), code="already_coordinator", field="email"
        )
    institution.coordinators.add(user)
    role = Role.PARTNER if institution.cluster_role == Institution.ClusterRole.PARTNER else Role.COORDINATOR
    if role not in user.roles:
        account_services.grant_role(user, role, actor=actor)
    log_action(institution, "network.institution.coordinator_added", actor=actor, data={"user_id": user.pk})


@transaction.atomic
def remove_coordinator(institution: Institution, user: Any, *, actor: Any) -> None:
    """Stop ``user`` acting for the institution; the role goes when they act for no institution."""
    institution.coordinators.remove(user)
    log_action(institution, "network.institution.coordinator_removed", actor=actor, data={"user_id": user.pk})
    if not user.coordinated_institutions.exists():
        for role in (Role.COORDINATOR, Role.PARTNER):
            if role in user.roles:
                account_services.revoke_role(user, role, actor=actor)
                user.__dict__.pop("roles", None)


@transaction.atomic
def add_contact(institution: Institution, *, actor: Any, **fields: Any) -> Contact:
    contact = Contact(institution=institution)
    _apply(contact, CONTACT_FIELDS, fields)
    contact.full_clean()
    contact.save()
    log_action(institution, "network.contact.added", actor=actor, data={"contact": contact.full_name})
    return contact


@transaction.atomic
def update_contact(contact: Contact, *, actor: Any, **fields: Any) -> Contact:
    changed = _apply(contact, CONTACT_FIELDS, fields)
    if changed:
        contact.full_clean()
        contact.save(update_fields=changed)
        log_action(contact.institution, "network.contact.updated", actor=actor, data={"contact": contact.full_name})
    return contact


@transaction.atomic
def delete_contact(contact: Contact, *, actor: Any) -> None:
    log_action(contact.institution, "network.contact.deleted", actor=actor, data={"contact": contact.full_name})
    contact.delete()


def _clean_resources(resources: list[str]) -> list[str]:
    unknown = set(resources) - set(Agreement.Resource.values)
    if unknown:
        raise NetworkError(_("Unknown resources: %(names)s") % {"names": ", ".join(sorted(unknown))}, field="resources")
    return [code for code in Agreement.Resource.values if code in resources]


@transaction.atomic
def create_agreement(institution: Institution, *, actor: Any, **fields: Any) -> Agreement:
    """Record a cooperation agreement. ``scan`` must already be checked (`core.files.validate_document`)."""
    agreement = Agreement(institution=institution)
    fields["resources"] = _clean_resources(fields.get("resources") or [])
    _apply(agreement, AGREEMENT_FIELDS, fields)
    agreement.full_clean()
    agreement.save()
    log_action(agreement, "network.agreement.created", actor=actor, data={"institution_id": institution.pk})
    return agreement


@transaction.atomic
def update_agreement(agreement: Agreement, *, actor: Any, **fields: Any) -> Agreement:
    if "resources" in fields:
        fields["resources"] = _clean_resources(fields["resources"] or [])
    old_scan = agreement.scan.name if agreement.scan else ""
    before = {name: getattr(agreement, name) for name in AGREEMENT_FIELDS}
    changed = _apply(agreement, AGREEMENT_FIELDS, fields)
    if changed:
        agreement.full_clean()
        agreement.save(update_fields=[*changed, "updated_at"])
        log_action(
            agreement, "network.agreement.updated", actor=actor, data={"changed": _changes(before, agreement, changed)}
        )
        if "scan" in changed and old_scan:
            storage = agreement.scan.storage
            transaction.on_commit(lambda: storage.delete(old_scan))
    return agreement


@transaction.atomic
def delete_agreement(agreement: Agreement, *, actor: Any) -> None:
    log_action(agreement, "network.agreement.deleted", actor=actor, data={"number": agreement.number})
    scan = agreement.scan.name if agreement.scan else ""
    storage = agreement.scan.storage
    agreement.delete()
    if scan:
        transaction.on_commit(lambda: storage.delete(scan))


# --- People of the cluster ---------------------------------------------------------------------------


def _same_person_at(institution: Institution, fields: dict[str, Any]) -> bool:
    key = search_key(fields.get("last_name", ""), fields.get("first_name", ""), fields.get("patronymic", ""))
    return Affiliation.objects.filter(
        institution=institution, person__search_text=key, person__birth_date=fields.get("birth_date")
    ).exists()


@transaction.atomic
def add_student(institution: Institution, *, actor: Any, **fields: Any) -> Person:
    """Add a student of ``institution`` to the registry (no login; they or a guardian claim it later).

    The date of birth is required (the consent rule needs the age). Raises `NetworkError` when the
    institution already has a student with the same ФИО and date of birth.
    """
    if not fields.get("birth_date"):
        raise NetworkError(_("Enter the date of birth."), code="birth_date_required", field="birth_date")
    if _same_person_at(institution, fields):
        raise NetworkError(
            _("%(name)s, born %(date)s, is already in the list of this institution.")
            % {
                "name": " ".join(fields.get(k, "") for k in ("last_name", "first_name", "patronymic")).strip(),
                "date": fields["birth_date"].strftime("%d.%m.%Y"),
            },
            code="student_exists",
        )
    person = account_services.create_person(actor=actor, **fields)
    _attach(person, institution, kind=Affiliation.Kind.STUDENT, position="", actor=actor)
    return person


@transaction.atomic
def add_students(institution: Institution, rows: list[dict[str, Any]], *, actor: Any) -> list[Person]:
    """Add a class list at once: every row or none. Raises `RowErrors` listing each refused row."""
    errors: list[tuple[int, str]] = []
    people: list[Person] = []
    seen: set[tuple[str, Any]] = set()
    for number, fields in enumerate(rows, start=1):
        key = (search_key(fields.get("last_name", ""), fields.get("first_name", ""), fields.get("patronymic", "")),
               fields.get("birth_date"))  # fmt: skip
        if key in seen:
            errors.append((number, str(_("The same student is listed twice."))))
            continue
        seen.add(key)
        try:
            with transaction.atomic():
                people.append(add_student(institution, actor=actor, **fields))
        except DomainError as error:
            errors.append((number, str(error.message)))
        except ValidationError as error:
            errors.append((number, " ".join(str(m) for m in error.messages)))
    if errors:
        raise RowErrors(errors)
    return people


class RowErrors(NetworkError):
    """Several rows of a list were refused; nothing was saved."""

    code = "rows_refused"

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        super().__init__(_("Nothing was saved: some rows have errors."))
        self.rows = rows


def _attach(person: Person, institution: Institution, *, kind: str, position: str, actor: Any) -> Affiliation:
    affiliation = Affiliation(person=person, institution=institution, kind=kind, position=position.strip())
    affiliation.full_clean(validate_constraints=False)
    affiliation.save()
    log_action(
        person,
        "network.affiliation.added",
        actor=actor,
        data={"institution": institution.pk, "name": str(institution), "kind": kind, "position": affiliation.position},
    )
    return affiliation


@transaction.atomic
def set_affiliation(
    person: Person, institution: Institution, *, kind: str, actor: Any, position: str = ""
) -> Affiliation:
    """Attach ``person`` to ``institution`` as a student (moving them from their previous school) or as a
    teacher (in addition to other places, with a position). Raises `NetworkError` if already attached."""
    if kind not in Affiliation.Kind.values:
        raise NetworkError(_("Choose student or teacher."), code="affiliation_kind", field="kind")
    if Affiliation.objects.filter(person=person, institution=institution, kind=kind).exists():
        raise NetworkError(_("The person is already attached to this institution."), code="affiliation_exists")
    if kind == Affiliation.Kind.STUDENT:
        for previous in Affiliation.objects.filter(person=person, kind=kind).select_related("institution"):
            remove_affiliation(previous, actor=actor)
    return _attach(person, institution, kind=kind, position=position, actor=actor)


@transaction.atomic
def remove_affiliation(affiliation: Affiliation, *, actor: Any) -> None:
    person, institution = affiliation.person, affiliation.institution
    affiliation.delete()
    log_action(
        person,
        "network.affiliation.removed",
        actor=actor,
        data={"institution": institution.pk, "name": str(institution), "kind": affiliation.kind},
    )
