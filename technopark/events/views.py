from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from technopark.accounts.access import signed_in_user, staff_required
from technopark.accounts.models import Person, User
from technopark.core import spreadsheets
from technopark.core.errors import DomainError
from technopark.core.files import content_type_for
from technopark.core.forms import show_service_error
from technopark.core.pagecache import cache_anonymous_page
from technopark.core.text import search_key
from technopark.events import exports, ical, selectors, services
from technopark.events.access import (
    EVENT_MANAGERS,
    access_document,
    access_event,
    access_registration,
    may_cancel_late,
    may_export_institution,
    may_manage_events,
    may_register_for,
    may_see_online_link,
    own_registrations,
    registration_candidates,
    supervisor_candidates,
    visible_events,
)
from technopark.events.forms import (
    CalendarFilterForm,
    DocumentForm,
    EventForm,
    NominationForm,
    RegistrationForm,
    SessionForm,
    SessionFormSet,
    StatusForm,
)
from technopark.events.models import (
    Attendance,
    Event,
    EventDocument,
    EventSession,
    Nomination,
    Registration,
    Result,
)
from technopark.events.services import TRANSITIONS
from technopark.network.access import coordinated_institutions, institutions_for_people

PAGE_SIZE = 20


# --- Public: the calendar -------------------------------------------------------------------------------


