"""Every write to the registry of the cluster. Pages, the API, imports and commands call these."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from technopark.accounts import services as account_services
from technopark.accounts.models import User
from technopark.accounts.roles import Role
from technopark.core import cache
from technopark.core.errors import DomainError
from technopark.core.services import log_action
from technopark.core.text import normalize_phone, search_key
from technopark.network.models import Agreement, Contact, District, Institution

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
def create_institution(*, actor: User | None, **fields: Any) -> Institution:
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
def update_institution(institution: Institution, *, actor: User | None, **fields: Any) -> Institution:
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
def set_institution_active(institution: Institution, active: bool, *, actor: User) -> None:
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
def add_coordinator(institution: Institution, user: User, *, actor: User) -> None:
    """Let ``user`` act for the institution; they get the coordinator role (partners: representative)."""
    if institution.coordinators.filter(pk=user.pk).exists():
        raise NetworkError(
            _("This person already acts for the institution."), code="already_coordinator", field="email"
        )
    institution.coordinators.add(user)
    user.forget_request_memo()  # it acts for the institution's people now (people.access)
    role = Role.PARTNER if institution.cluster_role == Institution.ClusterRole.PARTNER else Role.COORDINATOR
    if role not in user.roles:
        account_services.grant_role(user, role, actor=actor)
    log_action(institution, "network.institution.coordinator_added", actor=actor, data={"user_id": user.pk})


@transaction.atomic
def remove_coordinator(institution: Institution, user: User, *, actor: User) -> None:
    """Stop ``user`` acting for the institution; the role goes when they act for no institution."""
    institution.coordinators.remove(user)
    user.forget_request_memo()
    log_action(institution, "network.institution.coordinator_removed", actor=actor, data={"user_id": user.pk})
    if not user.coordinated_institutions.exists():
        for role in (Role.COORDINATOR, Role.PARTNER):
            if role in user.roles:
                account_services.revoke_role(user, role, actor=actor)
                user.__dict__.pop("roles", None)


@transaction.atomic
def add_contact(institution: Institution, *, actor: User, **fields: Any) -> Contact:
    contact = Contact(institution=institution)
    _apply(contact, CONTACT_FIELDS, fields)
    contact.full_clean()
    contact.save()
    log_action(institution, "network.contact.added", actor=actor, data={"contact": contact.full_name})
    return contact


@transaction.atomic
def update_contact(contact: Contact, *, actor: User, **fields: Any) -> Contact:
    changed = _apply(contact, CONTACT_FIELDS, fields)
    if changed:
        contact.full_clean()
        contact.save(update_fields=changed)
        log_action(contact.institution, "network.contact.updated", actor=actor, data={"contact": contact.full_name})
    return contact


@transaction.atomic
def delete_contact(contact: Contact, *, actor: User) -> None:
    log_action(contact.institution, "network.contact.deleted", actor=actor, data={"contact": contact.full_name})
    contact.delete()


def _clean_resources(resources: list[str]) -> list[str]:
    unknown = set(resources) - set(Agreement.Resource.values)
    if unknown:
        raise NetworkError(_("Unknown resources: %(names)s") % {"names": ", ".join(sorted(unknown))}, field="resources")
    return [code for code in Agreement.Resource.values if code in resources]


@transaction.atomic
def create_agreement(institution: Institution, *, actor: User, **fields: Any) -> Agreement:
    """Record a cooperation agreement. ``scan`` must already be checked (`core.files.validate_document`)."""
    agreement = Agreement(institution=institution)
    fields["resources"] = _clean_resources(fields.get("resources") or [])
    _apply(agreement, AGREEMENT_FIELDS, fields)
    agreement.full_clean()
    agreement.save()
    log_action(agreement, "network.agreement.created", actor=actor, data={"institution_id": institution.pk})
    return agreement


@transaction.atomic
def update_agreement(agreement: Agreement, *, actor: User, **fields: Any) -> Agreement:
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
def delete_agreement(agreement: Agreement, *, actor: User) -> None:
    log_action(agreement, "network.agreement.deleted", actor=actor, data={"number": agreement.number})
    scan = agreement.scan.name if agreement.scan else ""
    storage = agreement.scan.storage
    agreement.delete()
    if scan:
        transaction.on_commit(lambda: storage.delete(scan))
