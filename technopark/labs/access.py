"""Who may see and do what in the labs (DOMAIN.md: the lab manager runs labs, equipment, trainings,
authorisations and bookings; teachers book lessons outright; students book their project work, which the
supervising teacher approves)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from technopark.accounts.access import may_act_as
from technopark.accounts.models import User
from technopark.accounts.roles import Role
from technopark.accounts.typing import AnyUser
from technopark.core.access import get_visible_or_404
from technopark.core.text import search_key
from technopark.labs.models import Authorisation, Booking
from technopark.people.access import (
    family_and_kept_students_ids,
    institutions_for_people,
    may_edit_person,
    self_and_children_ids,
    teaching_institutions,
    visible_persons,
)
from technopark.people.models import Affiliation, Person
from technopark.people.selectors import find_persons

LAB_MANAGERS = (Role.LAB_MANAGER,)


def may_manage_labs(user: AnyUser) -> bool:
    return may_act_as(user, *LAB_MANAGERS)


def may_book_without_approval(user: AnyUser) -> bool:
    """Teachers and centre staff book outright; a student's project booking waits for the teacher."""
    return may_act_as(user, Role.TEACHER, Role.LAB_MANAGER, Role.METHODOLOGIST)


def may_book_lessons(user: AnyUser) -> bool:
    return may_act_as(user, Role.TEACHER, Role.LAB_MANAGER, Role.METHODOLOGIST)


def may_book_labs(user: AnyUser) -> bool:
    """A whole lab is booked for a group lesson, by those who give lessons: teachers and centre staff."""
    return may_book_lessons(user)


def may_book_for(user: AnyUser, person: Person) -> bool:
    """Oneself; a guardian their child; a teacher or coordinator the people of their institution (the same
    rule as editing the record); lab managers anyone."""
    return may_manage_labs(user) or may_edit_person(user, person)


def visible_bookings(user: AnyUser) -> QuerySet[Booking]:
    """Lab managers see every booking; others those they made, those of the people they see, and those
    awaiting their approval as the supervising teacher."""
    if may_manage_labs(user):
        return Booking.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Booking.objects.none()
    people = visible_persons(user).values("pk")
    rule = Q(booked_by=user) | Q(person__in=people) | Q(supervisor__user=user)
    return Booking.objects.filter(pk__in=Booking.objects.filter(rule).values("pk"))


def access_booking(user: AnyUser, booking_id: int, *, for_write: bool = False) -> Booking:
    """A booking ``user`` sees; ``for_write`` (cancel): one they made or of someone they may book for."""
    booking = get_visible_or_404(
        visible_bookings(user).select_related("equipment__lab", "lab", "person", "supervisor"), user=user, pk=booking_id
    )
    if for_write and not (
        may_manage_labs(user)
        or booking.booked_by_id == user.pk
        or (booking.person is not None and may_book_for(user, booking.person))
    ):
        raise PermissionDenied
    return booking


def may_supervise(supervisor: Person | None, person: Person | None) -> bool:
    """Whether ``supervisor`` may approve the project work of ``person``: a teacher (the teacher role and a
    teacher's attachment, made by staff or the coordinator) at an institution ``person`` belongs to, or a lab
    manager; always through an active login, and never ``person`` themself (DOMAIN.md: an adult approves)."""
    login = supervisor.user if supervisor is not None else None
    if supervisor is None or login is None or not login.is_active:
        return False
    if person is not None and (supervisor.pk == person.pk or person.user_id == login.pk):
        return False
    if may_manage_labs(login):
        return True
    if person is None:
        return False
    schools = Affiliation.objects.filter(person=person).values("institution_id")
    return teaching_institutions(login).filter(pk__in=schools).exists()


def may_decide(user: AnyUser, booking: Booking) -> bool:
    """A lab manager, or the supervising teacher named on the booking while they may approve its person's
    work (`may_supervise`): a booking that names someone else (the student themself) waits for staff."""
    if may_manage_labs(user):
        return True
    supervisor = booking.supervisor
    return (
        supervisor is not None
        and supervisor.user_id == getattr(user, "pk", None)
        and may_supervise(supervisor, booking.person)
    )


def own_authorisations(user: AnyUser) -> QuerySet[Authorisation]:
    if not user.is_authenticated:
        return Authorisation.objects.none()
    return Authorisation.objects.filter(person__user=user)


def may_see_names(user: AnyUser) -> bool:
    """Who holds a slot is shown to lab managers and teachers; others see "busy"."""
    return may_act_as(user, *LAB_MANAGERS, Role.TEACHER, Role.METHODOLOGIST)


def booking_candidates(user: User) -> QuerySet[Person]:
    """Whom the user books project work for: themself, their children, their institution's students. A
    union of id lists: an OR across these joins makes databases scan the whole registry."""
    # The ids first (hundreds at most): PostgreSQL plans `IN (… UNION …)` over the registry as a scan.
    return Person.objects.filter(pk__in=family_and_kept_students_ids(user)).order_by("last_name", "first_name")


def candidates_at_hand(user: User) -> list[Person]:
    """Whom the booking form offers before any search: the user's own record and their children (a few
    rows). A teacher's or coordinator's students, hundreds of them, are found by name instead
    (`find_booking_candidates`)."""
    return list(Person.objects.filter(pk__in=self_and_children_ids(user)).order_by("last_name", "first_name"))


def may_search_candidates(user: AnyUser) -> bool:
    """Whether the user may book for people beyond their own family (an institution's students, or anyone
    for lab managers): by role alone, read with the request; the search itself keeps to their people."""
    return may_act_as(user, *LAB_MANAGERS, Role.METHODOLOGIST, Role.TEACHER, Role.COORDINATOR)


def find_booking_candidates(user: User, query: str, *, limit: int = 20) -> list[Person]:
    """Up to ``limit`` of `booking_candidates` whose ФИО matches ``query`` (surname first, as
    `accounts.selectors.find_persons` reads it), in name order; nothing for less than two letters."""
    if len(search_key(query)) < 2:
        return []
    family = self_and_children_ids(user)
    students = Affiliation.objects.filter(
        kind="student", institution__in=institutions_for_people(user).values("pk")
    ).values("person_id")
    # The name range first (an index), then whose they are: the registry is never read whole.
    matching = find_persons(Person.objects.all(), q=query)
    return list(matching.filter(Q(pk__in=family) | Q(pk__in=students))[:limit])


def approving_teachers(user: User) -> QuerySet[Person]:
    """Teachers who may approve: those of the user's (or their children's) active institutions, with an
    active login holding the teacher role (as `may_supervise` asks), never the user's own record."""
    mine = self_and_children_ids(user)  # a few ids: the user's own record and their children's
    schools = Affiliation.objects.filter(person__in=mine, institution__is_active=True).values("institution_id")
    teachers = Affiliation.objects.filter(kind="teacher", institution__in=schools).values("person_id")
    return (
        Person.objects.filter(pk__in=teachers, user__is_active=True, user__role_assignments__role=Role.TEACHER)
        .exclude(user=user)
        .order_by("last_name", "first_name")
    )
