"""The events API. No `from __future__ import annotations` here: django-ninja reads the annotations
of query parameters (`Query[...]`) at import time."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.pagination import paginate

from technopark.accounts.models import User
from technopark.accounts.typing import AnyUser
from technopark.core.access import get_visible_or_404
from technopark.core.bounds import MAX_SEARCH_LENGTH, CalendarDate, CalendarDateTime, Id, patch_values
from technopark.core.models import LONG_TEXT_LENGTH
from technopark.core.pagination import Pagination
from technopark.events import selectors, services
from technopark.events.access import (
    access_event,
    access_registration_to_cancel,
    access_results,
    access_team_member,
    may_cancel_late,
    may_manage_events,
    may_register_for,
    may_see_online_link,
    visible_events,
)
from technopark.events.models import CentreLab, Direction, Event, Nomination, Question, Registration
from technopark.network.models import Institution
from technopark.people.access import access_person, institutions_for_people, own_person
from technopark.people.models import Person

router = Router(tags=["events"])

# Sizes of what one request may carry, each far above what an event has: every item is looked up or
# written, so an unbounded list is unbounded work.
MAX_PLACES = 100_000
MAX_SESSIONS = 200
MAX_CO_ORGANISERS = 50
MAX_TEAM = 50
MAX_SUPERVISORS = 10
MAX_QUESTIONS = 100


class SessionOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    title: str
    hours: float | None


class NominationOut(Schema):
    id: int
    title: str
    min_age: int | None
    max_age: int | None
    min_grade: int | None
    max_grade: int | None
    capacity: int | None


class QuestionOut(Schema):
    id: int
    label: str
    kind: Question.Kind
    options: list[str] = Field(description="For a choice: the options, one of which is the answer")
    required: bool

    @staticmethod
    def resolve_options(obj: Question) -> list[str]:
        return obj.options()


class EventListOut(Schema):
    id: int
    title: str
    summary: str
    kind: Event.Kind
    audience: Event.Audience
    level: Event.Level
    format: Event.Format
    directions: list[str]
    status: Event.Status
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    venue: str

    @staticmethod
    def resolve_venue(obj: Event) -> str:
        return obj.venue_label()


class EventOut(EventListOut):
    description: str
    venue_kind: Event.VenueKind
    venue_lab: str
    online_url: str | None = Field(
        description="The link of an online or mixed event, for event managers and for callers a confirmed "
        "registration gives it to: its participant or team member, their guardian, whoever registered it, its "
        "supervising teachers; null for everyone else"
    )
    min_age: int | None
    max_age: int | None
    min_grade: int | None
    max_grade: int | None
    registration_opens_at: dt.datetime | None
    registration_closes_at: dt.datetime | None
    capacity: int | None
    needs_approval: bool
    sessions: list[SessionOut]
    nominations: list[NominationOut]
    questions: list[QuestionOut] = Field(description="The registration form's questions; answer them in `answers`")
    co_organisers: list[int]

    @staticmethod
    def resolve_questions(obj: Event) -> list[Any]:
        return list(obj.questions.all())

    @staticmethod
    def resolve_sessions(obj: Event) -> list[Any]:
        return list(obj.sessions.all())

    @staticmethod
    def resolve_nominations(obj: Event) -> list[Any]:
        return list(obj.nominations.all())

    @staticmethod
    def resolve_co_organisers(obj: Event) -> list[int]:
        return [institution.pk for institution in obj.co_organisers.all()]

    @staticmethod
    def resolve_online_url(obj: Event, context: Any) -> str | None:
        request = context["request"]
        return obj.online_url if may_see_online_link(request.auth, obj) else None


class EventFilters(Schema):
    q: str = Field("", max_length=MAX_SEARCH_LENGTH, description="Words of the title")
    kind: Event.Kind | None = None
    audience: Event.Audience | None = Field(None, description="Events for both audiences count for each")
    direction: Direction | None = None
    level: Event.Level | None = None
    date_from: CalendarDate | None = Field(None, description="Events that end on this day or later")
    date_to: CalendarDate | None = Field(None, description="Events that start on this day or earlier")
    upcoming: bool = Field(True, description="Only events not over yet (ignored when dates are given)")
    free_places: bool = Field(False, description="Only events open for registration now with places left")


class SessionIn(Schema):
    starts_at: CalendarDateTime
    ends_at: CalendarDateTime
    title: str = Field("", max_length=300)
    hours: float | None = Field(None, ge=0, le=999, description="Academic hours, for courses")


class EventIn(Schema):
    title_ru: str = Field(min_length=1, max_length=300)
    title_be: str = Field("", max_length=300)
    title_en: str = Field("", max_length=300)
    summary_ru: str = Field("", max_length=500)
    description_ru: str = Field("", max_length=LONG_TEXT_LENGTH)
    kind: Event.Kind
    audience: Event.Audience
    level: Event.Level
    format: Event.Format
    directions: list[Direction] = []
    venue_kind: Event.VenueKind
    venue_lab: CentreLab | None = None
    venue_details: str = Field("", max_length=300)
    online_url: str = Field("", max_length=200)
    min_age: int | None = Field(None, ge=0, le=99)
    max_age: int | None = Field(None, ge=0, le=99)
    min_grade: int | None = Field(None, ge=1, le=11)
    max_grade: int | None = Field(None, ge=1, le=11)
    registration_opens_at: CalendarDateTime | None = None
    registration_closes_at: CalendarDateTime | None = None
    capacity: int | None = Field(None, ge=1, le=MAX_PLACES)
    needs_approval: bool = False
    co_organisers: list[Id] = Field([], max_length=MAX_CO_ORGANISERS)
    sessions: list[SessionIn] = Field([], max_length=MAX_SESSIONS)


class EventPatch(Schema):
    title_ru: str | None = Field(None, min_length=1, max_length=300)
    title_be: str | None = Field(None, max_length=300)
    title_en: str | None = Field(None, max_length=300)
    summary_ru: str | None = Field(None, max_length=500)
    description_ru: str | None = Field(None, max_length=LONG_TEXT_LENGTH)
    kind: Event.Kind | None = None
    audience: Event.Audience | None = None
    level: Event.Level | None = None
    format: Event.Format | None = None
    directions: list[Direction] | None = None
    venue_kind: Event.VenueKind | None = None
    venue_lab: CentreLab | None = None
    venue_details: str | None = Field(None, max_length=300)
    online_url: str | None = Field(None, max_length=200)
    registration_opens_at: CalendarDateTime | None = None
    registration_closes_at: CalendarDateTime | None = None
    capacity: int | None = Field(None, ge=1, le=MAX_PLACES)
    needs_approval: bool | None = None
    status: Event.Status | None = Field(None, description="The next step of the life cycle")
    sessions: list[SessionIn] | None = Field(None, max_length=MAX_SESSIONS)


def _detail(user: AnyUser, event_id: int) -> Event:
    access_event(user, event_id)
    return selectors.event_page(visible_events(user), event_id).get()


@router.get("/events", response=list[EventListOut], url_name="event-list", summary="Events (the calendar)")
@paginate(Pagination)
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> Any:
    """Announced events with the calendar's filters; by default those not over yet, soonest first."""
    values = {k: v for k, v in filters.dict().items() if v not in (None, "") and k != "upcoming"}
    events = selectors.find_events(visible_events(request.auth), **values)  # type: ignore[attr-defined]
    if filters.upcoming and not (filters.date_from or filters.date_to):
        events = selectors.upcoming(events)
    return events


