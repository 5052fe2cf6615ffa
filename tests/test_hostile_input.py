"""Hostile input is refused at once with a 4xx: never a 5xx, never a worker busy for seconds (issue 12,
items 5, 13 and 20).

The first part replays the outside probe's cases one by one; each answered 500 or took seconds before
`core.bounds` and the size checks. The second part (property-based, with hypothesis) sends hostile values
to every page that reads the query string and to every operation of the API, anonymous and signed in.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from technopark.labs.models import Equipment, Lab, OpeningHours
from tests.test_permission_matrix import world  # noqa: F401  (a fixture: every kind of object, for every URL)

# A request that works for a second of CPU is unbounded work, not a slow page: these tests compare CPU time
# in the test process against that guard (`time.process_time()`, immune to a busy machine's waiting), they
# do not measure speed.
CPU_GUARD = 1.0


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


@pytest.mark.parametrize(("until", "status"), [("9998-12-31", 422), ("9999-12-31", 422), ("2100-12-31", 400)])
def test_a_weekly_booking_until_far_ahead_is_refused_at_once_through_the_api(
    laser: Equipment, make_user: Any, until: str, status: int
) -> None:
    client = Client()
    client.force_login(make_user("term.teacher@example.test", "teacher"))
    body = {"equipment": laser.pk, "purpose": "lesson", "starts_at": _at(7, 15).isoformat(),
            "ends_at": _at(7, 17).isoformat(), "weekly_until": until}  # fmt: skip
    response, cpu = _timed(lambda: client.post("/api/v1/bookings", json.dumps(body), content_type="application/json"))
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
    world: dict[str, Any],  # noqa: F811
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
        ("accounts.ConsentText", "body_ru"),
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
