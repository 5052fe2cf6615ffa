"""The bounds of the dates and numbers people send, checked before any work is done on them.

Python's dates end at year 9999 and the databases' integers at 2**63 − 1: the week after 9999-12-31, the
month before 0001-01-01 or an id one past the largest integer ended in a 500, and a date far ahead drove a
loop for seconds. So every date the platform works with lies in the window ``EARLIEST_DATE`` …
``LATEST_DATE`` (the centre's calendar: events, bookings, agreements, journals; dates of birth have their
own rule in `accounts`), every datetime carries its offset and lies in the same window, and every integer
is non-negative and at most ``MAX_INTEGER`` (or a smaller maximum of its own).

- **Pages** read one parameter of the query string with `query_date`, `query_month`, `query_datetime`,
  `query_int` or `query_text` (words to search for). An absent or empty parameter gives the default; a
  value that cannot be read or lies outside its bounds raises `QueryValueError`, which
  `core.middleware.BadQueryValueMiddleware` answers with a 400 page in the user's language naming the
  parameter and offering the page without it.
- **Forms** put `validate_calendar_date` / `validate_calendar_datetime` on their date fields.
- **The API** declares `CalendarDate`, `CalendarDateTime` (a datetime without an offset is refused with
  422) and `Id` in its schemas and parameters, and other integers and lists with their own ``ge``/``le`` and
  ``max_length``; pydantic refuses anything else with 422 before the operation runs. A PATCH body passes
  through `patch_values`: its schema says `str | None` for "may be left out", so a JSON null must not
  reach a column that cannot hold NULL.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, overload

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from pydantic import AwareDatetime, Field

from technopark.core.errors import DomainError

EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
# The same window for moments (in UTC: the hours of offset at either end do not matter), the end exclusive.
EARLIEST_MOMENT = dt.datetime.combine(EARLIEST_DATE, dt.time(), tzinfo=dt.UTC)
LATEST_MOMENT = dt.datetime.combine(LATEST_DATE + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
# The largest integer SQLite and PostgreSQL's bigint store (ids are BigAutoField).
MAX_INTEGER = 2**63 - 1
# Nobody types more digits than the largest integer has; longer text is refused before it is parsed.
_MAX_INTEGER_DIGITS = len(str(MAX_INTEGER))
# Words to search for: longer text finds nothing more, and SQLite refuses a LIKE pattern past 50 000 bytes.
MAX_SEARCH_LENGTH = 100
_INTEGER = re.compile(rf"[0-9]{{1,{_MAX_INTEGER_DIGITS}}}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
# An ISO 8601 moment with its offset, at most to the microsecond: "2026-06-01T10:00:00+03:00", "…Z".
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:?[0-9]{2})"
)


def _shown(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


class QueryValueError(DomainError):
    """A parameter of a page's address that cannot be read or lies outside its bounds (``field`` names it)."""

    code = "query_invalid"
    status = 400


def _value(params: QueryDict, name: str) -> str:
    return params.get(name, "").strip()


@overload
def query_date(params: QueryDict, name: str, *, default: dt.date) -> dt.date: ...
@overload
def query_date(params: QueryDict, name: str, *, default: None = None) -> dt.date | None: ...
def query_date(params: QueryDict, name: str, *, default: dt.date | None = None) -> dt.date | None:
    """``?name=YYYY-MM-DD`` within the window; ``default`` when absent or empty. Raises `QueryValueError`."""
    raw = _value(params, name)
    if not raw:
        return default
    try:
        day = dt.date.fromisoformat(raw) if _DATE.fullmatch(raw) else None
    except ValueError:
        day = None
    if day is None or not EARLIEST_DATE <= day <= LATEST_DATE:
        raise QueryValueError(
            _("“%(name)s” in the address must be a date from %(first)s to %(last)s, written as YYYY-MM-DD.")
            % {"name": name, "first": EARLIEST_DATE.isoformat(), "last": LATEST_DATE.isoformat()},
            field=name,
        )
    return day


@overload
def query_month(params: QueryDict, name: str, *, default: dt.date) -> dt.date: ...
@overload
def query_month(params: QueryDict, name: str, *, default: None = None) -> dt.date | None: ...
def query_month(params: QueryDict, name: str, *, default: dt.date | None = None) -> dt.date | None:
    """``?name=YYYY-MM`` within the window, as the month's first day; ``default`` when absent or empty.
    Raises `QueryValueError`."""
    raw = _value(params, name)
    if not raw:
        return default
    try:
        first = dt.date.fromisoformat(f"{raw}-01") if _MONTH.fullmatch(raw) else None
    except ValueError:
        first = None
    if first is None or not EARLIEST_DATE <= first <= LATEST_DATE:
        raise QueryValueError(
            _("“%(name)s” in the address must be a month from %(first)s to %(last)s, written as YYYY-MM.")
            % {"name": name, "first": f"{EARLIEST_DATE:%Y-%m}", "last": f"{LATEST_DATE:%Y-%m}"},
            field=name,
        )
    return first


