"""What the labs' pages share: the week shown and the context of a week calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from technopark.core.bounds import query_date
from technopark.labs import selectors
from technopark.labs.access import may_see_names
from technopark.labs.forms import LabBookingForm
from technopark.labs.models import ClosedDay, Lab

PAGE_SIZE = 30


def week_monday(request: HttpRequest) -> dt.date:
    """The Monday of ``?week=`` (any day of it), this week's by default; `QueryValueError` outside the window."""
    return selectors.week_start(query_date(request.GET, "week", default=timezone.localdate()))


def week_context(request: HttpRequest, monday: dt.date) -> dict[str, Any]:
    return {
        "monday": monday,
        "previous_week": monday - dt.timedelta(days=7),
        "next_week": monday + dt.timedelta(days=7),
        "show_names": may_see_names(request.user),
    }


def lab_context(lab: Lab, *, form: LabBookingForm | None) -> dict[str, Any]:
    """A lab's page: hours and days with other hours, staff, its equipment with what is free in the next
    hour, and for those who give lessons the form that books the whole lab."""
    today = timezone.localdate()
    now = timezone.now()
    equipment = list(lab.equipment.order_by("kind", "name"))
    spans = selectors.opening_spans(lab, today)
    free_now: dict[int, int] = {}
    later = [span for span in spans if span[1] > now]
    if later:
        start = max(later[0][0], now)
        free_now = selectors.free_units_of(equipment, start, min(start + dt.timedelta(hours=1), later[-1][1]))
    exceptions = ClosedDay.objects.filter(Q(lab=lab) | Q(lab__isnull=True), date__gte=today).order_by("date")[:10]
    return {
        "lab": lab,
        "equipment": [(item, free_now.get(item.pk)) for item in equipment],
        "today_spans": spans,
        "exceptions": exceptions,
        "hours": sorted(lab.hours.all(), key=lambda row: (row.weekday, row.opens)),
        "form": form,
    }
