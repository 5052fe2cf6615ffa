"""Registration for events: eligibility, capacity, the waiting list, approval and cancellation.

Rule 1 of DOMAIN.md: confirmed registrations never exceed capacity, whatever the concurrency. Every
write that takes or frees places locks the event's row first (`lock_event`, by `core.locking`: a row lock
on PostgreSQL; on SQLite the IMMEDIATE transaction already makes writers queue), then the registration's
row if it changes one (events before registrations, `core.locking.LOCK_ORDER`), then counts the places held
and decides. The lock is taken before the count, inside the same transaction as the insert. Nominations are
not locked: every change of their capacity locks their event (`announce.save_nomination`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core import cache
from technopark.core.errors import ConflictError, DomainError
from technopark.core.locking import lock_row
from technopark.core.services import log_action
from technopark.core.transactions import email_after_commit
from technopark.events.models import Event, Nomination, Registration, TeamMember
from technopark.events.services.mail import notify_member_left, notify_registration
from technopark.events.services.questions import check_answers, save_answers
from technopark.people.models import ConsentPurpose, Person
from technopark.people.selectors import GUARDIAN, counted_age_on, giver_rule, may_process
from technopark.projects.models import PUBLIC_PROJECTS, Project


class RegistrationError(DomainError):
    code = "registration_refused"


def lock_event(event: Event) -> Event:
    """The event's row as it is now, locked until the transaction ends: take it before counting places
    (module docstring)."""
    return lock_row(Event, event.pk)


def lock_registration(registration: Registration) -> tuple[Event, Registration]:
    """The registration's event and then the registration itself, as they are now, locked in that order."""
    return lock_row(Event, registration.event_id), lock_row(Registration, registration.pk)


def places_held(event: Event, nomination: Nomination | None = None) -> int:
    """Places held by confirmed registrations of ``event`` (or of one of its nominations)."""
    held = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
    if nomination is not None:
        held = held.filter(nomination=nomination)
    return held.aggregate(total=Sum("places"))["total"] or 0


def free_places(event: Event, nomination: Nomination | None = None) -> int | None:
    """Places still free for a registration in ``nomination`` (None: no limit)."""
    limits = []
    if event.capacity is not None:
        limits.append(event.capacity - places_held(event))
    if nomination is not None and nomination.capacity is not None:
        limits.append(nomination.capacity - places_held(event, nomination))
    return max(0, min(limits)) if limits else None


def check_person(event: Event, nomination: Nomination | None, person: Person, *, today: dt.date) -> None:
    """Refuse ``person`` when a limit of the event or nomination excludes them, or when a guardian must consent
    for them (`accounts.selectors.giver_rule`: under 16, or without a confirmed date of birth) and no consent
    to take part is on file. Age limits read a confirmed date of birth only (`counted_age_on`): a date the
    child typed themself meets no age group. Messages say why, in the user's language."""
    name = person.short_name
    day = timezone.localtime(event.starts_at).date() if event.starts_at else today
    for holder in (event, nomination):
        if holder is None:
            continue
        if holder.min_age is not None or holder.max_age is not None:
            age = counted_age_on(person, day)
            if age is None:
                raise RegistrationError(
                    _(
                        "%(name)s: a date of birth confirmed by a teacher, a guardian or the centre is needed to "
                        "check the age limits."
                    )
                    % {"name": name},
                    code="birth_date_unknown",
                )
            if holder.min_age is not None and age < holder.min_age:
                raise RegistrationError(
                    _("%(name)s is %(age)s on the day of the event; the minimum age is %(limit)s.")
                    % {"name": name, "age": age, "limit": holder.min_age},
                    code="too_young",
                )
            if holder.max_age is not None and age > holder.max_age:
                raise RegistrationError(
                    _("%(name)s is %(age)s on the day of the event; the maximum age is %(limit)s.")
                    % {"name": name, "age": age, "limit": holder.max_age},
                    code="too_old",
                )
        if holder.min_grade is not None or holder.max_grade is not None:
            grade = person.grade
            low, high = holder.min_grade or 1, holder.max_grade or 11
            if grade is None or not low <= grade <= high:
                raise RegistrationError(
                    _("%(name)s: the event is for grades %(low)s–%(high)s.") % {"name": name, "low": low, "high": high},
                    code="grade_limit",
                )
    if giver_rule(person, today) == GUARDIAN and not may_process(person, ConsentPurpose.PARTICIPATION):
        if person.birth_date_confirmed:
            message = _(
                "%(name)s is under 16: a guardian's consent to take part is needed first (on the record's page)."
            )
        else:
            message = _(
                "%(name)s: the date of birth is not confirmed, so a guardian's consent to take part is needed "
                "first (on the record's page)."
            )
        raise RegistrationError(message % {"name": name}, code="consent_required")


