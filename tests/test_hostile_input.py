"""Hostile input is refused at once with a 4xx: never a 5xx, never a worker busy for seconds (issue 12,
items 5, 13 and 20).

The first part replays the outside probe's cases one by one; each answered 500 or took seconds before
`core.bounds` and the size checks. The second part (property-based, with hypothesis) sends hostile values
to every page that reads the query string and to every operation of the API, anonymous and signed in.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from technopark.labs.models import Equipment, Lab, OpeningHours
from tests.test_permission_matrix import build_world

# A request that works for a second of CPU is unbounded work, not a slow page: these tests compare CPU time
# in the test process against that guard (`time.process_time()`, immune to a busy machine's waiting), they
# do not measure speed.
CPU_GUARD = 1.0


@pytest.fixture
def world(make_user: Any, personas: dict[str, Any], settings: Any, tmp_path: Any) -> dict[str, Any]:
    """The permission matrix's world (every kind of object, for every URL), built for each test that asks: the
    module's other tests make objects of their own."""
    settings.MEDIA_ROOT = tmp_path
    return build_world(make_user, personas)


def _timed(call: Any) -> tuple[Any, float]:
    started = time.process_time()
    response = call()
    return response, time.process_time() - started


def _at(days: int, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(hour)))


@pytest.fixture
def laser(db: Any) -> Equipment:
    lab = Lab.objects.get(code="fablab")
    OpeningHours.objects.bulk_create(
        OpeningHours(lab=lab, weekday=day, opens=dt.time(9), closes=dt.time(20)) for day in range(7)
    )
    return Equipment.objects.create(lab=lab, kind="laser_cutter", name="Лазерный станок", inventory_number="FL-1")


# --- The probe's cases -------------------------------------------------------------------------------------


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("page", ["lab", "equipment"])
def test_a_week_calendar_far_outside_the_window_answers_400_saying_which_weeks_it_shows(
    laser: Equipment, page: str, week: str
) -> None:
    path = "/en/labs/fablab/week/" if page == "lab" else f"/en/labs/equipment/{laser.pk}/"
    response = Client().get(path, {"week": week})
    assert response.status_code == 400
    assert "must be a date from 2000-01-01 to 2100-12-31" in response.content.decode()


def test_the_events_calendar_from_year_1_to_9999_shows_the_fields_refused(db: Any) -> None:
    response = Client().get("/en/events/", {"date_from": "0001-01-01", "date_to": "9999-12-31"})
    assert response.status_code == 200  # a filter form: the page stays, its fields say what is wrong
    assert response.content.decode().count("Enter a date from 01.01.2000 to 31.12.2100.") == 2


@pytest.mark.parametrize(
    "query", [{"month": "99999999999999999999"}, {"year": "9999", "month": "12"}, {"year": "1", "month": "1"}]
)
def test_a_month_the_calendar_cannot_show_answers_400(db: Any, query: dict[str, str]) -> None:
    assert Client().get("/events/month/", query).status_code == 400


def test_a_lab_managers_utilisation_of_month_9999_answers_400(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("manager@example.test", "lab_manager"))
    assert client.get("/staff/labs/fablab/utilisation/", {"month": "9999-12"}).status_code == 400
    assert client.get("/staff/labs/fablab/utilisation/", {"month": "2100-12"}).status_code == 200


@pytest.mark.parametrize("moment", ["9999-12-31T00:00:00Z", "0001-01-01T00:00:00+03:00"])
def test_availability_at_year_9999_or_1_is_a_422_naming_the_parameter(laser: Equipment, moment: str) -> None:
    response = Client().get(f"/api/v1/equipment/{laser.pk}/availability", {"starts_at": moment})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid" and "query.starts_at" in response.json()["detail"]