@router.get("/events/{int:event_id}", response=EventOut, url_name="event-detail")
def get_event(request: HttpRequest, event_id: Id) -> Event:
    return _detail(request.auth, event_id)  # type: ignore[attr-defined]


def _institutions(ids: list[int]) -> list[Institution]:
    return [get_object_or_404(Institution, pk=pk) for pk in ids]


@router.post("/events", response={201: EventOut}, url_name="event-create")
def create_event(request: HttpRequest, payload: EventIn) -> Status[Event]:
    """Methodologists and administrators; the event starts as a draft."""
    user = request.auth  # type: ignore[attr-defined]
    if not may_manage_events(user):
        raise PermissionDenied
    values = payload.dict(exclude={"co_organisers", "sessions"})
    values["directions"] = [str(d) for d in values["directions"]]
    values["venue_lab"] = values["venue_lab"] or ""
    event = services.create_event(actor=user, co_organisers=_institutions(payload.co_organisers), **values)
    if payload.sessions:
        services.set_sessions(event, [s.dict() for s in payload.sessions], actor=user)
    return Status(201, _detail(user, event.pk))


@router.patch("/events/{int:event_id}", response=EventOut, url_name="event-update")
def update_event(request: HttpRequest, event_id: Id, payload: EventPatch) -> Event:
    """Change the announcement, replace the sessions, or move the event along its life cycle."""
    user = request.auth  # type: ignore[attr-defined]
    event = access_event(user, event_id, for_write=True)
    values = patch_values(payload.dict(exclude_unset=True, exclude={"status", "sessions"}), Event)
    if "directions" in values:
        values["directions"] = [str(d) for d in values["directions"] or []]
    if "venue_lab" in values:
        values["venue_lab"] = values["venue_lab"] or ""
    if values:
        event = services.update_event(event, actor=user, **values)
    if payload.sessions is not None:
        services.set_sessions(event, [s.dict() for s in payload.sessions], actor=user)
    if payload.status is not None:
        services.change_status(event, payload.status, actor=user)
    return _detail(user, event_id)