def _check_window(event: Event, now: dt.datetime) -> None:
    if event.status != Event.Status.REGISTRATION_OPEN:
        raise RegistrationError(_("Registration for this event is not open."), code="registration_closed")
    if event.registration_opens_at and now < event.registration_opens_at:
        raise RegistrationError(_("Registration has not opened yet."), code="registration_not_yet")
    if event.registration_closes_at and now >= event.registration_closes_at:
        raise RegistrationError(_("The registration deadline has passed."), code="registration_closed")


def _check_audience(event: Event, form: str) -> None:
    if event.audience == Event.Audience.TEACHERS and form != Registration.Form.INDIVIDUAL:
        raise RegistrationError(_("Teachers register one by one for this event."), code="form_not_allowed")


def _already_registered(event: Event, people: list[Person]) -> None:
    ids = [p.pk for p in people]
    taken = (
        Registration.objects.filter(event=event, status__in=Registration.ACTIVE, person_id__in=ids)
        .order_by()
        .values_list("person_id", flat=True)
        .union(
            TeamMember.objects.filter(
                registration__event=event, registration__status__in=Registration.ACTIVE, person_id__in=ids
            )
            .order_by()
            .values_list("person_id", flat=True)
        )
    )
    taken_ids = set(taken)
    if taken_ids:
        names = ", ".join(p.short_name for p in people if p.pk in taken_ids)
        raise ConflictError(
            _("%(names)s: already registered for this event.") % {"names": names}, code="already_registered"
        )


@transaction.atomic
def register(
    event: Event,
    *,
    actor: User,
    form: str,
    person: Person | None = None,
    nomination: Nomination | None = None,
    team_name: str = "",
    members: list[Person] | None = None,
    supervisors: list[Person] | None = None,
    institution: Any = None,
    head_count: int | None = None,
    answers: dict[int, Any] | None = None,
) -> Registration:
    """Register for ``event``: confirmed when places are free (and no approval is needed), otherwise on the
    waiting list; awaiting approval when the event asks for it. The caller's access rule decides whether
    ``actor`` may register these people (`events.access.may_register_for`).

    Raises `RegistrationError` with the reason (window, limits, consent, team size), `AnswerError` for an
    unanswered or wrong answer to the event's questions (``answers``: question id → value or uploaded file),
    or `ConflictError` when someone is registered already.
    """
    now = timezone.now()
    checked = check_answers(event, answers or {})  # before the lock: it reads only the questions
    event = lock_event(event)
    _check_window(event, now)
    _check_audience(event, form)
    if nomination is not None:
        # Read again under the lock: its capacity may have changed since the caller loaded it.
        nomination = Nomination.objects.filter(pk=nomination.pk, event=event).first()
        if nomination is None:
            raise RegistrationError(_("This nomination belongs to another event."), code="nomination_invalid")
    if nomination is None and event.nominations.exists():
        raise RegistrationError(_("Choose a nomination."), code="nomination_required", field="nomination")
    today = timezone.localdate()
    people: list[Person]
    if form == Registration.Form.INDIVIDUAL:
        if person is None:
            raise RegistrationError(_("Choose who takes part."), code="person_required", field="person")
        people, places = [person], 1
    elif form == Registration.Form.TEAM:
        people = list(dict.fromkeys(members or []))
        if not team_name.strip():
            raise RegistrationError(_("Name the team."), code="team_name_required", field="team_name")
        if not people:
            raise RegistrationError(_("Add the team's members."), code="members_required", field="members")
        places = len(people)
    elif form == Registration.Form.GROUP:
        people = []
        if not head_count or head_count < 1:
            raise RegistrationError(_("Give the number of students."), code="head_count_required", field="head_count")
        if institution is None:
            raise RegistrationError(_("Choose the institution."), code="institution_required", field="institution")
        if not supervisors:
            raise RegistrationError(_("Name the responsible teacher."), code="supervisor_required", field="supervisors")
        places = head_count
    else:
        raise RegistrationError(_("Unknown form of registration."), code="form_invalid", field="form")
    for participant in people:
        check_person(event, nomination, participant, today=today)
    _already_registered(event, people)

    if event.needs_approval:
        status = Registration.Status.PENDING_APPROVAL
    else:
        free = free_places(event, nomination)
        status = Registration.Status.CONFIRMED if free is None or free >= places else Registration.Status.WAITLISTED
    registration = Registration(
        event=event,
        nomination=nomination,
        form=form,
        person=person if form == Registration.Form.INDIVIDUAL else None,
        team_name=team_name.strip(),
        institution=institution,
        head_count=head_count if form == Registration.Form.GROUP else None,
        places=places,
        status=status,
        code=secrets.token_urlsafe(18),
        registered_by=actor if getattr(actor, "pk", None) else None,
    )
    # The foreign keys were checked above and the code is random: validating the plain fields is enough
    # (full_clean would spend four queries re-reading the event, person, login and code in the lock).
    registration.clean_fields(exclude=["event", "nomination", "person", "institution", "registered_by", "code"])
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        # The partial unique index caught a simultaneous registration of the same person.
        raise ConflictError(_("Already registered for this event."), code="already_registered") from None
    TeamMember.objects.bulk_create(TeamMember(registration=registration, person=p) for p in people if form == "team")
    save_answers(registration, checked)
    if supervisors:
        registration.supervisors.set(supervisors)
    log_action(
        event,
        "events.registration.created",
        actor=actor,
        data={"registration": registration.pk, "form": form, "places": places, "status": status},
    )
    email_after_commit(notify_registration, registration.pk)
    return registration


