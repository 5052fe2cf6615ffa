"""Staff pages that announce an event: the form, sessions, nominations, documents, the life cycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from technopark.accounts.access import signed_in_user, staff_required
from technopark.core.bounds import query_text
from technopark.core.errors import DomainError
from technopark.core.forms import show_service_error
from technopark.events import selectors, services
from technopark.events.access import (
    EVENT_MANAGERS,
    access_event,
)
from technopark.events.forms import (
    DocumentForm,
    EventForm,
    NominationForm,
    QuestionForm,
    SessionForm,
    SessionFormSet,
    StatusForm,
)
from technopark.events.models import (
    Event,
    EventDocument,
    Nomination,
    Question,
)
from technopark.events.services import TRANSITIONS

PAGE_SIZE = 20


# --- Staff -------------------------------------------------------------------------------------------


@staff_required(*EVENT_MANAGERS)
def event_manage(request: HttpRequest) -> HttpResponse:
    """Every event, drafts included, newest first, filterable by status and words of the title."""
    status = request.GET.get("status", "")
    events = selectors.find_events(
        Event.objects.all(), q=query_text(request.GET, "q"), status=status if status in Event.Status.values else ""
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
                actor=signed_in_user(request),
                co_organisers=list(form.cleaned_data["co_organisers"]),
                **form.service_fields(),
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
                    event, actor=signed_in_user(request), co_organisers=list(form.cleaned_data["co_organisers"]),
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
            services.set_sessions(event, rows, actor=signed_in_user(request))
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


def _child_form_page(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], object],
    *,
    done: str,
    back: str,
    event: Event,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Nominations and questions, the rows of an event, share one flow: a valid form goes to the service, a
    refusal stays on the form with what was typed (400), success returns to the event's list ``back``."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.service_fields())
        except (DomainError, ValidationError) as error:
            show_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect(back, event_id=event.pk)
    return render(request, template, {"event": event, "form": form, **context}, status=400 if form.errors else 200)


def _event_row(model: Any, request: HttpRequest, pk: int) -> Any:
    """A nomination or question of an event the user may change (404 when missing or not theirs)."""
    row = model.objects.select_related("event").filter(pk=pk).first()
    if row is None:
        raise Http404
    access_event(request.user, row.event_id, for_write=True)
    return row


@staff_required(*EVENT_MANAGERS)
def event_nominations(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id, for_write=True)
    return _child_form_page(
        request, NominationForm(request.POST or None),
        lambda fields: services.save_nomination(event, actor=signed_in_user(request), **fields),
        done=_("The nomination is added."), back="events:event-nominations", event=event,
        template="events/staff/event_nominations.html", context={"nominations": event.nominations.all()},
    )  # fmt: skip


@staff_required(*EVENT_MANAGERS)
def nomination_edit(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination: Nomination = _event_row(Nomination, request, nomination_id)
    return _child_form_page(
        request, NominationForm(request.POST or None, instance=nomination),
        lambda fields: services.save_nomination(
            nomination.event, actor=signed_in_user(request), nomination=nomination, **fields
        ),
        done=_("The nomination is saved."), back="events:event-nominations", event=nomination.event,
        template="events/staff/nomination_form.html", context={"nomination": nomination},
    )  # fmt: skip


@staff_required(*EVENT_MANAGERS)
@require_POST
def nomination_delete(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination: Nomination = _event_row(Nomination, request, nomination_id)
    services.delete_nomination(nomination, actor=signed_in_user(request))
    messages.success(request, _("The nomination is deleted."))
    return redirect("events:event-nominations", event_id=nomination.event_id)


@staff_required(*EVENT_MANAGERS)
def event_questions(request: HttpRequest, event_id: int) -> HttpResponse:
    """The questions of the registration form: the list, and a form to add one."""
    event = access_event(request.user, event_id, for_write=True)
    return _child_form_page(
        request, QuestionForm(request.POST or None),
        lambda fields: services.save_question(event, actor=signed_in_user(request), **fields),
        done=_("The question is added."), back="events:event-questions", event=event,
        template="events/staff/event_questions.html",
        context={"questions": event.questions.annotate(answer_count=Count("answers"))},
    )  # fmt: skip


@staff_required(*EVENT_MANAGERS)
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    question: Question = _event_row(Question, request, question_id)
    return _child_form_page(
        request, QuestionForm(request.POST or None, instance=question),
        lambda fields: services.save_question(
            question.event, actor=signed_in_user(request), question=question, **fields
        ),
        done=_("The question is saved."), back="events:event-questions", event=question.event,
        template="events/staff/question_form.html", context={"question": question},
    )  # fmt: skip


@staff_required(*EVENT_MANAGERS)
@require_POST
def question_delete(request: HttpRequest, question_id: int) -> HttpResponse:
    question: Question = _event_row(Question, request, question_id)
    services.delete_question(question, actor=signed_in_user(request))
    messages.success(request, _("The question is deleted."))
    return redirect("events:event-questions", event_id=question.event_id)


@staff_required(*EVENT_MANAGERS)
@require_POST
def document_add(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id, for_write=True)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        services.add_document(event, actor=signed_in_user(request), file=form.cleaned_data["file"], **{
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
    services.delete_document(document, actor=signed_in_user(request))
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
            services.change_status(event, form.cleaned_data["status"], actor=signed_in_user(request))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The status is changed."))
    return redirect("events:event-edit", event_id=event.pk)
