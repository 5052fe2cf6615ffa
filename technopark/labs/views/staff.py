"""The lab manager's pages: equipment status and maintenance, authorisations, recorded use, utilisation."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from technopark.accounts.access import signed_in_user, staff_required
from technopark.core.bounds import query_month
from technopark.core.errors import DomainError
from technopark.core.forms import show_service_error
from technopark.labs import selectors, services
from technopark.labs.access import (
    LAB_MANAGERS,
    access_booking,
)
from technopark.labs.forms import (
    AuthorisationForm,
    ClosedDayForm,
    EquipmentForm,
    HoursForm,
    LabForm,
    MaintenanceForm,
    StatusForm,
    UseForm,
)
from technopark.labs.models import (
    Authorisation,
    Booking,
    ClosedDay,
    Equipment,
    Lab,
)
from technopark.labs.views.common import PAGE_SIZE

# --- Lab managers ------------------------------------------------------------------------------------------


@staff_required(*LAB_MANAGERS)
def staff_overview(request: HttpRequest) -> HttpResponse:
    """Equipment by lab with its status; bookings awaiting approval; authorisations that expire soon."""
    equipment = Equipment.objects.select_related("lab").order_by("lab__position", "kind", "name")
    upcoming = (
        Booking.objects.filter(status__in=Booking.HOLDING, ends_at__gte=timezone.now())
        .exclude(purpose=Booking.Purpose.MAINTENANCE)
        .select_related("equipment__lab", "lab", "person", "booked_by")
        .order_by("starts_at")[:50]
    )
    context = {
        "equipment": equipment,
        "upcoming": upcoming,
        "expiring": selectors.expiring_authorisations(within_days=30).order_by("expires_on")[:50],
        "labs": Lab.objects.all(),
    }
    return render(request, "labs/staff/overview.html", context)


@staff_required(*LAB_MANAGERS)
def staff_equipment(request: HttpRequest, equipment_id: int) -> HttpResponse:
    """Change the status (with history), block for maintenance (the bookings in the way shown first)."""
    equipment = get_object_or_404(Equipment.objects.select_related("lab"), pk=equipment_id)
    status_form = StatusForm(initial={"status": equipment.status})
    maintenance = MaintenanceForm(request.POST if request.POST.get("form") == "maintenance" else None)
    displaced: list[Booking] = []
    if request.method == "POST" and request.POST.get("form") == "status":
        status_form = StatusForm(request.POST)
        if status_form.is_valid():
            services.set_equipment_status(equipment, actor=signed_in_user(request), **status_form.cleaned_data)
            messages.success(request, _("The status is saved."))
            return redirect("labs:staff-equipment", equipment_id=equipment.pk)
    if maintenance.is_bound and maintenance.is_valid():
        starts_at, ends_at = maintenance.span()
        displaced = services.maintenance_conflicts(equipment, starts_at, ends_at)
        if not displaced or request.POST.get("confirm") == "1":
            try:
                _block, cancelled = services.block_for_maintenance(
                    equipment, actor=signed_in_user(request), starts_at=starts_at, ends_at=ends_at,
                    note=maintenance.cleaned_data["note"],
                )  # fmt: skip
            except DomainError as error:
                show_service_error(maintenance, error)
            else:
                messages.success(
                    request,
                    _("Blocked for maintenance; bookings cancelled and their holders told: %(count)s.")
                    % {"count": len(cancelled)},
                )
                return redirect("labs:staff-equipment", equipment_id=equipment.pk)
    context = {
        "equipment": equipment, "status_form": status_form, "maintenance": maintenance, "displaced": displaced,
        "history": equipment.status_history.select_related("changed_by")[:20],
    }  # fmt: skip
    return render(request, "labs/staff/equipment.html", context, status=400 if maintenance.errors else 200)


@staff_required(*LAB_MANAGERS)
def staff_authorisations(request: HttpRequest) -> HttpResponse:
    """Grant an authorisation after a passed training; the list, expiring first, with revocation."""
    form = AuthorisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.grant_authorisation(
                data["person"], actor=signed_in_user(request), kind=data["kind"], months=data["months"]
            )
        except DomainError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The authorisation is granted."))
            return redirect("labs:staff-authorisations")
    authorisations = (
        Authorisation.objects.filter(revoked_at__isnull=True, expires_on__gte=timezone.localdate())
        .select_related("person")
        .order_by("expires_on", "id")
    )
    page = Paginator(authorisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "labs/staff/authorisations.html", {"form": form, "page_obj": page, "soon": timezone.localdate()
        + dt.timedelta(days=30)}, status=400 if form.errors else 200,
    )  # fmt: skip


@staff_required(*LAB_MANAGERS)
@require_POST
def authorisation_revoke(request: HttpRequest, authorisation_id: int) -> HttpResponse:
    authorisation = get_object_or_404(Authorisation, pk=authorisation_id)
    try:
        services.revoke_authorisation(
            authorisation, actor=signed_in_user(request), reason=request.POST.get("reason", "")
        )
    except DomainError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("The authorisation is revoked."))
    return redirect("labs:staff-authorisations")


@staff_required(*LAB_MANAGERS)
def booking_use(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Record the actual use of a booking (times, consumables) or that nobody came."""
    booking = access_booking(request.user, booking_id)
    form = UseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        day = timezone.localtime(booking.starts_at).date()

        def moment(time: dt.time | None) -> dt.datetime | None:
            return timezone.make_aware(dt.datetime.combine(day, time)) if time else None

        try:
            services.record_use(
                booking, actor=signed_in_user(request), used_from=moment(data["used_from"]),
                used_until=moment(data["used_until"]), consumables=data["consumables"], no_show=data["no_show"],
            )  # fmt: skip
        except DomainError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("labs:staff")
    return render(
        request, "labs/staff/use.html", {"booking": booking, "form": form}, status=400 if form.errors else 200
    )