def _check_still_changeable(registration: Registration, event: Event, *, after_deadline: bool) -> None:
    """A registration is cancelled, or a member leaves its team, while it is active, the event is not held
    yet, and (but for ``after_deadline``) until the registration deadline or the start."""
    if registration.status not in Registration.ACTIVE:
        raise ConflictError(_("This registration is already cancelled."), code="registration_ended")
    if event.status not in Event.UPCOMING:
        # Attendance, results and documents hang on it now; the record of who took part must stay.
        raise ConflictError(_("The event is over: its registrations can no longer be cancelled."), code="event_over")
    deadline = event.registration_closes_at or event.starts_at
    if not after_deadline and deadline is not None and timezone.now() >= deadline:
        raise RegistrationError(
            _("The deadline for cancelling has passed; ask the organisers."), code="cancellation_closed"
        )


@transaction.atomic
def cancel_registration(registration: Registration, *, actor: User, after_deadline: bool = False) -> Registration:
    """Cancel a registration: until the registration deadline (or the start, when there is none), or at any
    time with ``after_deadline`` (event managers; `events.access.may_cancel_late`). Places it held go to the
    waiting list, in order. Who may cancel is `events.access.cancellable_registrations`. Raises
    `ConflictError` if already ended, `RegistrationError` after the deadline."""
    event, registration = lock_registration(registration)
    _check_still_changeable(registration, event, after_deadline=after_deadline)
    held = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    log_action(event, "events.registration.cancelled", actor=actor, data={"registration": registration.pk})
    if held:
        promote_waitlist(event, actor=actor)
    return registration