def test_a_booking_at_a_time_without_an_offset_is_a_422_not_a_500(laser: Equipment, make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("desk@example.test", "lab_manager"))
    naive = {"starts_at": _at(2, 10).replace(tzinfo=None).isoformat(), "ends_at": _at(2, 11).isoformat()}
    body = {"equipment": laser.pk, "purpose": "lesson", **naive}
    response = client.post("/api/v1/bookings", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "payload", "starts_at"]
    assert response.json()["errors"][0]["type"] == "timezone_aware"
    # The rule is the API's, written where integrators read it.
    assert "one without is refused with 422" in client.get("/api/v1/openapi.json").json()["info"]["description"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/institutions?district=99999999999999999999",
        "/api/v1/institutions?district=9223372036854775808",
        "/api/v1/persons?institution=9223372036854775808",
        "/api/v1/consents?subject=99999999999999999999",
        "/api/v1/events?date_from=0001-01-01&date_to=9999-12-31",
    ],
)
def test_an_integer_or_a_date_past_what_the_database_holds_is_a_422_in_a_filter(path: str, make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("admin@example.test", "administrator"))
    response = client.get(path)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid"


def test_null_empties_a_text_and_is_refused_where_a_value_is_required(make_user: Any) -> None:
    """Issue 14, item 15: `{"description_ru": null}` and `{"email": null}` answered 500."""
    from technopark.events.models import Event
    from technopark.people.models import Person

    staff = make_user("nulls@example.test", "methodologist")
    client = Client()
    client.force_login(staff)
    event = Event.objects.create(
        title_ru="Семинар", description_ru="Текст", kind="seminar", audience="teachers", level="centre",
        format="in_person", venue_kind="room", venue_details="Ауд. 12", created_by=staff,
    )  # fmt: skip
    person = Person.objects.create(last_name="Иванов", first_name="Иван", email="ivanov@example.test")

    def patch(url: str, body: dict[str, Any]) -> Any:
        return client.patch(url, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")

    cleared = patch(f"/api/v1/events/{event.pk}", {"description_ru": None})
    assert cleared.status_code == 200, cleared.json()
    event.refresh_from_db()
    assert event.description_ru == ""
    refused = patch(f"/api/v1/events/{event.pk}", {"kind": None})
    assert refused.status_code == 422 and "kind cannot be empty" in refused.json()["detail"]
    assert patch(f"/api/v1/persons/{person.pk}", {"email": None}).status_code == 200
    person.refresh_from_db()
    assert person.email == ""
    assert patch(f"/api/v1/persons/{person.pk}", {"last_name": None}).status_code == 422


@pytest.mark.parametrize(("until", "status"), [("9998-12-31", 422), ("9999-12-31", 422), ("2100-12-31", 400)])
def test_a_weekly_booking_until_far_ahead_is_refused_at_once_through_the_api(
    laser: Equipment, make_user: Any, until: str, status: int
) -> None:
    client = Client()
    client.force_login(make_user("term.teacher@example.test", "teacher"))
    body = {"equipment": laser.pk, "purpose": "lesson", "starts_at": _at(7, 15).isoformat(),
            "ends_at": _at(7, 17).isoformat(), "weekly_until": until}  # fmt: skip
    response, cpu = _timed(
        lambda: client.post(
            "/api/v1/bookings", json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
        )
    )
    assert response.status_code == status, response.content
    assert cpu < CPU_GUARD
    if status == 400:
        assert response.json()["code"] == "series_too_long" and "at the latest" in response.json()["detail"]


@pytest.mark.parametrize("until", ["9999-12-31", "2100-12-31"])
def test_a_weekly_lesson_until_far_ahead_is_refused_at_once_on_the_page(
    laser: Equipment, make_user: Any, until: str
) -> None:
    client = Client()
    client.force_login(make_user("page.teacher@example.test", "teacher"))
    form = {"day": f"{_at(7, 0).date():%Y-%m-%d}", "start": "15:00", "end": "16:30", "weekly_until": until}
    response, cpu = _timed(lambda: client.post("/en/labs/fablab/book/", form))
    assert response.status_code == 400
    assert cpu < CPU_GUARD
    assert "Enter a date from" in response.content.decode() or "at the latest" in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/institutions", "/api/v1/persons", "/api/v1/events", "/api/v1/projects"])
def test_a_search_of_300_000_characters_is_a_422_in_the_api(path: str, make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("admin@example.test", "administrator"))
    response, cpu = _timed(lambda: client.get(path, {"q": "9" * 300_000}))
    assert response.status_code == 422 and "query.q" in response.json()["detail"]
    assert cpu < CPU_GUARD


def test_a_search_of_300_000_characters_is_refused_on_the_pages(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("admin@example.test", "administrator"))
    long = "9" * 300_000
    assert "at most 100 characters" in client.get("/en/network/", {"q": long}).content.decode()  # its form's error
    for path, name in [("/en/staff/events/", "q"), ("/en/labs/people/", "person_q")]:
        response = client.get(path, {name: long})
        assert response.status_code == 400 and "can be at most 100 characters long" in response.content.decode()


def test_numbers_in_staff_forms_are_checked_by_their_length_before_they_are_read(
    personas: dict[str, Any],
    world: dict[str, Any],
    client_for: Any,
) -> None:
    """Each of these read a 300 000-digit number with int() (a ValueError past 4 300 digits: a 500)."""
    client = client_for(personas["administrator"])
    event, registration = world["open_event"], world["registration"]
    huge = "9" * 300_000
    check_in = client.post(f"/staff/events/{event.pk}/check-in/", {"session": huge, "registration": registration.pk})
    assert check_in.status_code == 400
    results = client.post(f"/en/staff/events/{event.pk}/results/", {f"place-{registration.pk}": huge})
    assert results.status_code < 500 and "A place is a whole number." in results.content.decode()
    project = client.post(f"/events/registrations/{registration.pk}/project/", {"project": huge})
    assert project.status_code == 302
    roster = client.post(f"/staff/labs/trainings/{world['training_session'].pk}/", {"seat": huge, "result": "passed"})
    assert roster.status_code == 400


# --- Sizes of texts ----------------------------------------------------------------------------------------


def test_a_news_text_of_11_mb_is_refused_on_the_page_in_the_api_and_by_the_service(make_user: Any) -> None:
    from django.core.exceptions import ValidationError

    from technopark.core.models import LONG_TEXT_LENGTH
    from technopark.portal import services
    from technopark.portal.models import News

    editor = make_user("editor@example.test", "methodologist")
    client = Client()
    client.force_login(editor)
    eleven_mb = "я" * (11 * 1024 * 1024 // 2)
    api = client.post("/api/v1/news", json.dumps({"title_ru": "Новость", "body_ru": eleven_mb}, ensure_ascii=False),
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 413 and api.json()["code"] == "too_large"
    longest = "я" * LONG_TEXT_LENGTH
    over = {"title_ru": "Новость", "body_ru": longest + "я"}
    api = client.post("/api/v1/news", json.dumps(over), content_type="application/json")
    assert api.status_code == 422 and "body.payload.body_ru" in api.json()["detail"]
    page = client.post("/en/staff/news/new/", over)
    assert page.status_code == 400 and "Ensure this value has at most 100000 characters" in page.content.decode()
    with pytest.raises(ValidationError):
        services.create_news(actor=editor, **over)
    assert not News.objects.exists()
    created = client.post("/api/v1/news", json.dumps({"title_ru": "Новость", "body_ru": longest}),
                          content_type="application/json")  # fmt: skip
    assert created.status_code == 201


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("portal.News", "body_be"),
        ("people.ConsentText", "body_ru"),
        ("portal.HomeBlock", "text_ru"),
        ("events.Event", "description_en"),
        ("events.Question", "choices"),
        ("labs.Lab", "description_ru"),
        ("labs.Equipment", "description"),
        ("labs.Training", "description"),
        ("network.Agreement", "subject"),
        ("projects.Project", "summary"),
        ("projects.JournalStep", "text"),
    ],
)
def test_every_free_text_has_a_length_that_full_clean_enforces(model: str, field: str) -> None:
    from django.apps import apps
    from django.core.exceptions import ValidationError

    text_field = apps.get_model(model)._meta.get_field(field)
    assert text_field.max_length
    with pytest.raises(ValidationError):
        text_field.clean("x" * (text_field.max_length + 1), None)
    text_field.clean("x" * text_field.max_length, None)


# --- Every page and every API operation, with hostile values (hypothesis) ---------------------------------

HUGE_NUMBER = "9" * 300_000
JUNK = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
HOSTILE_INTEGERS = st.one_of(
    st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**20, 10**300]), st.integers()
)
HOSTILE_NUMBER_TEXT = st.sampled_from(["1e300000", HUGE_NUMBER, "-0", "0x10", "1.5", "", "NaN", "Infinity", "١٢"])
HOSTILE_DATES = st.sampled_from(
    ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01", "2026-02-30", "99999-01-01", "2026-06-01", ""]
)
HOSTILE_MONTHS = st.sampled_from(["0001-01", "9999-12", "2026-13", "2026-00", "99999999999999999999", "2026-06"])
HOSTILE_DATETIMES = st.sampled_from(
    ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "2026-06-01T10:00:00", "2026-06-01T10:00:00-23:59",
     "2100-12-31T23:59:59+03:00", "2026-06-01", "1e300000"]
)  # fmt: skip