# --- Registration ------------------------------------------------------------------------------------


class RegistrationIn(Schema):
    form: Registration.Form = Registration.Form.INDIVIDUAL
    person: Id | None = Field(None, description="Who takes part (individual); the caller's own record if empty")
    nomination: Id | None = None
    team_name: str = Field("", max_length=200)
    members: list[Id] = Field([], max_length=MAX_TEAM, description="Team members (person ids)")
    supervisors: list[Id] = Field([], max_length=MAX_SUPERVISORS, description="Supervising teachers (person ids)")
    institution: Id | None = Field(None, description="The team's or class's institution")
    head_count: int | None = Field(None, ge=1, le=500, description="Students in the class (group)")
    answers: dict[Id, str | float | bool] = Field(
        {},
        max_length=MAX_QUESTIONS,
        description="Answers to the event's questions by question id: text, a number, one of the options, "
        "true/false for yes-or-no. Questions that ask for a file are answered on the registration page.",
    )


class RegistrationOut(Schema):
    id: int
    status: Registration.Status
    event_id: int
    form: Registration.Form
    places: int
    nomination_id: int | None


def _signed_in(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User) or not user.is_authenticated:
        raise AuthenticationError
    return user


def _person_for(user: AnyUser, person_id: int) -> Person:
    """A person the caller may register (404 for one they do not see, 403 for one they only see)."""
    person = access_person(user, person_id)
    if not may_register_for(user, person):
        raise PermissionDenied
    return person