@overload
def query_datetime(params: QueryDict, name: str, *, default: dt.datetime) -> dt.datetime: ...
@overload
def query_datetime(params: QueryDict, name: str, *, default: None = None) -> dt.datetime | None: ...
def query_datetime(params: QueryDict, name: str, *, default: dt.datetime | None = None) -> dt.datetime | None:
    """``?name=`` an ISO 8601 moment with its offset (``2026-06-01T10:00:00+03:00``) within the window;
    ``default`` when absent or empty. A moment without an offset is refused: it would be read in one zone or
    another without a word. Raises `QueryValueError`."""
    raw = _value(params, name)
    if not raw:
        return default
    try:
        moment = dt.datetime.fromisoformat(raw) if _DATETIME.fullmatch(raw) else None
    except ValueError:
        moment = None
    if moment is None or not EARLIEST_MOMENT <= moment < LATEST_MOMENT:
        raise QueryValueError(
            _(
                "“%(name)s” in the address must be a date and time with its offset from UTC, from %(first)s to "
                "%(last)s, written as YYYY-MM-DDTHH:MM+03:00."
            )
            % {"name": name, "first": EARLIEST_DATE.isoformat(), "last": LATEST_DATE.isoformat()},
            field=name,
        )
    return moment


@overload
def query_int(params: QueryDict, name: str, *, default: int, minimum: int = 0, maximum: int = MAX_INTEGER) -> int: ...
@overload
def query_int(
    params: QueryDict, name: str, *, default: None = None, minimum: int = 0, maximum: int = MAX_INTEGER
) -> int | None: ...
def query_int(
    params: QueryDict, name: str, *, default: int | None = None, minimum: int = 0, maximum: int = MAX_INTEGER
) -> int | None:
    """``?name=`` a whole number from ``minimum`` (at least 0) to ``maximum`` (at most ``MAX_INTEGER``);
    ``default`` when absent or empty. Raises `QueryValueError`."""
    minimum, maximum = max(minimum, 0), min(maximum, MAX_INTEGER)
    raw = _value(params, name)
    if not raw:
        return default
    number = int(raw) if _INTEGER.fullmatch(raw) else None  # the pattern bounds the digits before parsing
    if number is None or not minimum <= number <= maximum:
        raise QueryValueError(
            _("“%(name)s” in the address must be a whole number from %(minimum)s to %(maximum)s.")
            % {"name": name, "minimum": minimum, "maximum": maximum},
            field=name,
        )
    return number


def query_text(params: QueryDict, name: str, *, max_length: int = MAX_SEARCH_LENGTH) -> str:
    """``?name=`` as text of at most ``max_length`` characters (words to search for), stripped; empty when
    absent. Raises `QueryValueError`."""
    raw = _value(params, name)
    if len(raw) > max_length:
        raise QueryValueError(
            _("“%(name)s” in the address can be at most %(limit)s characters long.")
            % {"name": name, "limit": max_length},
            field=name,
        )
    return raw


# --- Forms ------------------------------------------------------------------------------------------------


def validate_calendar_date(value: dt.date | None) -> None:
    """A form's date of the centre's calendar lies in the window (a booking, an event, an agreement)."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date from %(first)s to %(last)s.")
            % {"first": _shown(EARLIEST_DATE), "last": _shown(LATEST_DATE)},
            code="date_out_of_range",
        )


def validate_calendar_datetime(value: dt.datetime | None) -> None:
    """A form's moment of the centre's calendar lies in the window."""
    if value is not None:
        validate_calendar_date(value.date())


# --- The API ----------------------------------------------------------------------------------------------

# A date of the centre's calendar.
CalendarDate = Annotated[dt.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]
# A moment of the centre's calendar, with its offset from UTC: "2026-06-01T10:00:00+03:00" or "…Z". One
# without an offset is refused (422, ``timezone_aware``) rather than guessed.
CalendarDateTime = Annotated[AwareDatetime, Field(ge=EARLIEST_MOMENT, lt=LATEST_MOMENT)]
# The id of a row (every id is a positive bigint).
Id = Annotated[int, Field(ge=1, le=MAX_INTEGER)]


def patch_values(values: dict[str, Any], model: type[models.Model]) -> dict[str, Any]:
    """The fields a PATCH body sets on ``model``, with JSON null read as people mean it: it empties a text that
    may be empty and is refused (422, the field named) for a column that cannot be empty, never stored as NULL
    (which answered 500). Nullable columns and names that are not columns keep their None."""
    refused = {}
    cleaned = dict(values)
    for name, value in values.items():
        if value is not None:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if getattr(field, "null", True):
            continue
        if isinstance(field, models.CharField | models.TextField) and field.blank:
            cleaned[name] = ""
        else:
            refused[name] = ValidationError(_("%(field)s cannot be empty.") % {"field": name}, code="null")
    if refused:
        raise ValidationError(refused)
    return cleaned
