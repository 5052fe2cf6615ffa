"""Who may see and change events."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from technopark.accounts.access import may_act_as
from technopark.accounts.roles import Role
from technopark.accounts.typing import AnyUser
from technopark.core.access import get_visible_or_404
from technopark.core.errors import DomainError
from technopark.core.models import BackgroundJob
from technopark.events.models import Certificate, Event, EventDocument, Registration, TeamMember
from technopark.network.access import coordinated_institutions
from technopark.people.access import (
    acting_for,
    acting_for_ids,
    institutions_for_people,
    may_edit_person,
    own_person,
    self_and_children_ids,
    visible_persons,
)
from technopark.people.models import Person

# Centre staff who run events (DOMAIN.md: methodologist — events, results, certificates).
EVENT_MANAGERS = (Role.METHODOLOGIST,)


def may_manage_events(user: AnyUser) -> bool:
    return may_act_as(user, *EVENT_MANAGERS)


def visible_events(user: AnyUser) -> QuerySet[Event]:
    """Everyone sees announced events (anything past the draft); event managers see drafts too."""
    if may_manage_events(user):
        return Event.objects.all()
    return Event.objects.exclude(status=Event.Status.DRAFT)


def access_event(user: AnyUser, event_id: int, *, for_write: bool = False) -> Event:
    """The event if ``user`` may see it (and change it, ``for_write``); a draft is 404 to others (audited)."""
    if for_write and not may_manage_events(user):
        raise PermissionDenied
    return get_visible_or_404(visible_events(user), user=user, pk=event_id)


def access_document(user: AnyUser, document_id: int) -> EventDocument:
    """A document of an event ``user`` sees (regulations are public once the event is announced)."""
    visible = EventDocument.objects.filter(event__in=visible_events(user)).select_related("event")
    return get_visible_or_404(visible, user=user, pk=document_id)


# --- Registrations -----------------------------------------------------------------------------------


def may_register_for(user: AnyUser, person: Person) -> bool:
    """A person registers themself; a guardian their child; a teacher or coordinator the people of their
    institution; event managers anyone (DOMAIN.md). The same rule as editing the record."""
    return may_manage_events(user) or may_edit_person(user, person)


def _made_or_acted_for(user: AnyUser) -> Q:
    """Registrations ``user`` made or supervises, those of the institutions they coordinate, and those whose
    participant or team member they act for (`people.access.acting_for`: themself, their children,
    their institution's students)."""
    people = acting_for_ids(user)
    coordinated = coordinated_institutions(user).values("pk")
    return (
        Q(registered_by=user) | Q(supervisors__user=user) | Q(institution__in=coordinated)
        | Q(person__in=people) | Q(members__person__in=people)
    )  # fmt: skip


def visible_registrations(user: AnyUser) -> QuerySet[Registration]:
    """Event managers see every registration; others those they made or supervise, their coordinated
    institutions' and those of the people they act for. Reading the whole registry (a lab manager) gives no
    one the registrations in it."""
    if may_manage_events(user):
        return Registration.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    return Registration.objects.filter(pk__in=Registration.objects.filter(_made_or_acted_for(user)).values("pk"))


def cancellable_registrations(user: AnyUser) -> QuerySet[Registration]:
    """Registrations ``user`` may cancel (and name the project of): any, for event managers; the ones they
    made; an individual one of a person they act for; a team's or class's that they supervise or whose
    institution they coordinate. A team's member and their guardian leave the team instead (`leave_team`):
    the whole registration belongs to whoever made it."""
    if may_manage_events(user):
        return Registration.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    individual = Q(form=Registration.Form.INDIVIDUAL, person__in=acting_for_ids(user))
    collective = ~Q(form=Registration.Form.INDIVIDUAL) & (
        Q(supervisors__user=user) | Q(institution__in=coordinated_institutions(user).values("pk"))
    )
    rule = Q(registered_by=user) | individual | collective
    return Registration.objects.filter(pk__in=Registration.objects.filter(rule).values("pk"))


def may_cancel_registration(user: AnyUser, registration: Registration) -> bool:
    return cancellable_registrations(user).filter(pk=registration.pk).exists()


class LeaveTheTeamInstead(DomainError):
    """A team's member (or their guardian) asked to cancel the whole team's registration."""

    code = "leave_the_team_instead"
    status = 403


def access_registration(user: AnyUser, registration_id: int, *, for_write: bool = False) -> Registration:
    """A registration ``user`` sees (404 otherwise, audited); ``for_write`` (cancel, name the project): one
    of `cancellable_registrations`, else `PermissionDenied`. Whether after the deadline too is
    `may_cancel_late`."""
    registration = get_visible_or_404(
        visible_registrations(user).select_related("event", "person"), user=user, pk=registration_id
    )
    if for_write and not may_cancel_registration(user, registration):
        raise PermissionDenied
    return registration


def access_registration_to_cancel(user: AnyUser, registration_id: int) -> Registration:
    """As `access_registration` for writing, but a team's member or their guardian is told to leave the
    team instead (`LeaveTheTeamInstead`, a 403 with its own code) rather than refused without a reason."""
    registration = access_registration(user, registration_id)
    if not may_cancel_registration(user, registration):
        if members_user_may_withdraw(user, [registration]).get(registration.pk):
            raise LeaveTheTeamInstead(
                _(
                    "Only whoever registered the team, its supervising teachers or the organisers cancel it; "
                    "a member leaves the team instead."
                )
            )
        raise PermissionDenied
    return registration


def may_withdraw_member(user: AnyUser, person: Person) -> bool:
    """A member leaves a team themself, or their guardian withdraws them; event managers withdraw anyone."""
    if may_manage_events(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return person.pk in self_and_children_ids(user)


def access_team_member(user: AnyUser, registration_id: int, person_id: int) -> tuple[Registration, Person]:
    """A registration ``user`` sees and the person ``person_id`` they withdraw from its team. 404 for a
    registration or person they do not see (audited); `PermissionDenied` for a person they may not
    withdraw (`may_withdraw_member`). Whether the person is in the team is the service's check
    (`services.leave_team`)."""
    registration = access_registration(user, registration_id)
    person = get_visible_or_404(visible_persons(user), user=user, pk=person_id)
    if not may_withdraw_member(user, person):
        raise PermissionDenied
    return registration, person


def members_user_may_withdraw(user: AnyUser, registrations: Any) -> dict[int, list[Person]]:
    """For each of ``registrations`` (teams), the members ``user`` may take out on *My registrations*:
    themself and their children (one query; staff use cancellation or the API for others)."""
    ids = [r.pk for r in registrations if r.form == Registration.Form.TEAM]
    if not ids or not getattr(user, "is_authenticated", False):
        return {}
    people = self_and_children_ids(user)
    found: dict[int, list[Person]] = {}
    for member in TeamMember.objects.filter(registration_id__in=ids, person__in=people).select_related("person"):
        found.setdefault(member.registration_id, []).append(member.person)
    return found


def may_cancel_late(user: AnyUser) -> bool:
    """Participants cancel until the deadline; event managers at any time."""
    return may_manage_events(user)


def own_registrations(user: AnyUser) -> QuerySet[Registration]:
    """ "My registrations": the ones ``user`` made or supervises and those of the people they act for
    (themself, their children, their institution's students) — for centre staff too, who see others'
    registrations on the staff pages if at all."""
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    return Registration.objects.filter(pk__in=Registration.objects.filter(_made_or_acted_for(user)).values("pk"))


# --- The online link ---------------------------------------------------------------------------------


def online_link_registrations(user: AnyUser) -> QuerySet[Registration]:
    """The confirmed registrations that give ``user`` their event's online link: as its participant or a
    member of its team, as the guardian of one, as whoever registered it, as its supervising teacher."""
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    people = self_and_children_ids(user)
    rule = Q(registered_by=user) | Q(supervisors__user=user) | Q(person__in=people) | Q(members__person__in=people)
    return Registration.objects.filter(rule, status=Registration.Status.CONFIRMED)


def may_see_online_link(user: AnyUser, event: Event) -> bool:
    """Event managers see an event's online link; others when a confirmed registration gives it to them
    (`online_link_registrations`), for an online or mixed event. Never the public."""
    if may_manage_events(user):
        return True
    if event.format == Event.Format.IN_PERSON or not event.online_url:
        return False
    return online_link_registrations(user).filter(event=event).exists()


def registration_candidates(user: AnyUser) -> QuerySet[Person]:
    """Whom ``user`` picks in the registration form: themself, their children, the students of the
    institutions where they teach, the people of those they coordinate. Staff register others through
    those roles or the API: the whole registry does not fit a form."""
    return acting_for(user).order_by("grade", "last_name", "first_name", "id")


def supervisor_candidates(user: AnyUser) -> QuerySet[Person]:
    """Whom ``user`` names as a team's or class's supervising teacher: themself and the teachers of the
    institutions whose people they keep."""
    teachers = Q(affiliations__kind="teacher", affiliations__institution__in=institutions_for_people(user).values("pk"))
    own = own_person(user)
    ids = Person.objects.filter(Q(pk__in=[own.pk] if own else []) | teachers).values("pk")
    return Person.objects.filter(pk__in=ids).order_by("last_name", "first_name")


def access_results(user: AnyUser, event_id: int) -> Event:
    """An event whose results ``user`` may read: published ones (or archived) for everyone who sees the
    event, any for event managers; 404 otherwise, like a missing page."""
    event = access_event(user, event_id)
    if event.status not in (Event.Status.RESULTS_PUBLISHED, Event.Status.ARCHIVED) and not may_manage_events(user):
        raise Http404
    return event


def may_export_institution(user: AnyUser, institution_id: int) -> bool:
    """One institution's participants go to its coordinators (and event managers)."""
    return may_manage_events(user) or coordinated_institutions(user).filter(pk=institution_id).exists()


# --- Documents (certificates) ------------------------------------------------------------------------

CERTIFICATES_JOB = "events.issue_certificates"  # the BackgroundJob kind of `tasks.issue_event_certificates`


def visible_certificates(user: AnyUser) -> QuerySet[Certificate]:
    """Event managers see every document; others the documents of the people they act for (their own,
    their children's, their institution's people: `people.access.acting_for`), lab managers too."""
    if may_manage_events(user):
        return Certificate.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    return Certificate.objects.filter(person__in=acting_for_ids(user))


def access_certificate(user: AnyUser, certificate_id: int) -> Certificate:
    return get_visible_or_404(visible_certificates(user).select_related("event"), user=user, pk=certificate_id)


def access_certificates_job(user: AnyUser, job_id: int) -> BackgroundJob:
    """A document-issuing job, for event managers."""
    if not may_manage_events(user):
        raise PermissionDenied
    return get_visible_or_404(BackgroundJob.objects.filter(kind=CERTIFICATES_JOB), user=user, pk=job_id)