def hostile_text_for(kind: str) -> st.SearchStrategy[str]:
    """A hostile value of a query string's parameter of ``kind``, as text."""
    integers = st.one_of(HOSTILE_INTEGERS.map(str), HOSTILE_NUMBER_TEXT)
    return {
        "integer": integers,
        "number": integers,
        "date": st.one_of(HOSTILE_DATES, integers),
        "month": st.one_of(HOSTILE_MONTHS, integers),
        "date-time": st.one_of(HOSTILE_DATETIMES, HOSTILE_DATES),
    }.get(kind, st.one_of(JUNK, integers, HOSTILE_DATES))


# The parameters pages read from the query string, by what they hold (``month`` is a number on the events
# calendar and YYYY-MM on a lab's utilisation: its values are both). A name nobody reads is harmless; the
# sweep sends each kind to every page.
PAGE_PARAMETERS = {
    "date": ["week", "date_from", "date_to", "day", "since", "until"],
    "month": ["month"],
    "integer": ["year", "page", "session", "units", "hours", "district", "institution", "grade",
                "target_type", "lab"],
    "text": ["q", "code", "person_q", "status", "purpose", "kind", "after", "before", "target_id", "ip", "actor",
             "action", "direction", "stage", "audience", "level", "free_places", "refresh"],
}  # fmt: skip
SWEEP_VALUES = {
    "date": ["9999-12-31", "0001-01-01"],
    "month": ["9999-12", "99999999999999999999"],
    "integer": [HUGE_NUMBER],
    "text": ["1e300000" * 1000],
}


