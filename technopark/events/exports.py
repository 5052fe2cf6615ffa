"""Participants of an event as the organisers ask for them: one row per participant (each member of a
team, one row for a class), with ФИО, grade, institution, district, supervisor, and a flag where a guardian's
consent to take part is needed and not (or no longer) on file; contacts for staff only."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.events.models import Answer, Event, Question, Registration, TeamMember
from technopark.people.models import Affiliation, ConsentPurpose, Person
from technopark.people.selectors import needing_consent_without_it


def header(*, with_contacts: bool, questions: list[Question] = ()) -> list[str]:  # type: ignore[assignment]
    columns = [
        "№", _("Full name"), _("Date of birth"), _("Grade"), _("Institution"), _("District"), _("Nomination"),
        _("Form"), _("Team"), _("Supervisors"), _("Status"), _("Registered"), _("Consent to take part"),
    ]  # fmt: skip
    if with_contacts:
        columns += [_("Phone"), _("E-mail")]
    return columns + [question.label for question in questions]


def registrations_for_export(event: Event, *, institution_id: int | None = None) -> QuerySet[Registration]:
    """Active registrations of ``event`` (of one institution's people for a coordinator), with what the rows need."""
    schools = Prefetch("affiliations", queryset=Affiliation.objects.select_related("institution__district"))
    people = Person.objects.prefetch_related(schools)
    registrations = (
        event.registrations.filter(status__in=Registration.ACTIVE)
        .select_related("nomination", "institution__district")
        .prefetch_related(
            Prefetch("person", queryset=people),
            Prefetch("members", queryset=TeamMember.objects.select_related("person").prefetch_related(
                Prefetch("person__affiliations", queryset=Affiliation.objects.select_related("institution__district"))
            )),
            "supervisors",
            Prefetch("answers", queryset=Answer.objects.select_related("question")),
        )
        .order_by("nomination__position", "created_at", "id")
    )  # fmt: skip
    if institution_id is not None:
        registrations = registrations.filter(
            pk__in=Registration.objects.filter(institution_id=institution_id).order_by().values("pk").union(
                Registration.objects.filter(person__affiliations__institution_id=institution_id).order_by().values("pk"),
                TeamMember.objects.filter(person__affiliations__institution_id=institution_id)
                .order_by().values("registration_id"),
            )
        )  # fmt: skip
    return registrations


def _school(person: Person | None) -> Affiliation | None:
    if person is None:
        return None
    links = list(person.affiliations.all())
    return next((a for a in links if a.kind == Affiliation.Kind.STUDENT), links[0] if links else None)


def rows(
    registrations: Iterable[Registration], *, with_contacts: bool, questions: Sequence[Question] = ()
) -> Iterator[list[object]]:
    """One row per participant; the answers to the event's ``questions`` last, repeated for a team's members.
    A participant for whom a guardian must consent and no consent to take part is on file (withdrawn while
    the event was under way, or a new text version not yet agreed to) is flagged "missing"."""
    registrations = list(registrations)
    participants = [r.person for r in registrations] + [m.person for r in registrations for m in r.members.all()]
    missing = needing_consent_without_it(participants, ConsentPurpose.PARTICIPATION)
    number = 0
    for registration in registrations:
        given = {answer.question_id: answer.text() for answer in registration.answers.all()}
        answers = [given.get(question.pk, "") for question in questions]
        supervisors = ", ".join(p.short_name for p in registration.supervisors.all())
        people: list[Person | None]
        if registration.form == Registration.Form.TEAM:
            people = [member.person for member in registration.members.all()]
        elif registration.form == Registration.Form.INDIVIDUAL:
            people = [registration.person]
        else:
            people = [None]
        for person in people:
            number += 1
            link = _school(person)
            institution = link.institution if link else registration.institution
            name = person.full_name if person else _("Class: %(count)s students") % {"count": registration.head_count}
            row: list[object] = [
                number, name,
                person.birth_date if person and person.birth_date else "",
                person.grade if person and person.grade else "",
                institution.short_name if institution else "",
                institution.district.name if institution else "",
                registration.nomination.title if registration.nomination else "",
                registration.get_form_display(), registration.team_name, supervisors,
                registration.get_status_display(),
                timezone.localtime(registration.created_at).replace(tzinfo=None, second=0, microsecond=0),
                _("missing") if person is not None and person.pk in missing else "",
            ]  # fmt: skip
            if with_contacts:
                row += [person.phone if person else "", person.email if person else ""]
            yield row + answers
