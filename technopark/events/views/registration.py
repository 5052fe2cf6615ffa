"""Registering, one's own registrations, cancelling, and the personal calendar feed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from technopark.accounts.access import signed_in_user
from technopark.accounts.models import User
from technopark.accounts.typing import AnyUser
from technopark.core.bounds import QueryValueError, query_int
from technopark.core.errors import DomainError
from technopark.core.forms import show_service_error
from technopark.events import ical, services
from technopark.events.access import (
    LeaveTheTeamInstead,
    access_event,
    access_registration,
    access_registration_to_cancel,
    access_team_member,
    cancellable_registrations,
    may_cancel_late,
    may_manage_events,
    may_register_for,
    members_user_may_withdraw,
    online_link_registrations,
    own_registrations,
    registration_candidates,
    supervisor_candidates,
    visible_certificates,
)
from technopark.events.forms import (
    RegistrationForm,
)
from technopark.events.models import (
    Event,
    Registration,
)
from technopark.people.access import institutions_for_people, own_person
from technopark.projects.models import Project

PAGE_SIZE = 20


# --- Registration ------------------------------------------------------------------------------------


def _registration_form(request: HttpRequest, event: Event, data: Any = None, files: Any = None) -> RegistrationForm:
    user = signed_in_user(request)
    teachers = supervisor_candidates(user)
    form = RegistrationForm(
        data, files, event=event, candidates=registration_candidates(user), institutions=institutions_for_people(user),
        teachers=teachers,
    )  # fmt: skip
    if "supervisors" in form.fields:
        own = own_person(user)
        form.fields["supervisors"].initial = [own] if own else []
    return form


@login_required
def event_register(request: HttpRequest, event_id: int) -> HttpResponse:
    """The registration form: for oneself, one's child, a team or a class of one's institution."""
    event = access_event(request.user, event_id)
    form = _registration_form(request, event, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = form.service_fields()
        people = [p for p in [values["person"], *values["members"]] if p is not None]
        if not all(may_register_for(request.user, person) for person in people):
            raise PermissionDenied
        try:
            registration = services.register(event, actor=signed_in_user(request), **values)
        except DomainError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("Registered: %(status)s.") % {"status": registration.get_status_display().lower()},
            )
            return redirect("events:my-registrations")
    return render(
        request,
        "events/register.html",
        {"event": event, "form": form, "free": services.free_places(event)},
        status=400 if form.errors else 200,
    )


@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    """The registrations the user made and those of the people they see (children, their students)."""
    registrations = (
        own_registrations(request.user)
        .select_related("event", "person", "nomination", "institution")
        .prefetch_related(
            "members__person",
            Prefetch(
                "certificates",
                queryset=visible_certificates(request.user).filter(revoked_at__isnull=True).order_by("kind", "id"),
                to_attr="documents",
            ),
        )
        .order_by("-created_at", "-id")
    )
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    _attach_project_choices(page.object_list)
    _attach_rights(request.user, page.object_list)
    feed = request.build_absolute_uri(
        reverse("events:personal-feed", kwargs={"token": personal_feed_token(signed_in_user(request))})
    )
    return render(request, "events/my_registrations.html", {"page_obj": page, "feed_url": feed})


def _attach_rights(user: AnyUser, registrations: Any) -> None:
    """What the user may do with each row (three queries for the page): cancel it and name its project
    (``may_cancel``), take themself or their child out of its team (``leavable``), read the online link
    (``online_link``, `access.may_see_online_link`'s rule)."""
    ids = [r.pk for r in registrations]
    cancellable = set(cancellable_registrations(user).filter(pk__in=ids).values_list("pk", flat=True))
    leavable = members_user_may_withdraw(user, registrations)
    with_link = set(
        online_link_registrations(user)
        .filter(event_id__in={r.event_id for r in registrations})
        .values_list("event_id", flat=True)
    )
    for registration in registrations:
        registration.may_cancel = registration.pk in cancellable
        registration.leavable = leavable.get(registration.pk, [])
        event = registration.event
        shown = registration.status == Registration.Status.CONFIRMED and event.format != Event.Format.IN_PERSON
        registration.online_link = event.online_url if shown and event.pk in with_link else ""


def _attach_project_choices(registrations: Any) -> None:
    """Each registration's ``project_choices``: the passports whose team holds its participant or a member
    (one query for the page; the same rule as `services.project_choices`)."""
    people = {r.person_id for r in registrations if r.person_id}
    people |= {m.person_id for r in registrations for m in r.members.all()}
    links = Project.team.through.objects.filter(person_id__in=people).select_related("project")
    by_person: dict[int, list[Project]] = {}
    for link in links.order_by("project__title"):
        by_person.setdefault(link.person_id, []).append(link.project)
    for registration in registrations:
        ids = [registration.person_id] if registration.person_id else [m.person_id for m in registration.members.all()]
        seen: dict[int, Project] = {}
        for person in ids:
            for project in by_person.get(person, []):
                seen.setdefault(project.pk, project)
        registration.project_choices = list(seen.values())


@login_required
@require_POST
def registration_project(request: HttpRequest, registration_id: int) -> HttpResponse:
    """Name the project passport entered with a registration (a contest entry on the passport)."""
    registration = access_registration(request.user, registration_id, for_write=True)
    choices = {project.pk: project for project in services.project_choices(registration)}
    try:
        chosen = query_int(request.POST, "project")
    except QueryValueError:
        chosen = 0
    project = choices.get(chosen) if chosen is not None else None
    if chosen is not None and project is None:
        messages.error(request, _("Choose one of the projects of the participant."))
        return redirect("events:my-registrations")
    try:
        services.set_registration_project(registration, project, actor=signed_in_user(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The project is linked to the registration.") if project else _("The project is unlinked.")
        )
    return redirect("events:my-registrations")


@login_required
@require_POST
def registration_cancel(request: HttpRequest, registration_id: int) -> HttpResponse:
    try:
        registration = access_registration_to_cancel(request.user, registration_id)
    except LeaveTheTeamInstead as refusal:
        messages.error(request, refusal.message)
        return redirect("events:my-registrations")
    try:
        services.cancel_registration(
            registration, actor=signed_in_user(request), after_deadline=may_cancel_late(request.user)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The registration is cancelled."))
    if request.POST.get("next") == "staff" and may_manage_events(request.user):
        return redirect("events:event-registrations", event_id=registration.event_id)
    return redirect("events:my-registrations")


@login_required
@require_POST
def registration_leave(request: HttpRequest, registration_id: int) -> HttpResponse:
    """A member leaves a team's registration, or their guardian withdraws them; the team stays registered."""
    raw = request.POST.get("person", "")
    if not raw.isdigit():
        raise Http404
    registration, person = access_team_member(request.user, registration_id, int(raw))
    try:
        services.leave_team(
            registration, person, actor=signed_in_user(request), after_deadline=may_cancel_late(request.user)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s has left the team “%(team)s”.") % {
            "name": person.short_name, "team": registration.team_name,
        })  # fmt: skip
    return redirect("events:my-registrations")


# --- The personal calendar feed --------------------------------------------------------------------------

FEED_SALT = "events.personal-feed"


def personal_feed_token(user: User) -> str:
    """A secret for the user's feed URL: calendar programs send no cookies, so the address itself is the key.
    Signed with SECRET_KEY; it names the login and changes when the password does (the hash is included)."""
    return signing.dumps({"u": user.pk, "h": user.password[-12:]}, salt=FEED_SALT, compress=True)


def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The events of the user's active registrations (and their children's and students'), as iCalendar."""
    try:
        data = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        raise Http404 from None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.password[-12:] != data.get("h"):
        raise Http404
    events = (
        Event.objects.filter(
            pk__in=own_registrations(user).filter(status__in=Registration.ACTIVE).values("event_id"),
            starts_at__isnull=False,
        )
        .prefetch_related("sessions")
        .order_by("starts_at", "id")
    )
    body = ical.feed(events, name=_("My events"), base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