def _check(client: Any, method: str, url: str, query: dict[str, str] | None = None, **kwargs: Any) -> Any:
    """One request (``query`` in the address); it answers below 500 and within the CPU guard."""
    if query:
        url = f"{url}?{urlencode(query)}"
    response, cpu = _timed(lambda: client.generic(method, url, **kwargs))
    shown = url[:200]
    assert response.status_code < 500, f"{method} {shown} answered {response.status_code}"
    assert cpu < CPU_GUARD, f"{method} {shown} worked {cpu:.2f} s of CPU"
    return response


def _pages(persona: str, objects: dict[str, Any]) -> list[str]:
    """Every page of the permission matrix this persona may open (status 200)."""
    from tests.test_permission_matrix import MATRIX, _kwargs

    return [
        reverse(name, kwargs=_kwargs(case.kwargs, objects))
        for name, case in sorted(MATRIX.items())
        if case.method == "GET" and not name.startswith(("api:", "admin:")) and case.expected()[persona] == 200
    ]


@pytest.mark.parametrize("persona", ["anonymous", "administrator"])
def test_no_page_answers_a_5xx_or_works_long_for_a_hostile_query(
    persona: str,
    personas: dict[str, Any],
    world: dict[str, Any],
    client_for: Any,
) -> None:
    client = client_for(personas[persona])
    pages = _pages(persona, world)
    assert len(pages) > 20
    for url in pages:  # the sweep: every page, every kind of parameter, the probe's values
        for kind, names in PAGE_PARAMETERS.items():
            for value in SWEEP_VALUES[kind]:
                _check(client, "GET", url, dict.fromkeys(names, value))

    kinds = {name: kind for kind, names in PAGE_PARAMETERS.items() for name in names}

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(url=st.sampled_from(pages), query=st.data())
    def explore(url: str, query: st.DataObject) -> None:
        names = query.draw(st.lists(st.sampled_from(sorted(kinds)), min_size=1, max_size=4, unique=True))
        values = {name: query.draw(hostile_text_for(kinds[name])) for name in names}
        _check(client, "GET", url, values)

    explore()


