"""Results: the published page and the staff form."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from technopark.accounts.access import signed_in_user, staff_required
from technopark.core.bounds import QueryValueError, query_int
from technopark.core.errors import DomainError
from technopark.core.pagecache import cache_anonymous_page
from technopark.events import selectors, services
from technopark.events.access import (
    EVENT_MANAGERS,
    access_event,
    may_manage_events,
)
from technopark.events.models import Event, Registration, Result, event_scope
from technopark.people.services.consent import CONSENTS_REVISION

# --- Results -----------------------------------------------------------------------------------------


@cache_anonymous_page(CONSENTS_REVISION, per=lambda event_id: (event_scope(event_id),))
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
            try:  # a small whole number (`Result.place`), read only once its length allows it
                place = query_int(request.POST, f"place-{registration.pk}", maximum=32767)
            except QueryValueError:
                error = _("A place is a whole number.")
                break
            rows[registration.pk] = (award, place)
        if not error:
            try:
                services.set_results(event, rows, actor=signed_in_user(request))
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