@cache_anonymous_page(services.PUBLIC_EVENTS, daily=True)
def calendar_list(request: HttpRequest) -> HttpResponse:
    """Upcoming events (or a chosen date range), with the calendar's filters."""
    form = CalendarFilterForm(request.GET or None)
    filters = form.filters()
    events = selectors.find_events(visible_events(request.user).exclude(status=Event.Status.ARCHIVED), **filters)
    if "date_from" not in filters and "date_to" not in filters:
        events = selectors.upcoming(events)
    page = Paginator(events.prefetch_related("co_organisers"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/calendar_list.html", {"form": form, "page_obj": page, "today": timezone.localdate()})


@cache_anonymous_page(services.PUBLIC_EVENTS, daily=True)
def calendar_month(request: HttpRequest) -> HttpResponse:
    """A month as a grid of weeks (Monday first) with the sessions of each day."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        first = dt.date(year, month, 1)
    except ValueError:
        raise Http404 from None
    form = CalendarFilterForm(request.GET or None)
    filters = {k: v for k, v in form.filters().items() if k not in ("date_from", "date_to")}
    events = selectors.find_events(visible_events(request.user), **filters)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "events/calendar_month.html",
        {
            "form": form,
            "weeks": selectors.month_grid(events, year, month),
            "first": first,
            "previous": previous,
            "following": following,
            "today": today,
            "query": request.GET.copy(),
        },
    )


@cache_anonymous_page(services.PUBLIC_EVENTS)
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    access_event(request.user, event_id)
    event = selectors.event_page(visible_events(request.user), event_id).get()
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "may_manage": may_manage_events(request.user),
            "show_link": may_see_online_link(request.user, event),
            "coordinated": coordinated_institutions(request.user) if event.registrations.exists() else [],
        },
    )


def event_image(request: HttpRequest, event_id: int) -> FileResponse:
    event = access_event(request.user, event_id)
    if not event.image:
        raise Http404
    try:
        handle = event.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type_for(event.image.name))
    response["Cache-Control"] = "public, max-age=3600" if event.is_public else "private, no-store"
    return response


def document_file(request: HttpRequest, document_id: int) -> FileResponse:
    """An event's document (regulations…), for whoever sees the event (DOMAIN.md rule 8)."""
    document = access_document(request.user, document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    ext = document.file.name.rsplit(".", 1)[-1]
    response = FileResponse(handle, content_type=content_type_for(document.file.name))
    response["Content-Disposition"] = f'inline; filename="event-{document.event_id}-{document.pk}.{ext}"'
    return response


@cache_anonymous_page(services.PUBLIC_EVENTS)
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """All announced events as iCalendar (RFC 5545), for calendar programs to subscribe to."""
    events = (
        Event.objects.exclude(status__in=[Event.Status.DRAFT, Event.Status.ARCHIVED])
        .filter(starts_at__isnull=False)
        .prefetch_related("sessions")
        .order_by("starts_at", "id")
    )
    body = ical.feed(events, name=_("Events of the centre"), base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


# --- Staff -------------------------------------------------------------------------------------------


@staff_required(*EVENT_MANAGERS)
def event_manage(request: HttpRequest) -> HttpResponse:
    """Every event, drafts included, newest first, filterable by status and words of the title."""
    status = request.GET.get("status", "")
    events = selectors.find_events(
        Event.objects.all(), q=request.GET.get("q", ""), status=status if status in Event.Status.values else ""
    ).order_by("-created_at", "-id")
    drafts_without_dates = Event.objects.filter(starts_at__isnull=True).order_by("-created_at")
    if status and status != Event.Status.DRAFT:
        drafts_without_dates = drafts_without_dates.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/staff/event_manage.html",
        {"page_obj": page, "undated": drafts_without_dates, "statuses": Event.Status.choices, "status": status},
    )


@staff_required(*EVENT_MANAGERS)
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                actor=request.user, co_organisers=list(form.cleaned_data["co_organisers"]), **form.service_fields()
            )
        except (DomainError, ValidationError) as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The draft is saved. Now add the dates and times."))
            return redirect("events:event-sessions", event_id=event.pk)
    status = 400 if form.errors else 200
    return render(request, "events/staff/event_form.html", {"form": form, "event": None}, status=status)


@staff_required(*EVENT_MANAGERS)
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id, for_write=True)
    if request.method == "POST":
        form = EventForm(request.POST, request.FILES, instance=event)
        if form.is_valid():
            try:
                services.update_event(
                    event, actor=request.user, co_organisers=list(form.cleaned_data["co_organisers"]),
                    **form.service_fields(),
                )  # fmt: skip
            except (DomainError, ValidationError) as error:
                show_service_error(form, error)
            else:
                messages.success(request, _("The event is saved."))
                return redirect("events:event-edit", event_id=event.pk)
        event.refresh_from_db()
    else:
        form = EventForm(instance=event)
    return render(
        request,
        "events/staff/event_form.html",
        {
            "form": form,
            "event": event,
            "next_statuses": [
                (s, Event.Status(s).label) for s in Event.Status.values if s in TRANSITIONS[event.status]
            ],
            "document_form": DocumentForm(),
            "documents": event.documents.all(),
        },
        status=400 if form.errors else 200,
    )


@staff_required(*EVENT_MANAGERS)
def event_sessions(request: HttpRequest, event_id: int) -> HttpResponse:
    """The dates and times: one row per session, blank rows ignored, all saved together or not at all."""
    event = access_event(request.user, event_id, for_write=True)
    initial = [
        {
            "day": timezone.localtime(s.starts_at).date(),
            "start": timezone.localtime(s.starts_at).time(),
            "end": timezone.localtime(s.ends_at).time(),
            "title": s.title,
            "hours": s.hours,
        }
        for s in event.sessions.all()
    ]
    formset = SessionFormSet(request.POST or None, initial=initial, prefix="session")
    error = ""
    if request.method == "POST" and formset.is_valid():
        rows = [f.session() for f in formset.forms if not SessionForm.is_blank(f.cleaned_data)]
        try:
            services.set_sessions(event, rows, actor=request.user)
        except DomainError as refusal:
            error = str(refusal.message)
        else:
            messages.success(request, _("The dates are saved."))
            return redirect("events:event-edit", event_id=event.pk)
    failed = request.method == "POST"
    return render(
        request, "events/staff/event_sessions.html", {"event": event, "formset": formset, "error": error},
        status=400 if failed else 200,
    )  # fmt: skip


@staff_required(*EVENT_MANAGERS)
def event_nominations(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id, for_write=True)
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_nomination(event, actor=request.user, **form.service_fields())
        except (DomainError, ValidationError) as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The nomination is added."))
            return redirect("events:event-nominations", event_id=event.pk)
    return render(
        request,
        "events/staff/event_nominations.html",
        {"event": event, "form": form, "nominations": event.nominations.all()},
        status=400 if form.errors else 200,
    )


def _nomination(request: HttpRequest, nomination_id: int) -> Nomination:
    nomination = Nomination.objects.select_related("event").filter(pk=nomination_id).first()
    if nomination is None:
        raise Http404
    access_event(request.user, nomination.event_id, for_write=True)
    return nomination


@staff_required(*EVENT_MANAGERS)
def nomination_edit(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = _nomination(request, nomination_id)
    form = NominationForm(request.POST or None, instance=nomination)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_nomination(
                nomination.event, actor=request.user, nomination=nomination, **form.service_fields()
            )
        except (DomainError, ValidationError) as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The nomination is saved."))
            return redirect("events:event-nominations", event_id=nomination.event_id)
    return render(
        request,
        "events/staff/nomination_form.html",
        {"event": nomination.event, "nomination": nomination, "form": form},
        status=400 if form.errors else 200,
    )


@staff_required(*EVENT_MANAGERS)
@require_POST
def nomination_delete(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = _nomination(request, nomination_id)
    services.delete_nomination(nomination, actor=request.user)
    messages.success(request, _("The nomination is deleted."))
    return redirect("events:event-nominations", event_id=nomination.event_id)


@staff_required(*EVENT_MANAGERS)
@require_POST
def document_add(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id, for_write=True)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        services.add_document(event, actor=request.user, file=form.cleaned_data["file"], **{
            k: form.cleaned_data[k] for k in ("title", "kind")
        })  # fmt: skip
        messages.success(request, _("The document is added."))
    else:
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        messages.error(request, _("The document is not added: %(errors)s") % {"errors": errors})
    return redirect("events:event-edit", event_id=event.pk)


@staff_required(*EVENT_MANAGERS)
@require_POST
def document_delete(request: HttpRequest, document_id: int) -> HttpResponse:
    document = EventDocument.objects.filter(pk=document_id).first()
    if document is None:
        raise Http404
    access_event(request.user, document.event_id, for_write=True)
    services.delete_document(document, actor=request.user)
    messages.success(request, _("The document is deleted."))
    return redirect("events:event-edit", event_id=document.event_id)


@staff_required(*EVENT_MANAGERS)
@require_POST
def event_status(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id, for_write=True)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the next step."))
    else:
        try:
            services.change_status(event, form.cleaned_data["status"], actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The status is changed."))
    return redirect("events:event-edit", event_id=event.pk)


# --- Registration ------------------------------------------------------------------------------------


def _registration_form(request: HttpRequest, event: Event, data: Any = None) -> RegistrationForm:
    user = signed_in_user(request)
    teachers = supervisor_candidates(user)
    form = RegistrationForm(
        data, event=event, candidates=registration_candidates(user), institutions=institutions_for_people(user),
        teachers=teachers,
    )  # fmt: skip
    if "supervisors" in form.fields:
        own = Person.objects.filter(user=user).first()
        form.fields["supervisors"].initial = [own] if own else []
    return form


@login_required
def event_register(request: HttpRequest, event_id: int) -> HttpResponse:
    """The registration form: for oneself, one's child, a team or a class of one's institution."""
    event = access_event(request.user, event_id)
    form = _registration_form(request, event, request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.service_fields()
        people = [p for p in [values["person"], *values["members"]] if p is not None]
        if not all(may_register_for(request.user, person) for person in people):
            raise PermissionDenied
        try:
            registration = services.register(event, actor=request.user, **values)
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
        .prefetch_related("members__person")
        .order_by("-created_at", "-id")
    )
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    feed = request.build_absolute_uri(
        reverse("events:personal-feed", kwargs={"token": personal_feed_token(signed_in_user(request))})
    )
    return render(request, "events/my_registrations.html", {"page_obj": page, "feed_url": feed})


@login_required
@require_POST
def registration_cancel(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = access_registration(request.user, registration_id, for_write=True)
    try:
        services.cancel_registration(registration, actor=request.user, after_deadline=may_cancel_late(request.user))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The registration is cancelled."))
    if request.POST.get("next") == "staff" and may_manage_events(request.user):
        return redirect("events:event-registrations", event_id=registration.event_id)
    return redirect("events:my-registrations")


@staff_required(*EVENT_MANAGERS)
def event_registrations(request: HttpRequest, event_id: int) -> HttpResponse:
    """Staff: everyone registered, the places held and the waiting list, with approval."""
    event = access_event(request.user, event_id, for_write=True)
    registrations = (
        event.registrations.select_related("person", "nomination", "institution", "registered_by")
        .prefetch_related("members__person")
        .annotate(sessions_attended=Count("attendance", distinct=True), hours=Sum("attendance__session__hours"))
        .order_by("created_at", "id")
    )
    return render(
        request,
        "events/staff/event_registrations.html",
        {
            "event": event,
            "registrations": registrations,
            "held": services.places_held(event),
            "free": services.free_places(event),
        },
    )


@staff_required(*EVENT_MANAGERS)
@require_POST
def registration_decide(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = access_registration(request.user, registration_id, for_write=True)
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            services.approve_registration(registration, actor=request.user)
        elif decision == "reject":
            services.reject_registration(registration, actor=request.user)
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The decision is saved."))
    return redirect("events:event-registrations", event_id=registration.event_id)


# --- Check-in and attendance -------------------------------------------------------------------------


def _session_for(event: Event, session_id: str | None) -> EventSession | None:
    if session_id and session_id.isdigit():
        session = event.sessions.filter(pk=int(session_id)).first()
        if session is not None:
            return session
    return services.current_session(event)


def _mark_attendance(request: HttpRequest, registration: Registration, session: EventSession) -> None:
    """One tap at the door: check in (or undo, with ``undo`` in the form), and say what happened."""
    if request.POST.get("undo"):
        services.undo_check_in(registration, session, actor=request.user)
        return
    try:
        services.check_in(registration, session, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Checked in: %(who)s.") % {"who": registration.label})


@staff_required(*EVENT_MANAGERS)
def check_in(request: HttpRequest, code: str) -> HttpResponse:
    """What the participant's QR code opens: who it is, their status, and one button to let them in."""
    registration = (
        Registration.objects.select_related("event", "person", "nomination", "institution")
        .prefetch_related("members__person")
        .filter(code=code)
        .first()
    )
    if registration is None:
        raise Http404
    event = access_event(request.user, registration.event_id, for_write=True)
    session = _session_for(event, request.POST.get("session") or request.GET.get("session"))
    if request.method == "POST" and session is not None:
        _mark_attendance(request, registration, session)
        return redirect(f"{request.path}?session={session.pk}")
    attended = set(registration.attendance.values_list("session_id", flat=True))
    return render(
        request,
        "events/staff/check_in.html",
        {"registration": registration, "event": event, "session": session, "sessions": event.sessions.all(),
         "attended": attended, "here": session is not None and session.pk in attended},
    )  # fmt: skip


@staff_required(*EVENT_MANAGERS)
def check_in_list(request: HttpRequest, event_id: int) -> HttpResponse:
    """Check-in without the QR code: find the participant by name and tap."""
    event = access_event(request.user, event_id, for_write=True)
    session = _session_for(event, request.POST.get("session") or request.GET.get("session"))
    if request.method == "POST" and session is not None:
        registration = event.registrations.filter(pk=request.POST.get("registration") or 0).first()
        if registration is None:
            raise Http404
        _mark_attendance(request, registration, session)
        query = request.POST.get("q", "")
        return redirect(f"{request.path}?session={session.pk}&q={query}")
    registrations = event.registrations.filter(status=Registration.Status.CONFIRMED).select_related(
        "person", "institution"
    )
    q = request.GET.get("q", "").strip()
    if q and (key := search_key(q)):
        registrations = registrations.filter(
            Q(person__search_text__contains=key) | Q(members__person__search_text__contains=key)
            | Q(team_name__icontains=q)
        ).distinct()  # fmt: skip
    registrations = registrations.prefetch_related("members__person").order_by("person__search_text", "team_name", "id")
    attended = (
        set(
            Attendance.objects.filter(session=session, registration__event=event).values_list(
                "registration_id", flat=True
            )
        )
        if session
        else set()
    )
    return render(
        request,
        "events/staff/check_in_list.html",
        {"event": event, "session": session, "sessions": event.sessions.all(), "registrations": registrations,
         "attended": attended, "q": q},
    )  # fmt: skip


@login_required
def registration_qr(request: HttpRequest, registration_id: int) -> HttpResponse:
    """The participant's QR code, to show on a phone at the entrance."""
    registration = access_registration(request.user, registration_id)
    if registration.status != Registration.Status.CONFIRMED:
        raise Http404
    response = HttpResponse(services.registrations.check_in_qr(registration), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


def _export(event: Event, file_format: str, *, institution_id: int | None, with_contacts: bool) -> HttpResponse:
    if file_format not in ("xlsx", "csv"):
        raise Http404
    registrations = exports.registrations_for_export(event, institution_id=institution_id)
    header = exports.header(with_contacts=with_contacts)
    data = exports.rows(registrations, with_contacts=with_contacts)
    stamp = timezone.localdate().isoformat()
    if file_format == "xlsx":
        body = spreadsheets.xlsx_bytes(
            header, data, sheet_title=_("Participants"), widths=[5, 36, 12, 7, 30, 24, 28, 16, 20, 28, 18, 16, 18, 28]
        )
        response = HttpResponse(body, content_type=content_type_for("x.xlsx"))
    else:
        response = HttpResponse(spreadsheets.csv_bytes(header, data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="participants-{event.pk}-{stamp}.{file_format}"'
    return response


@staff_required(*EVENT_MANAGERS)
def participants_export(request: HttpRequest, event_id: int, file_format: str) -> HttpResponse:
    """All participants with their contacts, for the organisers."""
    event = access_event(request.user, event_id, for_write=True)
    return _export(event, file_format, institution_id=None, with_contacts=True)


@login_required
def institution_participants_export(
    request: HttpRequest, event_id: int, institution_id: int, file_format: str
) -> HttpResponse:
    """One institution's participants, for its coordinator (no contacts: the school has them)."""
    event = access_event(request.user, event_id)
    if not may_export_institution(request.user, institution_id):
        raise PermissionDenied
    return _export(event, file_format, institution_id=institution_id, with_contacts=False)


# --- The personal calendar feed --------------------------------------------------------------------------

FEED_SALT = "events.personal-feed"


def personal_feed_token(user: Any) -> str:
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


# --- Results -----------------------------------------------------------------------------------------


@cache_anonymous_page(services.PUBLIC_EVENTS)
def event_results(request: HttpRequest, event_id: int) -> HttpResponse:
    """Published results by nomination; names only where a consent to publish them is on file."""
    event = access_event(request.user, event_id)
    if event.status not in (Event.Status.RESULTS_PUBLISHED, Event.Status.ARCHIVED) and not may_manage_events(
        request.user
    ):
        raise Http404
    return render(request, "events/results.html", {"event": event, "groups": selectors.published_results(event)})


@staff_required(*EVENT_MANAGERS)
def results_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    """Staff enter the award and place of each confirmed registration, nomination by nomination."""
    event = access_event(request.user, event_id, for_write=True)
    registrations = list(
        event.registrations.filter(status=Registration.Status.CONFIRMED)
        .select_related("person", "nomination", "institution", "result")
        .prefetch_related("members__person")
        .order_by("nomination__position", "created_at", "id")
    )
    error = ""
    if request.method == "POST":
        rows: dict[int, tuple[str, int | None]] = {}
        for registration in registrations:
            award = request.POST.get(f"award-{registration.pk}", "")
            place = request.POST.get(f"place-{registration.pk}", "").strip()
            if place and not place.isdigit():
                error = _("A place is a whole number.")
                break
            rows[registration.pk] = (award, int(place) if place else None)
        if not error:
            try:
                services.set_results(event, rows, actor=request.user)
            except DomainError as refusal:
                error = str(refusal.message)
            else:
                messages.success(request, _("The results are saved."))
                return redirect("events:results-edit", event_id=event.pk)
    return render(
        request,
        "events/staff/results_form.html",
        {"event": event, "registrations": registrations, "awards": Result.Award.choices, "error": error,
         "posted": request.POST if request.method == "POST" else None},
        status=400 if error else 200,
    )  # fmt: skip