@transaction.atomic
def leave_team(
    registration: Registration, person: Person, *, actor: User, after_deadline: bool = False
) -> Registration:
    """Take ``person`` out of a team's registration: the member leaves, or their guardian withdraws them
    (`events.access.access_team_member` decides who may). The team stays registered with one place fewer,
    and the place goes to the waiting list; when the last member leaves, the registration is cancelled
    (that member stays on it as the record of who was in it). Whoever registered the team and its
    supervising teachers are told by e-mail after the commit. The deadline is the cancellation's.

    Raises `RegistrationError` (not a team, not a member, past the deadline) or `ConflictError` (the
    registration has ended, the event is over).
    """
    event, registration = lock_registration(registration)
    if registration.form != Registration.Form.TEAM:
        raise RegistrationError(
            _("This is not a team's registration: cancel it instead of leaving."), code="not_a_team"
        )
    _check_still_changeable(registration, event, after_deadline=after_deadline)
    members = list(registration.members.all())
    leaving = next((m for m in members if m.person_id == person.pk), None)
    if leaving is None:
        raise RegistrationError(
            _("%(name)s is not a member of this team.") % {"name": person.short_name}, code="not_a_member"
        )
    if len(members) == 1:
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        log_action(
            event, "events.registration.cancelled", actor=actor,
            data={"registration": registration.pk, "last_member_left": person.pk},
        )  # fmt: skip
    else:
        leaving.delete()
        registration.places = len(members) - 1
        registration.save(update_fields=["places", "updated_at"])
        log_action(
            event, "events.registration.member_left", actor=actor,
            data={"registration": registration.pk, "person": person.pk, "places": registration.places},
        )  # fmt: skip
    # A freed place, or a smaller team that now fits: the waiting list moves up.
    promote_waitlist(event, actor=actor)
    registration.refresh_from_db(fields=["status"])
    # Whoever registered the team and its supervisors are told after the commit.
    email_after_commit(notify_member_left, registration.pk, person.pk)
    return registration


def promote_waitlist(event: Event, *, actor: User | None) -> list[Registration]:
    """Confirm waiting registrations, first come first served, while they fit; each is told by e-mail.
    Call inside a transaction that holds the event's lock (`cancel_registration`, a capacity change)."""
    promoted = []
    waiting = Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED).select_related(
        "nomination"
    )
    for registration in waiting.order_by("created_at", "id"):
        free = free_places(event, registration.nomination)
        if free is not None and free < registration.places:
            continue
        registration.status = Registration.Status.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        log_action(event, "events.registration.promoted", actor=actor, data={"registration": registration.pk})
        email_after_commit(notify_registration, registration.pk, True)
        promoted.append(registration)
    return promoted


@transaction.atomic
def approve_registration(registration: Registration, *, actor: User) -> Registration:
    """Staff approve a registration that awaits it: confirmed while places last, else the waiting list."""
    event, registration = lock_registration(registration)
    if registration.status != Registration.Status.PENDING_APPROVAL:
        raise ConflictError(_("This registration does not await approval."), code="not_pending")
    free = free_places(event, registration.nomination)
    registration.status = (
        Registration.Status.CONFIRMED if free is None or free >= registration.places else Registration.Status.WAITLISTED
    )
    registration.save(update_fields=["status", "updated_at"])
    log_action(
        event,
        "events.registration.approved",
        actor=actor,
        data={"registration": registration.pk, "status": registration.status},
    )
    email_after_commit(notify_registration, registration.pk)
    return registration


@transaction.atomic
def reject_registration(registration: Registration, *, actor: User) -> Registration:
    """Staff turn down a registration that awaits approval or waits for a place."""
    _event, registration = lock_registration(registration)
    if registration.status not in (Registration.Status.PENDING_APPROVAL, Registration.Status.WAITLISTED):
        raise ConflictError(_("Only a registration awaiting approval or a place can be rejected."), code="not_pending")
    registration.status = Registration.Status.REJECTED
    registration.save(update_fields=["status", "updated_at"])
    log_action(registration.event, "events.registration.rejected", actor=actor, data={"registration": registration.pk})
    return registration


def project_choices(registration: Registration) -> list[Project]:
    """The project passports ``registration`` may name: those whose team holds its participant or a member."""
    people = [registration.person_id] if registration.person_id else [m.person_id for m in registration.members.all()]
    return list(Project.objects.filter(team__in=people).distinct().order_by("title"))


@transaction.atomic
def set_registration_project(registration: Registration, project: Project | None, *, actor: User) -> Registration:
    """Name the project passport entered with ``registration`` (or none). The project's team must hold the
    participant or a team member: a registration cannot claim someone else's project. Its passport then lists
    the contest, and the award once the results are published."""
    if project is not None and project.pk not in {choice.pk for choice in project_choices(registration)}:
        raise RegistrationError(
            _("This project's team does not include the participant of the registration."), code="project_not_team"
        )
    registration.project = project
    registration.save(update_fields=["project", "updated_at"])
    cache.changed(PUBLIC_PROJECTS)  # the passport lists the contest
    log_action(
        registration,
        "events.registration.project_set",
        actor=actor,
        data={"project": project.pk if project is not None else None},
    )
    return registration