# --- The API, from its OpenAPI document -------------------------------------------------------------------


@dataclass
class Operation:
    method: str
    template: str
    path: dict[str, str]  # the world's objects
    query: dict[str, str]  # name -> kind
    body: dict[str, Any]  # property -> JSON schema
    example: dict[str, Any]  # a valid body (the permission matrix's)
    statuses: frozenset[int]  # what the document says it answers (issue 14, item 14)


def _kind(schema: dict[str, Any]) -> str:
    """The kind of a JSON schema's value: integer, number, date, date-time, array:<kind>, object, text."""
    options = [option for option in schema.get("anyOf", [schema]) if option.get("type") != "null"]
    chosen = options[0] if options else {}
    if chosen.get("type") == "array":
        return "array:" + _kind(chosen.get("items", {}))
    if chosen.get("type") == "string" and chosen.get("format") in ("date", "date-time"):
        return str(chosen["format"])
    return str(chosen.get("type") or "text")


def _operations(client: Any, objects: dict[str, Any]) -> list[Operation]:
    """Every operation of the OpenAPI document, its path filled from the permission matrix's row for it."""
    from tests.test_permission_matrix import MATRIX, _kwargs

    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    rows = [
        (case, reverse(name, kwargs=_kwargs(case.kwargs, objects)))
        for name, case in MATRIX.items()
        if name.startswith("api:")
    ]
    operations = []
    for template, item in document["paths"].items():
        pattern = re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$")
        for method, operation in item.items():
            found = [(case, url) for case, url in rows if case.method == method.upper() and pattern.match(url)]
            assert found, f"{method.upper()} {template} has no row in the permission matrix"
            case, url = found[0]
            match = pattern.match(url)
            assert match is not None
            parameters = operation.get("parameters", [])
            body_ref = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            body = schemas[body_ref["$ref"].rsplit("/", 1)[-1]]["properties"] if body_ref else {}
            example = {
                key: objects[value[1:]].pk if isinstance(value, str) and value.startswith("@") else value
                for key, value in case.data.items()
            }
            query = {p["name"]: _kind(p["schema"]) for p in parameters if p["in"] == "query"}
            statuses = frozenset(int(status) for status in operation["responses"])
            operations.append(Operation(method.upper(), template, match.groupdict(), query, body, example, statuses))
    return operations


# Numbers JSON can carry that no Python type survives: written into the body as they are.
RAW_NUMBERS = ["1e300000", "-1e300000", HUGE_NUMBER, "1" + "0" * 400]


def hostile_json_for(kind: str) -> st.SearchStrategy[Any]:
    """A hostile JSON value of a body's property of ``kind`` (a `_Raw` is written into the body as is)."""
    if kind.startswith("array:"):
        return st.lists(hostile_json_for(kind.split(":", 1)[1]), max_size=3) | st.just(list(range(1, 5000)))
    numbers = st.one_of(HOSTILE_INTEGERS, st.sampled_from(RAW_NUMBERS).map(_Raw), st.floats(allow_nan=False))
    return {
        "integer": numbers,
        "number": numbers,
        "date": st.one_of(HOSTILE_DATES, HOSTILE_INTEGERS),
        "date-time": st.one_of(HOSTILE_DATETIMES, HOSTILE_DATES),
        "object": st.dictionaries(st.one_of(HOSTILE_INTEGERS.map(str), JUNK), st.one_of(JUNK, numbers), max_size=3),
    }.get(kind, st.one_of(JUNK, numbers))


