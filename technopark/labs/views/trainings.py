"""Trainings: coming sessions and registering for them; the lab manager schedules sessions and marks who passed."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from technopark.accounts.access import signed_in_user, staff_required
from technopark.core.bounds import query_int
from technopark.core.errors import DomainError
from technopark.core.forms import show_service_error
from technopark.core.services import log_action
from technopark.labs import services
from technopark.labs.access import (
    LAB_MANAGERS,
    booking_candidates,
    may_book_for,
)
from technopark.labs.forms import (
    SeatForm,
    TrainingForm,
    TrainingSessionForm,
)
from technopark.labs.models import (
    Training,
    TrainingSeat,
    TrainingSession,
)

# --- Trainings ---------------------------------------------------------------------------------------------


def trainings(request: HttpRequest) -> HttpResponse:
    """Coming training sessions with their places; the signed in register themselves or their people."""
    sessions = list(
        TrainingSession.objects.filter(starts_at__gt=timezone.now())
        .select_related("training", "lab")
        .annotate(taken=Count("seats", filter=~Q(seats__status=TrainingSeat.Status.CANCELLED)))
        .order_by("starts_at")[:50]
    )
    form = SeatForm(people=booking_candidates(request.user)) if request.user.is_authenticated else None
    mine = (
        TrainingSeat.objects.filter(person__in=booking_candidates(request.user), session__starts_at__gt=timezone.now())
        .exclude(status=TrainingSeat.Status.CANCELLED)
        .select_related("session__training", "person")
        if request.user.is_authenticated
        else []
    )
    return render(request, "labs/trainings.html", {"sessions": sessions, "form": form, "mine": mine})


@login_required
@require_POST
def training_register(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(TrainingSession, pk=session_id)
    form = SeatForm(request.POST, people=booking_candidates(signed_in_user(request)))
    if not form.is_valid():
        messages.error(request, _("Choose who takes the training."))
        return redirect("labs:trainings")
    person = form.cleaned_data["person"]
    if not may_book_for(request.user, person):
        raise PermissionDenied
    try:
        services.register_for_training(session, person, actor=signed_in_user(request))
    except DomainError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("%(name)s: registered for the training.") % {"name": person.short_name})
    return redirect("labs:trainings")


@staff_required(*LAB_MANAGERS)
def staff_trainings(request: HttpRequest) -> HttpResponse:
    """Trainings and their sessions: add a training, schedule a session."""
    training_form = TrainingForm(request.POST if request.POST.get("form") == "training" else None)
    session_form = TrainingSessionForm(request.POST if request.POST.get("form") == "session" else None)
    if training_form.is_bound and training_form.is_valid():
        training = training_form.save()
        log_action(training, "labs.training.added", actor=request.user, data={"title": training.title_ru})
        messages.success(request, _("The training is added."))
        return redirect("labs:staff-trainings")
    if session_form.is_bound and session_form.is_valid():
        data = session_form.cleaned_data
        starts_at, ends_at = session_form.span()
        try:
            services.schedule_training(
                data["training"], actor=signed_in_user(request), lab=data["lab"], starts_at=starts_at, ends_at=ends_at,
                capacity=data["capacity"], instructor=request.user,
            )  # fmt: skip
        except (DomainError, ValidationError) as error:
            show_service_error(session_form, error)
        else:
            messages.success(request, _("The session is scheduled."))
            return redirect("labs:staff-trainings")
    sessions = (
        TrainingSession.objects.filter(ends_at__gte=timezone.now() - dt.timedelta(days=30))
        .select_related("training", "lab")
        .annotate(taken=Count("seats", filter=~Q(seats__status=TrainingSeat.Status.CANCELLED)))
        .order_by("starts_at")
    )
    context = {"training_form": training_form, "session_form": session_form, "sessions": sessions,
               "trainings": Training.objects.all()}  # fmt: skip
    failed = training_form.errors or session_form.errors
    return render(request, "labs/staff/trainings.html", context, status=400 if failed else 200)


@staff_required(*LAB_MANAGERS)
def training_roster(request: HttpRequest, session_id: int) -> HttpResponse:
    """The instructor's list: mark who passed (granting the authorisation) and who did not."""
    session = get_object_or_404(TrainingSession.objects.select_related("training", "lab"), pk=session_id)
    if request.method == "POST":
        seat = get_object_or_404(TrainingSeat, pk=query_int(request.POST, "seat", default=0), session=session)
        try:
            services.mark_training(seat, actor=signed_in_user(request), passed=request.POST.get("result") == "passed")
        except DomainError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("Saved."))
        return redirect("labs:training-roster", session_id=session.pk)
    seats = session.seats.exclude(status=TrainingSeat.Status.CANCELLED).select_related("person")
    return render(request, "labs/staff/roster.html", {"session": session, "seats": seats})
