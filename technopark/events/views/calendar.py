"""Public pages: the calendar (list and month), event pages, their images and documents, the feed."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from technopark.core.bounds import EARLIEST_DATE, LATEST_DATE, query_int
from technopark.core.cache import Scope
from technopark.core.files import content_type_for, open_stored_file
from technopark.core.pagecache import cache_anonymous_page
from technopark.events import ical, selectors, services
from technopark.events.access import (
    access_document,
    access_event,
    may_manage_events,
    may_see_online_link,
    visible_events,
)
from technopark.events.forms import (
    CalendarFilterForm,
)
from technopark.events.models import Event, event_scope
from technopark.events.services.certificates import HELD_STATUSES
from technopark.labs.models import PUBLIC_LABS
from technopark.network.access import coordinated_institutions
from technopark.network.services import PUBLIC_REGISTRY

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
    year = query_int(request.GET, "year", default=today.year, minimum=EARLIEST_DATE.year, maximum=LATEST_DATE.year)
    month = query_int(request.GET, "month", default=today.month, minimum=1, maximum=12)
    first = dt.date(year, month, 1)
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
            "weeks": selectors.month_grid(events, first.year, first.month),
            "first": first,
            "previous": previous,
            "following": following,
            "today": today,
            "query": request.GET.copy(),
        },
    )


def _event_page_scopes(event_id: int) -> tuple[Scope | str, ...]:
    # The event's own scope, and what the page names from elsewhere: its venue lab and co-organisers.
    return (event_scope(event_id), PUBLIC_LABS, PUBLIC_REGISTRY)


@cache_anonymous_page(per=_event_page_scopes)
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    access_event(request.user, event_id)
    event = selectors.event_page(visible_events(request.user), event_id).get()
    coordinated = coordinated_institutions(request.user) if event.registrations.exists() else []
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "may_manage": may_manage_events(request.user),
            "show_link": may_see_online_link(request.user, event),
            "coordinated": coordinated,
            # The ZIP link only for an institution whose people have documents (an empty one was a dead link).
            "with_documents": (
                {row["id"] for row in selectors.certificates_by_institution(event)}
                if coordinated and event.status in HELD_STATUSES
                else set()
            ),
        },
    )


def event_image(request: HttpRequest, event_id: int) -> FileResponse:
    event = access_event(request.user, event_id)
    handle = open_stored_file(event.image, owner=event)
    response = FileResponse(handle, content_type=content_type_for(event.image.name))
    response["Cache-Control"] = "public, max-age=3600" if event.is_public else "private, no-store"
    return response


def document_file(request: HttpRequest, document_id: int) -> FileResponse:
    """An event's document (regulations…), for whoever sees the event (DOMAIN.md rule 8)."""
    document = access_document(request.user, document_id)
    handle = open_stored_file(document.file, owner=document)
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