@staff_required(*LAB_MANAGERS)
def utilisation(request: HttpRequest, code: str) -> HttpResponse:
    """Booked and used hours of each machine against the lab's opening hours, for a month."""
    lab = get_object_or_404(Lab, code=code)
    first = query_month(request.GET, "month", default=timezone.localdate().replace(day=1))
    following = (first + dt.timedelta(days=32)).replace(day=1)
    rows = selectors.utilisation(lab, first, following - dt.timedelta(days=1))
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    context = {"lab": lab, "rows": rows, "first": first, "previous": previous, "following": following}
    return render(request, "labs/staff/utilisation.html", context)


@staff_required(*LAB_MANAGERS)
def lab_edit(request: HttpRequest, code: str) -> HttpResponse:
    """A lab's texts and photo, its weekly hours and its days with other hours."""
    lab = get_object_or_404(Lab, code=code)
    which = request.POST.get("form", "")
    lab_form = LabForm(
        request.POST if which == "lab" else None, request.FILES if which == "lab" else None, instance=lab
    )
    hours_form = HoursForm(request.POST if which == "hours" else None, initial={"hours": HoursForm.text_of(lab)})
    day_form = ClosedDayForm(request.POST if which == "day" else None)
    if which == "lab" and lab_form.is_valid():
        fields = {name: lab_form.cleaned_data[name] for name in lab_form.Meta.fields}
        try:
            services.update_lab(Lab.objects.get(pk=lab.pk), actor=signed_in_user(request), **fields)
        except (DomainError, ValidationError) as error:
            show_service_error(lab_form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("labs:lab-edit", code=lab.code)
    if which == "hours" and hours_form.is_valid():
        try:
            services.set_opening_hours(lab, hours_form.cleaned_data["hours"], actor=signed_in_user(request))
        except DomainError as error:
            show_service_error(hours_form, error)
        else:
            messages.success(request, _("The opening hours are saved."))
            return redirect("labs:lab-edit", code=lab.code)
    if which == "day" and day_form.is_valid():
        data = day_form.cleaned_data
        try:
            services.add_closed_day(
                None if data["all_labs"] else lab, actor=signed_in_user(request), date=data["date"],
                opens=data["opens"], closes=data["closes"], reason_ru=data["reason_ru"],
            )  # fmt: skip
        except (DomainError, ValidationError) as error:
            show_service_error(day_form, error)
        else:
            messages.success(request, _("The day is added."))
            return redirect("labs:lab-edit", code=lab.code)
    if lab_form.is_bound:
        lab.refresh_from_db()  # validating wrote what was typed into it; the page shows what is saved
    days = ClosedDay.objects.filter(Q(lab=lab) | Q(lab__isnull=True), date__gte=timezone.localdate()).order_by("date")
    context = {"lab": lab, "lab_form": lab_form, "hours_form": hours_form, "day_form": day_form, "days": days}
    failed = lab_form.errors or hours_form.errors or day_form.errors
    return render(request, "labs/staff/lab_edit.html", context, status=400 if failed else 200)


@staff_required(*LAB_MANAGERS)
@require_POST
def closed_day_delete(request: HttpRequest, day_id: int) -> HttpResponse:
    day = get_object_or_404(ClosedDay, pk=day_id)
    code = day.lab.code if day.lab else request.POST.get("lab", "fablab")
    services.delete_closed_day(day, actor=signed_in_user(request))
    messages.success(request, _("The day is removed."))
    return redirect("labs:lab-edit", code=code)


@staff_required(*LAB_MANAGERS)
def equipment_edit(request: HttpRequest, equipment_id: int | None = None) -> HttpResponse:
    """Add equipment, or change its description, units and rules."""
    equipment = get_object_or_404(Equipment, pk=equipment_id) if equipment_id else None
    form = EquipmentForm(request.POST or None, instance=equipment)
    if request.method == "POST" and form.is_valid():
        current = Equipment.objects.get(pk=equipment.pk) if equipment else None
        try:
            saved = services.save_equipment(current, actor=signed_in_user(request), **form.service_fields())
        except (DomainError, ValidationError) as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("labs:staff-equipment", equipment_id=saved.pk)
    if equipment is not None and form.is_bound:
        equipment.refresh_from_db()  # validating wrote what was typed into it; the heading shows what is saved
    return render(
        request, "labs/staff/equipment_form.html", {"equipment": equipment, "form": form},
        status=400 if form.errors else 200,
    )  # fmt: skip
