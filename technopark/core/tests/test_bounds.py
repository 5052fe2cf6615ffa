"""The one parser of dates and numbers in query strings, and the API's bounded types (`core.bounds`)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import translation
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError

from technopark.core.bounds import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_INTEGER,
    CalendarDate,
    CalendarDateTime,
    Id,
    QueryValueError,
    query_date,
    query_datetime,
    query_int,
    query_month,
    validate_calendar_date,
)

HUGE = "9" * 300_000
MINSK = dt.timezone(dt.timedelta(hours=3))


def _q(**params: str) -> QueryDict:
    query = QueryDict(mutable=True)
    query.update(params)
    return query


def test_a_date_in_the_window_is_read_and_an_absent_or_empty_one_gives_the_default():
    default = dt.date(2026, 6, 1)
    assert query_date(_q(week="2026-09-14"), "week", default=default) == dt.date(2026, 9, 14)
    assert query_date(_q(), "week", default=default) == default
    assert query_date(_q(week="  "), "week", default=default) == default
    assert query_date(_q(), "week") is None
    assert query_date(_q(week=EARLIEST_DATE.isoformat()), "week") == EARLIEST_DATE
    assert query_date(_q(week=LATEST_DATE.isoformat()), "week") == LATEST_DATE


@pytest.mark.parametrize(
    "value",
    ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01", "2026-02-30", "20260601", "2026-6-1", "x", HUGE,
     "1e300000", "-2026-01-01", "2026-01-01T00:00"],
)  # fmt: skip
def test_a_date_it_cannot_read_or_outside_the_window_is_refused_naming_the_parameter(value):
    with pytest.raises(QueryValueError) as refused:
        query_date(_q(week=value), "week")
    assert refused.value.field == "week"
    assert refused.value.status == 400
    assert "week" in str(refused.value) and "2000-01-01" in str(refused.value) and "2100-12-31" in str(refused.value)


def test_a_month_is_read_as_its_first_day_within_the_window():
    assert query_month(_q(month="2026-02"), "month") == dt.date(2026, 2, 1)
    assert query_month(_q(), "month", default=dt.date(2026, 1, 1)) == dt.date(2026, 1, 1)
    for value in ("9999-12", "0001-01", "2026-13", "2026-00", "2026", "99999999999999999999", HUGE):
        with pytest.raises(QueryValueError):
            query_month(_q(month=value), "month")


def test_a_moment_needs_its_offset_and_lies_in_the_window():
    assert query_datetime(_q(at="2026-06-01T10:00:00+03:00"), "at") == dt.datetime(2026, 6, 1, 10, tzinfo=MINSK)
    assert query_datetime(_q(at="2026-06-01T07:00Z"), "at") == dt.datetime(2026, 6, 1, 10, tzinfo=MINSK)
    for value in ("2026-06-01T10:00:00", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "2026-06-01", HUGE):
        with pytest.raises(QueryValueError):
            query_datetime(_q(at=value), "at")


def test_an_integer_is_whole_non_negative_and_within_its_maximum():
    assert query_int(_q(page="7"), "page") == 7
    assert query_int(_q(), "page", default=1) == 1
    assert query_int(_q(page=str(MAX_INTEGER)), "page") == MAX_INTEGER
    assert query_int(_q(month="12"), "month", minimum=1, maximum=12) == 12
    for value in ("-1", "1.5", "1e3", "0x10", str(MAX_INTEGER + 1), "99999999999999999999", HUGE, "1e300000", "١٢"):
        with pytest.raises(QueryValueError):
            query_int(_q(page=value), "page")
    with translation.override("en"), pytest.raises(QueryValueError, match="from 1 to 12"):
        query_int(_q(month="13"), "month", minimum=1, maximum=12)


def test_a_300_000_digit_number_is_refused_without_being_parsed():
    # A guard against unbounded work, not a speed measurement: parsing 300 000 digits costs seconds.
    started = time.process_time()
    with pytest.raises(QueryValueError):
        query_int(_q(page=HUGE), "page")
    assert time.process_time() - started < 0.1


def test_a_form_date_outside_the_window_is_a_field_error():
    validate_calendar_date(dt.date(2026, 6, 1))
    validate_calendar_date(None)
    with pytest.raises(ValidationError, match=r"01\.01\.2000.*31\.12\.2100"):
        validate_calendar_date(dt.date(9999, 12, 31))


def test_the_api_types_refuse_dates_outside_the_window_naive_moments_and_ids_past_the_largest_integer():
    assert TypeAdapter(CalendarDate).validate_python("2026-06-01") == dt.date(2026, 6, 1)
    moment = TypeAdapter(CalendarDateTime).validate_python("2026-06-01T10:00:00+03:00")
    assert moment == dt.datetime(2026, 6, 1, 10, tzinfo=MINSK)
    assert TypeAdapter(Id).validate_python(str(MAX_INTEGER)) == MAX_INTEGER
    refused = [
        (CalendarDate, "9999-12-31"),
        (CalendarDate, "0001-01-01"),
        (CalendarDateTime, "2026-06-01T10:00:00"),
        (CalendarDateTime, "9999-12-31T23:59:59Z"),
        (Id, str(MAX_INTEGER + 1)),
        (Id, "0"),
        (Id, HUGE),
        (Id, "1e300000"),
    ]
    for kind, value in refused:
        with pytest.raises(PydanticError):
            TypeAdapter(kind).validate_python(value)


def test_a_page_answers_a_bad_value_with_400_in_the_users_language_and_a_link_without_it(client, db):
    response = client.get("/en/labs/fablab/week/?week=9999-12-31&kind=x")
    assert response.status_code == 400
    body = response.content.decode()
    assert "“week” in the address must be a date from 2000-01-01 to 2100-12-31" in body
    assert 'href="/en/labs/fablab/week/?kind=x"' in body
