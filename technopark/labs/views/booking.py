"""Booking through the pages: the form, one's bookings and approvals, cancelling, the teacher's decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from technopark.accounts.access import signed_in_user
from technopark.core.bounds import query_text
from technopark.core.errors import DomainError
from technopark.core.forms import show_service_error
from technopark.labs import selectors, services
from technopark.labs.access import (
    access_booking,
    approving_teachers,
    booking_candidates,
    candidates_at_hand,
    find_booking_candidates,
    may_book_for,
    may_book_labs,
    may_book_lessons,
    may_book_without_approval,
    may_decide,
    may_manage_labs,
    may_search_candidates,
    may_see_names,
    own_authorisations,
    visible_bookings,
)
from technopark.labs.forms import (
    BookingForm,
    LabBookingForm,
)
from technopark.labs.models import (
    Booking,
    Equipment,
    Lab,
)
from technopark.labs.views.common import PAGE_SIZE, lab_context, week_context

# --- Booking ---------------------------------------------------------------------------------------------


def _next_open_day(equipment: Equipment) -> dt.date:
    """The form's first day: tomorrow, or the next day the lab opens (a closed day refused every date)."""
    day = timezone.localdate() + dt.timedelta(days=1)
    hours = selectors.schedule(equipment.lab_id)  # read once: the next fortnight from the same two queries
    for offset in range(14):
        if hours.spans(equipment.lab_id, day + dt.timedelta(days=offset)):
            return day + dt.timedelta(days=offset)
    return day


def booking_form(request: HttpRequest, equipment: Equipment, data: Any = None) -> BookingForm:
    """The booking form: it lists the user's own record and children (and whom they chose); a teacher
    finds a student by name (`people_search`) rather than scrolling a school's list on every page."""
    user = signed_in_user(request)
    shown = candidates_at_hand(user)
    chosen = (data or {}).get("person")
    if chosen and str(chosen).isdigit() and all(str(item.pk) != chosen for item in shown):
        shown += list(booking_candidates(user).filter(pk=chosen))
    form = BookingForm(
        data,
        equipment=equipment,
        people=lambda: booking_candidates(user),
        shown_people=shown,
        searchable=may_search_candidates(user),
        # Only a booking that waits for approval names the teacher who approves it.
        teachers=None if may_book_without_approval(user) else approving_teachers(user),
        lessons=may_book_lessons(user),
        initial={"day": _next_open_day(equipment)},
    )
    own = next((item for item in shown if item.user_id == user.pk), None)
    if own is not None:
        form.fields["person"].initial = own
    return form


@login_required
def people_search(request: HttpRequest) -> HttpResponse:
    """The options of the booking form's "who uses it" for a name typed (htmx), with a count for screen
    readers announced in the form's live region."""
    user = signed_in_user(request)
    query = query_text(request.GET, "person_q")
    found = find_booking_candidates(user, query)
    context = {"found": found, "query": query, "own": candidates_at_hand(user) if not found else []}
    return render(request, "labs/_people_options.html", context)