@router.post("/events/{int:event_id}/registrations", response={201: RegistrationOut}, url_name="registration-create")
def create_registration(request: HttpRequest, event_id: Id, payload: RegistrationIn) -> Status[Registration]:
    """Register: ``confirmed`` while places last, then ``waitlisted``; ``pending_approval`` when staff approve
    each one. A refusal is a 4xx whose ``detail`` says why (window, age or grade, consent, already registered)."""
    user = _signed_in(request)
    event = access_event(user, event_id)
    nomination = None
    if payload.nomination is not None:
        nomination = get_object_or_404(Nomination, pk=payload.nomination, event=event)
    person = None
    if payload.form == Registration.Form.INDIVIDUAL:
        if payload.person is None:
            person = own_person(user)
            if person is None:
                raise services.RegistrationError(
                    _("Your login has no record in the registry yet; ask your teacher for a code."),
                    code="no_own_record", field="person",
                )  # fmt: skip
        else:
            person = _person_for(user, payload.person)
    members = [_person_for(user, pk) for pk in payload.members]
    supervisors = [access_person(user, pk) for pk in payload.supervisors]
    institution = None
    if payload.institution is not None:
        institution = get_visible_or_404(institutions_for_people(user), user=user, pk=payload.institution)
    registration = services.register(
        event, actor=user, form=payload.form, person=person, nomination=nomination, team_name=payload.team_name,
        members=members, supervisors=supervisors, institution=institution, head_count=payload.head_count,
        answers=dict(payload.answers),
    )  # fmt: skip
    return Status(201, registration)


@router.delete("/registrations/{int:registration_id}", response=RegistrationOut, url_name="registration-cancel")
def cancel_registration(request: HttpRequest, registration_id: Id) -> Registration:
    """Cancel (until the deadline; event managers at any time). A freed place goes to the waiting list.
    Whoever made the registration cancels it, and for one participant whoever may register them; a team's or
    class's also its supervising teachers and its institution's coordinators. A team's member or their
    guardian gets 403 ``leave_the_team_instead``: they leave the team (``POST …/leave``)."""
    user = _signed_in(request)
    registration = access_registration_to_cancel(user, registration_id)
    return services.cancel_registration(registration, actor=user, after_deadline=may_cancel_late(user))


class LeaveIn(Schema):
    person: int | None = Field(None, description="The member who leaves; the caller's own record if empty")


@router.post("/registrations/{int:registration_id}/leave", response=RegistrationOut, url_name="registration-leave")
def leave_team(request: HttpRequest, registration_id: Id, payload: LeaveIn) -> Registration:
    """A member leaves a team's registration, or their guardian withdraws them (event managers anyone). The
    team keeps its registration with one place fewer, the place goes to the waiting list, and whoever
    registered the team and its supervisors are told; when the last member leaves, the registration is
    ``cancelled``. Refused like a cancellation after the deadline; ``not_a_team``, ``not_a_member`` otherwise."""
    user = _signed_in(request)
    person_id = payload.person
    if person_id is None:
        own = own_person(user)
        if own is None:
            raise services.RegistrationError(
                _("Your login has no record in the registry yet; name the member who leaves."),
                code="no_own_record", field="person",
            )  # fmt: skip
        person_id = own.pk
    registration, person = access_team_member(user, registration_id, person_id)
    return services.leave_team(registration, person, actor=user, after_deadline=may_cancel_late(user))


class ResultOut(Schema):
    nomination: str | None
    award: str
    award_label: str
    place: int | None
    participant: str = Field(description="Team name and/or names with a consent to publish them")
    institution: str | None


@router.get("/events/{int:event_id}/results", response=list[ResultOut], url_name="event-results")
def event_results(request: HttpRequest, event_id: Id) -> list[dict[str, Any]]:
    """Published results, as on the results page (names only with a consent to publish them)."""
    event = access_results(request.auth, event_id)  # type: ignore[attr-defined]
    rows = []
    for group in selectors.published_results(event):
        nomination = group["nomination"]
        for row in group["rows"]:  # type: ignore[attr-defined]
            result = row["result"]
            parts = [p for p in (row["who"], ", ".join(row["names"])) if p]
            rows.append({
                "nomination": nomination.title if nomination else None,  # type: ignore[attr-defined]
                "award": result.award, "award_label": str(result.get_award_display()), "place": result.place,
                "participant": ": ".join(parts),
                "institution": row["institution"].short_name if row["institution"] else None,
            })  # fmt: skip
    return rows
