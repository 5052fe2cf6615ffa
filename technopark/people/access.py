"""Who may see and change people, their places in the cluster, their guardians and consents; and whom a login
acts for (`acting_for`), the set every app's access rules start from."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeGuard, TypeVar, cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from technopark.accounts.access import may_act_as
from technopark.accounts.models import User
from technopark.accounts.roles import Role
from technopark.core.access import deny, get_visible_or_404
from technopark.network.access import coordinated_institutions
from technopark.network.models import Institution
from technopark.people.models import Affiliation, Consent, Guardianship, Person
from technopark.people.selectors import GUARDIAN, SELF, giver_rule

# --- People (DOMAIN.md, "People and roles") ----------------------------------------------------------

# Centre staff who see everyone in the registry (lab managers check who may use the machines).
PEOPLE_READERS = (Role.METHODOLOGIST, Role.LAB_MANAGER)
# Centre staff who correct anyone's record, merge duplicates and record consents given on paper.
PEOPLE_MANAGERS = (Role.METHODOLOGIST,)


def may_manage_people(user: User | AnonymousUser) -> bool:
    return may_act_as(user, *PEOPLE_MANAGERS)


def teaching_institutions(user: User | AnonymousUser) -> QuerySet[Institution]:
    """Institutions where ``user`` is a teacher: the teacher role and a teacher's affiliation there
    (made by staff or the institution's coordinator, never by the teacher)."""
    if not isinstance(user, User) or not user.has_role(Role.TEACHER):
        return Institution.objects.none()
    return Institution.objects.filter(
        affiliations__person__user=user, affiliations__kind=Affiliation.Kind.TEACHER, is_active=True
    )


def institutions_for_people(user: User | AnonymousUser) -> QuerySet[Institution]:
    """Institutions whose people ``user`` adds and edits: all for staff managers; their own for
    coordinators; for teachers, the ones where they teach (students only, see `may_edit_person`)."""
    if may_manage_people(user):
        return Institution.objects.all()
    return Institution.objects.filter(
        Q(pk__in=teaching_institutions(user).values("pk")) | Q(pk__in=coordinated_institutions(user).values("pk"))
    )


def visible_persons(user: User | AnonymousUser) -> QuerySet[Person]:
    """Whom ``user`` sees: staff everyone; a teacher the students of their institutions; a coordinator
    everyone affiliated with their institution; a guardian their children; everyone their own record."""
    if not isinstance(user, User) or not user.is_active:
        return Person.objects.none()
    if may_act_as(user, *PEOPLE_READERS):
        return Person.objects.all()
    return acting_for(user)


def sees_anyone(user: User | AnonymousUser) -> bool:
    """Whether ``user`` sees anyone in the registry (`visible_persons`)."""
    return visible_persons(user).exists()


# --- Whom a login acts for -----------------------------------------------------------------------------
# Every app's access rules start from these sets. A request asks for them many times (a page, its menu, each
# row's links), so each is read once per request and kept on the login (`User.request_memo`); writes that
# change them forget them (`forget_what_changed`).

T = TypeVar("T")


def _signed_in(user: User | AnonymousUser) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_authenticated and user.is_active


def _once_per_request(user: User, key: str, read: Callable[[], T]) -> T:
    memo = user.request_memo
    if memo is None:  # not the login of a request: a command, a task, a test
        return read()
    if key not in memo:
        memo[key] = read()
    return cast(T, memo[key])


def forget_what_changed(*users: User | AnonymousUser | None) -> None:
    """After a write that changes whom these logins act for (a record claimed, a guardian linked, a person
    attached to an institution), the rest of their request reads the sets again."""
    for user in users:
        if isinstance(user, User):
            user.forget_request_memo()


def own_person(user: User | AnonymousUser) -> Person | None:
    """The record of ``user``'s login (None for one without a record, and for anonymous visitors)."""
    if not _signed_in(user):
        return None
    return _once_per_request(user, "own_person", lambda: Person.objects.filter(user=user).first())


def self_and_children_ids(user: User | AnonymousUser) -> frozenset[int]:
    """``user``'s own record and their children's (guardianship): whom they act for as a family member,
    whatever else they keep (a team's members they may withdraw, a draft's people they see)."""
    if not _signed_in(user):
        return frozenset()

    def read() -> frozenset[int]:
        own = Person.objects.filter(user=user).order_by().values_list("pk", flat=True)
        children = Guardianship.objects.filter(guardian__user=user).order_by().values_list("child_id", flat=True)
        return frozenset(own.union(children))

    return _once_per_request(user, "self_and_children", read)


def acting_for_ids(user: User | AnonymousUser) -> frozenset[int]:
    """The ids of `acting_for`."""
    if not _signed_in(user):
        return frozenset()

    def read() -> frozenset[int]:
        # Each rule is an indexed lookup of ids; their UNION is small (hundreds at most), so the callers
        # fetch the few records by primary key instead of testing every person against an OR of joins.
        # (`order_by()` drops the models' default ordering, which a compound statement does not allow.)
        coordinated = coordinated_institutions(user).order_by().values("pk")
        ids = (
            Person.objects.filter(user=user).order_by().values_list("pk", flat=True)
            .union(Guardianship.objects.filter(guardian__user=user).order_by().values_list("child_id", flat=True))
            .union(
                Affiliation.objects.filter(institution__in=coordinated).order_by().values_list("person_id", flat=True)
            )
        )  # fmt: skip
        if user.has_role(Role.TEACHER):
            teaching = teaching_institutions(user).order_by().values("pk")
            ids = ids.union(
                Affiliation.objects.filter(kind=Affiliation.Kind.STUDENT, institution__in=teaching)
                .order_by()
                .values_list("person_id", flat=True)
            )
        return frozenset(ids)

    return _once_per_request(user, "acting_for", read)


def acting_for(user: User | AnonymousUser) -> QuerySet[Person]:
    """The people ``user`` acts for in person, whatever staff role they hold: their own record, their
    children, everyone attached to the institutions they coordinate, the students of those where they
    teach. A lab manager reads the whole registry (`visible_persons`) to check who may use a machine, but
    registrations, documents and answers follow this set, as for anyone else."""
    return Person.objects.filter(pk__in=acting_for_ids(user))


def family_and_kept_students_ids(user: User | AnonymousUser) -> frozenset[int]:
    """Whom ``user`` books project work for and puts on a team: themself, their children and the students of
    the institutions whose people they keep (`institutions_for_people`: every institution for people
    managers; those where they teach or that they coordinate for others). Unlike `acting_for`, not the
    teachers of a coordinated institution, and every student for a methodologist."""
    if not _signed_in(user):
        return frozenset()

    def read() -> frozenset[int]:
        students = (
            Affiliation.objects.filter(
                kind=Affiliation.Kind.STUDENT, institution__in=institutions_for_people(user).values("pk")
            )
            .order_by()
            .values_list("person_id", flat=True)
        )
        return self_and_children_ids(user) | frozenset(students)

    return _once_per_request(user, "family_and_kept_students", read)


def access_person(user: User | AnonymousUser, person_id: int, *, for_write: bool = False) -> Person:
    """The person ``person_id`` if ``user`` sees it (and, ``for_write``, may edit it); `Http404` otherwise,
    the same as for a record that does not exist (audited)."""
    person = get_visible_or_404(visible_persons(user), user=user, pk=person_id)
    if for_write and not may_edit_person(user, person):
        deny(user, target=person, reason="not editable")
    return person


def may_edit_person(user: User | AnonymousUser, person: Person) -> bool:
    """Staff managers edit anyone; a coordinator the people of their institution; a teacher the students
    of theirs; a guardian their children; everyone their own record."""
    return may_manage_people(user) or person.pk in acting_for_ids(user)


def may_issue_claim_code(user: User | AnonymousUser, person: Person) -> bool:
    """Codes are handed out by whoever keeps the record for the institution: staff, its coordinator, the
    student's teacher; never by the person or a guardian (a code is a key to the record)."""
    if may_manage_people(user):
        return True
    if not isinstance(user, User) or person.user_id == user.pk:
        return False
    links = Affiliation.objects.filter(person=person)
    if links.filter(institution__in=coordinated_institutions(user).values("pk")).exists():
        return True
    return links.filter(
        kind=Affiliation.Kind.STUDENT, institution__in=teaching_institutions(user).values("pk")
    ).exists()


def attachable_institutions(user: User | AnonymousUser) -> QuerySet[Institution]:
    """Where ``user`` attaches people (teachers above all) and detaches them: anywhere for staff
    managers, their own institutions for coordinators; a teacher never attaches themself."""
    return Institution.objects.all() if may_manage_people(user) else coordinated_institutions(user)


def may_confirm_birth_date(user: User | AnonymousUser, person: Person) -> bool:
    """Who confirms a date of birth the person typed themself (DOMAIN.md rule 10): whoever may edit the
    record (`may_edit_person`: staff, the coordinator, the student's teacher, a guardian) but the person."""
    if not isinstance(user, User) or person.user_id == user.pk:
        return False
    return may_edit_person(user, person)


def _own_record_of_age(user: User | AnonymousUser) -> Person | None:
    """The user's own record when they consent for themself now (from 16 by a confirmed date, or an adult
    by grant): then they read and withdraw any consent about themself, their guardian's too."""
    own = own_person(user)
    return own if own is not None and giver_rule(own) == SELF else None


def visible_consents(user: User | AnonymousUser) -> QuerySet[Consent]:
    """Consents whose details (giver, scan) ``user`` may read: staff all; givers their own; from 16, the
    consents about oneself, whoever gave them."""
    if may_act_as(user, *PEOPLE_READERS):
        return Consent.objects.all()
    if not isinstance(user, User):
        return Consent.objects.none()
    own = _own_record_of_age(user)
    if own is None:
        return Consent.objects.filter(giver__user=user)
    return Consent.objects.filter(Q(giver__user=user) | Q(subject=own))


def access_consent(user: User | AnonymousUser, consent_id: int, *, for_write: bool = False) -> Consent:
    """A consent ``user`` may read; ``for_write`` (withdraw): its giver, the subject from their 16th birthday
    (any consent about themself, a guardian's earlier one too), or staff managers on a written request."""
    consent = get_visible_or_404(visible_consents(user).select_related("subject", "giver"), user=user, pk=consent_id)
    if for_write and not may_withdraw_consent(user, consent):
        deny(user, target=consent, reason="not the giver")
    return consent


def may_withdraw_consent(user: User | AnonymousUser, consent: Consent, *, subject_rule: str | None = None) -> bool:
    """The rule of `access_consent(..., for_write=True)` for one consent (``subject_rule``: the subject's
    `giver_rule` today, when the caller knows it)."""
    if may_manage_people(user):
        return True
    if not isinstance(user, User):
        return False
    if consent.giver.user_id == user.pk:
        return True
    if consent.subject.user_id != user.pk:
        return False
    return (subject_rule or giver_rule(consent.subject)) == SELF


def may_consent_online(user: User | AnonymousUser, person: Person) -> bool:
    """``user`` is the one who consents online for ``person`` now: the person themself from 16 (by a confirmed
    date, or an adult by grant), otherwise one of their guardians (`accounts.services.give_consent` enforces
    the same rule)."""
    if not isinstance(user, User):
        return False
    rule = giver_rule(person)
    if rule == SELF:
        return person.user_id == user.pk
    if rule == GUARDIAN:
        return person.guardianships.filter(guardian__user=user).exists()
    return False


def withdrawable_consents(user: User | AnonymousUser, consents: list[Consent]) -> set[int]:
    """Which of ``consents`` ``user`` may withdraw (`may_withdraw_consent`), the subjects' rule read once each."""
    rules: dict[int, str] = {}
    allowed = set()
    for consent in consents:
        if consent.withdrawn_at is not None:
            continue
        rule = None
        if consent.subject.user_id == user.pk and consent.giver.user_id != user.pk:
            rule = rules.setdefault(consent.subject_id, giver_rule(consent.subject))
        if may_withdraw_consent(user, consent, subject_rule=rule):
            allowed.add(consent.pk)
    return allowed