@login_required
def book(request: HttpRequest, equipment_id: int) -> HttpResponse:
    """The booking form: fetched by the equipment page (htmx, the form alone) or opened as a page of its own
    (no script); sent, it books, or shows the page again with the form as typed and the reasons (400)."""
    equipment = get_object_or_404(Equipment.objects.select_related("lab"), pk=equipment_id)
    if request.method != "POST":
        form = booking_form(request, equipment)
        if request.headers.get("HX-Request"):
            return render(request, "labs/_booking_form.html", {"equipment": equipment, "form": form})
        return _equipment_page(request, equipment, form, selectors.week_start(timezone.localdate()), status=200)
    form = booking_form(request, equipment, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        starts_at, ends_at = form.span()
        purpose = data["purpose"]
        person = data.get("person")
        if purpose == Booking.Purpose.LESSON and not may_book_lessons(request.user):
            raise PermissionDenied
        if person is not None and not may_book_for(request.user, person):
            raise PermissionDenied
        common = {"actor": request.user, "starts_at": starts_at, "ends_at": ends_at, "purpose": purpose,
                  "units": data.get("units") or 1, "person": person, "note": data.get("note") or ""}  # fmt: skip
        try:
            if data.get("weekly_until"):
                made = services.book_weekly(equipment, until=data["weekly_until"], **common)
                messages.success(request, _("Booked every week: %(count)s dates.") % {"count": len(made)})
            else:
                booking = services.book(equipment, supervisor=data.get("supervisor"), **common)
                messages.success(request, _("Booked: %(status)s.") % {"status": booking.get_status_display().lower()})
        except DomainError as error:
            show_service_error(form, error)
        else:
            return redirect("labs:my-bookings")
    monday = selectors.week_start(form.cleaned_data.get("day") or timezone.localdate()) if form.is_bound else None
    monday = monday or selectors.week_start(timezone.localdate())
    return _equipment_page(request, equipment, form, monday, status=400)


def _equipment_page(
    request: HttpRequest, equipment: Equipment, form: BookingForm, monday: Any, *, status: int
) -> HttpResponse:
    days = selectors.week([equipment], equipment.lab, monday, show_names=may_see_names(request.user))
    context = {"equipment": equipment, "lab": equipment.lab, "days": days, "form": form, "history": [],
               **week_context(request, monday)}  # fmt: skip
    return render(request, "labs/equipment_detail.html", context, status=status)


@login_required
@require_POST
def lab_book(request: HttpRequest, code: str) -> HttpResponse:
    """A teacher or staff book the whole lab for a group lesson, once or weekly for a term."""
    lab = get_object_or_404(Lab.objects.prefetch_related("hours", "staff"), code=code)
    if not may_book_labs(request.user):
        raise PermissionDenied
    form = LabBookingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        starts_at, ends_at = form.span()
        common = {"actor": request.user, "starts_at": starts_at, "ends_at": ends_at, "note": data["note"]}
        try:
            if data["weekly_until"]:
                made = services.book_lab_weekly(lab, until=data["weekly_until"], **common)
                messages.success(request, _("Booked every week: %(count)s dates.") % {"count": len(made)})
            else:
                services.book_lab(lab, **common)
                messages.success(request, _("The whole lab is booked for the lesson."))
        except DomainError as error:
            show_service_error(form, error)
        else:
            return redirect("labs:my-bookings")
    return render(request, "labs/lab_detail.html", lab_context(lab, form=form), status=400)


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    """One's bookings (and one's children's and students'), those awaiting one's approval, one's authorisations."""
    user = signed_in_user(request)
    bookings = (
        visible_bookings(user)
        .filter(Q(booked_by=user) | Q(person__user=user) | Q(person__guardianships__guardian__user=user))
        .exclude(purpose=Booking.Purpose.MAINTENANCE)
        .select_related("equipment__lab", "lab", "person")
        .order_by("-starts_at", "-id")
        .distinct()
    )
    awaiting = (
        Booking.objects.filter(status=Booking.Status.PENDING_APPROVAL, supervisor__user=user)
        .select_related("equipment__lab", "person")
        .order_by("starts_at")
    )
    page = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "awaiting": awaiting,
        "authorisations": own_authorisations(user).filter(revoked_at__isnull=True),
        "today": timezone.localdate(),
        "now": timezone.now(),
    }
    return render(request, "labs/my_bookings.html", context)


@login_required
@require_POST
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = access_booking(request.user, booking_id, for_write=True)
    try:
        services.cancel_booking(booking, actor=signed_in_user(request), any_time=may_manage_labs(request.user))
    except DomainError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("The booking is cancelled."))
    return redirect("labs:staff" if request.POST.get("next") == "staff" else "labs:my-bookings")


@login_required
@require_POST
def booking_decide(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The supervising teacher approves or rejects a student's booking."""
    booking = access_booking(request.user, booking_id)
    if not may_decide(request.user, booking):
        raise PermissionDenied
    try:
        # The service re-reads the booking under its lock; its answer, not the page's copy, has the new status.
        decided = services.decide_booking(
            booking, actor=signed_in_user(request), approve=request.POST.get("decision") == "approve"
        )
    except DomainError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("Decided: %(status)s.") % {"status": decided.get_status_display().lower()})
    return redirect("labs:my-bookings")
