"""People's places in the cluster: the students a teacher or a coordinator adds (one at a time or a class list
at once), and attaching people to institutions or detaching them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core.errors import DomainError
from technopark.core.services import log_action
from technopark.core.text import search_key
from technopark.network.models import Institution
from technopark.network.services import NetworkError
from technopark.people.access import forget_what_changed
from technopark.people.models import Affiliation, Person
from technopark.people.services.people import create_person

# --- People of the cluster ---------------------------------------------------------------------------


def _same_person_at(institution: Institution, fields: dict[str, Any]) -> bool:
    key = search_key(fields.get("last_name", ""), fields.get("first_name", ""), fields.get("patronymic", ""))
    return Affiliation.objects.filter(
        institution=institution, person__search_text=key, person__birth_date=fields.get("birth_date")
    ).exists()


@transaction.atomic
def add_student(institution: Institution, *, actor: User | AnonymousUser | None, **fields: Any) -> Person:
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
    person = create_person(actor=actor, **fields)
    _attach(person, institution, kind=Affiliation.Kind.STUDENT, position="", actor=actor)
    return person


@transaction.atomic
def add_students(
    institution: Institution, rows: list[dict[str, Any]], *, actor: User | AnonymousUser | None
) -> list[Person]:
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


def _attach(
    person: Person, institution: Institution, *, kind: str, position: str, actor: User | AnonymousUser | None
) -> Affiliation:
    affiliation = Affiliation(person=person, institution=institution, kind=kind, position=position.strip())
    affiliation.full_clean(validate_constraints=False)
    affiliation.save()
    log_action(
        person,
        "network.affiliation.added",
        actor=actor,
        data={"institution": institution.pk, "name": str(institution), "kind": kind, "position": affiliation.position},
    )
    forget_what_changed(actor, person.user)
    return affiliation


@transaction.atomic
def set_affiliation(
    person: Person, institution: Institution, *, kind: str, actor: User | AnonymousUser | None, position: str = ""
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
def remove_affiliation(affiliation: Affiliation, *, actor: User | AnonymousUser | None) -> None:
    person, institution = affiliation.person, affiliation.institution
    affiliation.delete()
    log_action(
        person,
        "network.affiliation.removed",
        actor=actor,
        data={"institution": institution.pk, "name": str(institution), "kind": affiliation.kind},
    )
    forget_what_changed(actor, person.user)
