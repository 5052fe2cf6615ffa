"""What the labs' pages share: the week shown and the context of a week calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from technopark.labs import selectors
from technopark.labs.access import may_see_names

PAGE_SIZE = 30


def week_monday(request: HttpRequest) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    return selectors.week_start(day)


def week_context(request: HttpRequest, monday: dt.date) -> dict[str, Any]:
    return {
        "monday": monday,
        "previous_week": monday - dt.timedelta(days=7),
        "next_week": monday + dt.timedelta(days=7),
        "show_names": may_see_names(request.user),
    }
