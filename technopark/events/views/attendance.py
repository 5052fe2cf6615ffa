"""Staff pages of the day: approval, check-in by QR code or by list, the participant exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from technopark.accounts.access import signed_in_user, staff_required
from technopark.core import spreadsheets
from technopark.core.bounds import query_int, query_text
from technopark.core.errors import DomainError
from technopark.core.files import content_type_for, open_stored_file
from technopark.core.text import search_key
from technopark.events import exports, services
from technopark.events.access import (
    EVENT_MANAGERS,
    access_event,
    access_registration,
    may_export_institution,
)
from technopark.events.models import (
    Answer,
    Attendance,
    Event,
    EventSession,
    Registration,
)
from technopark.people.models import ConsentPurpose
from technopark.people.selectors import needing_consent_without_it

# --- Check-in and attendance -------------------------------------------------------------------------


@staff_required(*EVENT_MANAGERS)
def event_registrations(request: HttpRequest, event_id: int) -> HttpResponse:
    """Staff: everyone registered, the places held and the waiting list, with approval."""
    event = access_event(request.user, event_id, for_write=True)
    registrations = list(
        event.registrations.select_related("person", "nomination", "institution", "registered_by")
        .prefetch_related("members__person", Prefetch("answers", queryset=Answer.objects.select_related("question")))
        .annotate(sessions_attended=Count("attendance", distinct=True), hours=Sum("attendance__session__hours"))
        .order_by("created_at", "id")
    )
    # Flag who may no longer take part: a guardian must consent and no consent is on file (issue 12, item 10).
    people = [r.person for r in registrations if r.status in Registration.ACTIVE]
    people += [m.person for r in registrations if r.status in Registration.ACTIVE for m in r.members.all()]
    return render(
        request,
        "events/staff/event_registrations.html",
        {
            "event": event,
            "registrations": registrations,
            "without_consent": needing_consent_without_it(people, ConsentPurpose.PARTICIPATION),
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
            decided = services.approve_registration(registration, actor=signed_in_user(request))
        elif decision == "reject":
            decided = services.reject_registration(registration, actor=signed_in_user(request))
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    else:
        # Approval may end on the waiting list when the places are gone: say which, from the service's answer.
        messages.success(request, _("Decided: %(status)s.") % {"status": decided.get_status_display().lower()})
    return redirect("events:event-registrations", event_id=registration.event_id)


@login_required
def answer_file(request: HttpRequest, answer_id: int) -> FileResponse:
    """A file attached to a registration's answer, for those who see the registration."""
    answer = Answer.objects.filter(pk=answer_id).exclude(file="").first()
    if answer is None:
        raise Http404
    access_registration(request.user, answer.registration_id)
    handle = open_stored_file(answer.file, owner=answer)
    response = FileResponse(handle, content_type=content_type_for(answer.file.name))
    response["Content-Disposition"] = f'attachment; filename="answer-{answer.pk}.{answer.file.name.rsplit(".", 1)[-1]}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _session_for(event: Event, session_id: int | None) -> EventSession | None:
    if session_id:
        session = event.sessions.filter(pk=session_id).first()
        if session is not None:
            return session
    return services.current_session(event)


def _mark_attendance(request: HttpRequest, registration: Registration, session: EventSession) -> None:
    """One tap at the door: check in (or undo, with ``undo`` in the form), and say what happened."""
    if request.POST.get("undo"):
        services.undo_check_in(registration, session, actor=signed_in_user(request))
        return
    try:
        services.check_in(registration, session, actor=signed_in_user(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(who)s: checked in.") % {"who": registration.label})


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
    session = _session_for(event, query_int(request.POST, "session") or query_int(request.GET, "session"))
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
    session = _session_for(event, query_int(request.POST, "session") or query_int(request.GET, "session"))
    if request.method == "POST" and session is not None:
        registration = event.registrations.filter(pk=query_int(request.POST, "registration", default=0)).first()
        if registration is None:
            raise Http404
        _mark_attendance(request, registration, session)
        query = request.POST.get("q", "")
        return redirect(f"{request.path}?session={session.pk}&q={query}")
    registrations = event.registrations.filter(status=Registration.Status.CONFIRMED).select_related(
        "person", "institution"
    )
    q = query_text(request.GET, "q")
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
    response = HttpResponse(services.mail.check_in_qr(registration), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


def _export(event: Event, file_format: str, *, institution_id: int | None, with_contacts: bool) -> HttpResponse:
    if file_format not in ("xlsx", "csv"):
        raise Http404
    registrations = exports.registrations_for_export(event, institution_id=institution_id)
    questions = list(event.questions.all())
    header = exports.header(with_contacts=with_contacts, questions=questions)
    data = exports.rows(registrations, with_contacts=with_contacts, questions=questions)
    stamp = timezone.localdate().isoformat()
    if file_format == "xlsx":
        body = spreadsheets.xlsx_bytes(
            header,
            data,
            sheet_title=_("Participants"),
            widths=[5, 36, 12, 7, 30, 24, 28, 16, 20, 28, 18, 16, 14, 18, 28] + [24] * len(questions),
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