@dataclass(frozen=True)
class _Raw:
    literal: str


def _json(body: dict[str, Any]) -> str:
    raws: dict[str, str] = {}

    def placeholder(value: Any) -> Any:
        if isinstance(value, _Raw):
            key = f"@@raw{len(raws)}@@"
            raws[key] = value.literal
            return key
        if isinstance(value, list):
            return [placeholder(item) for item in value]
        if isinstance(value, dict):
            return {key: placeholder(item) for key, item in value.items()}
        return value

    text = json.dumps(placeholder(body))
    for key, literal in raws.items():
        text = text.replace(f'"{key}"', literal)
    return text


def _call(client: Any, operation: Operation, path: dict[str, str], query: dict[str, str], body: Any) -> Any:
    url = operation.template.format(**path)
    if operation.method in ("POST", "PATCH", "PUT"):
        response = _check(client, operation.method, url, query, data=_json(body), content_type="application/json")
    else:
        response = _check(client, operation.method, url, query)
    # Whatever it answers, the document said it might: an integrator handles every status it can get.
    assert response.status_code in operation.statuses, (
        f"{operation.method} {operation.template} answered {response.status_code}, "
        f"documented {sorted(operation.statuses)}"
    )
    return response


@pytest.mark.parametrize("persona", ["anonymous", "teacher", "administrator"])
def test_no_api_operation_answers_a_5xx_or_works_long_for_hostile_input(
    persona: str,
    personas: dict[str, Any],
    world: dict[str, Any],
    client_for: Any,
) -> None:
    client = client_for(personas[persona])
    operations = _operations(client, world)
    assert len(operations) > 40
    for operation in operations:  # the sweep: each parameter and each property of a body, one at a time
        for name in operation.path:
            for value in ["99999999999999999999", "9223372036854775808", "0", "-1", HUGE_NUMBER, "1e300000"]:
                _call(client, operation, {**operation.path, name: value}, {}, operation.example)
        for name, kind in operation.query.items():
            for value in [*SWEEP_VALUES.get(kind, SWEEP_VALUES["integer"]), "9999-12-31T23:59:59Z", "2026-06-01T10:00"]:
                _call(client, operation, operation.path, {name: value}, operation.example)
        for name, schema in operation.body.items():
            kind = _kind(schema)
            values = {
                "integer": [_Raw("1e300000"), _Raw(HUGE_NUMBER), 2**63, -1, 0],
                "number": [_Raw("1e300000"), _Raw(HUGE_NUMBER), 1e308],
                "date": ["9999-12-31", "0001-01-01"],
                "date-time": ["9999-12-31T23:59:59Z", "2026-06-01T10:00:00"],
                "object": [{"9223372036854775808": "1e300000", "1": _Raw("1e300000")}],
            }.get(kind, [HUGE_NUMBER[:5000], _Raw("1e300000")])
            # JSON null for every property: "optional" in a schema must not mean NULL in a NOT NULL column.
            for value in [*values, None]:
                _call(client, operation, operation.path, {}, {**operation.example, name: value})

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(operation=st.sampled_from(operations), data=st.data())
    def explore(operation: Operation, data: st.DataObject) -> None:
        path = {name: data.draw(st.one_of(st.just(value), hostile_text_for("integer"))) for name, value in
                operation.path.items()}  # fmt: skip
        path = {name: value or "0" for name, value in path.items()}  # an empty segment is another URL
        query = {name: data.draw(hostile_text_for(kind)) for name, kind in operation.query.items()
                 if data.draw(st.booleans())}  # fmt: skip
        body = dict(operation.example)
        for name, schema in operation.body.items():
            if data.draw(st.integers(0, 2)) == 0:
                body[name] = data.draw(hostile_json_for(_kind(schema)))
        _call(client, operation, path, query, body)

    explore()
