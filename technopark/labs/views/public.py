"""Public pages of the labs: the labs, a lab's page and week, equipment pages, the search for free equipment."""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from technopark.core.files import content_type_for, open_stored_file
from technopark.core.pagecache import cache_anonymous_page
from technopark.labs import selectors
from technopark.labs.access import (
    may_book_labs,
    may_manage_labs,
    may_see_names,
)
from technopark.labs.forms import (
    LabBookingForm,
    SearchForm,
)
from technopark.labs.models import (
    BOOKINGS,
    PUBLIC_LABS,
    Lab,
)
from technopark.labs.views.common import lab_context, week_context, week_monday

# --- Public ----------------------------------------------------------------------------------------------


@cache_anonymous_page(PUBLIC_LABS)
def lab_list(request: HttpRequest) -> HttpResponse:
    labs = Lab.objects.prefetch_related("hours", "equipment")
    return render(request, "labs/lab_list.html", {"labs": labs})


@cache_anonymous_page(per=selectors.lab_page_scopes, minutes=5)
def lab_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A lab: description, hours and days with other hours, staff, its equipment and what is free today;
    teachers and staff book the whole lab for a lesson here."""
    lab = get_object_or_404(Lab.objects.prefetch_related("hours", "staff"), code=code)
    form = LabBookingForm(initial={"day": timezone.localdate() + dt.timedelta(days=1)})
    context = lab_context(lab, form=form if may_book_labs(request.user) else None)
    return render(request, "labs/lab_detail.html", context)


def lab_photo(request: HttpRequest, code: str) -> FileResponse:
    """The lab's photo, for everybody (DOMAIN.md rule 8: an upload is served by a view, never from the media
    folder)."""
    lab = get_object_or_404(Lab, code=code)
    response = FileResponse(open_stored_file(lab.photo, owner=lab), content_type=content_type_for(lab.photo.name))
    response["Cache-Control"] = "public, max-age=3600"
    return response


@cache_anonymous_page(per=selectors.lab_page_scopes)
def lab_week(request: HttpRequest, code: str) -> HttpResponse:
    """The lab's week: every booking of its equipment, day by day."""
    lab = selectors.kept_lab(code)
    if lab is None:
        raise Http404
    monday = week_monday(request)
    days = selectors.week(lab.equipment.all(), lab, monday, show_names=may_see_names(request.user))
    return render(request, "labs/week.html", {"lab": lab, "days": days, **week_context(request, monday)})


@cache_anonymous_page(per=selectors.equipment_page_scopes)
def equipment_detail(request: HttpRequest, equipment_id: int) -> HttpResponse:
    """A machine or a pool: its details, status history for staff and its week. The booking form comes in its
    own request (`booking.book`, htmx), so the calendar does not wait for the lists of whom one books for."""
    equipment = selectors.kept_equipment(equipment_id)
    if equipment is None:
        raise Http404
    monday = week_monday(request)
    days = selectors.week([equipment], equipment.lab, monday, show_names=may_see_names(request.user))
    context = {
        "equipment": equipment, "lab": equipment.lab, "days": days, "form": None,
        "history": equipment.status_history.all()[:10] if may_manage_labs(request.user) else [],
        "may_manage": may_manage_labs(request.user),
        **week_context(request, monday),
    }  # fmt: skip
    return render(request, "labs/equipment_detail.html", context)


@cache_anonymous_page(PUBLIC_LABS, BOOKINGS, minutes=15)
def search(request: HttpRequest) -> HttpResponse:
    """Free equipment of a kind on a day for so many hours, with the starts that fit."""
    form = SearchForm(request.GET or None)
    offers = None
    if form.is_valid():
        data = form.cleaned_data
        offers = selectors.find_free(
            kind=data["kind"], day=data["day"], hours=float(data["hours"]), after=data["after"] or dt.time(0),
            before=data["before"] or dt.time(23, 59), lab=data["lab"], units=data["units"],
        )  # fmt: skip
    return render(request, "labs/search.html", {"form": form, "offers": offers})
