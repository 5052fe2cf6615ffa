"""Announcing events: the life cycle, sessions, the calendar, the event page, the feed and the API."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from technopark.core.errors import ConflictError
from technopark.core.models import AuditLog
from technopark.events import services
from technopark.events.models import Event
from technopark.events.tests.conftest import at


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_an_event_walks_its_life_cycle_step_by_step_and_each_step_is_audited(
    make_event: Any, methodologist: Any
) -> None:
    event = make_event(status="draft")
    with pytest.raises(ConflictError):
        services.change_status(event, "held", actor=methodologist)
    for step in ["published", "registration_open", "registration_closed", "held", "results_published", "archived"]:
        event = services.change_status(event, step, actor=methodologist)
    assert event.status == "archived"
    with pytest.raises(ConflictError):
        services.change_status(event, "published", actor=methodologist)
    changes = AuditLog.objects.filter(action="events.event.status_changed", target_id=str(event.pk))
    assert changes.count() == 6 and changes.first().actor == methodologist


def test_an_event_without_dates_cannot_be_published(make_event: Any, methodologist: Any) -> None:
    event = make_event(status="draft", sessions=0)
    with pytest.raises(services.EventError) as refused:
        services.change_status(event, "published", actor=methodologist)
    assert refused.value.code == "no_sessions"


def test_registration_cannot_open_after_its_deadline(make_event: Any, methodologist: Any) -> None:
    event = make_event(registration_closes_at=at(-1))
    with pytest.raises(services.EventError):
        services.change_status(event, "registration_open", actor=methodologist)


def test_sessions_are_saved_together_or_not_at_all_and_set_the_dates(make_event: Any, methodologist: Any) -> None:
    event = make_event(kind="course", audience="teachers", sessions=3)
    assert event.sessions.count() == 3
    assert event.starts_at == at(5) and event.ends_at == at(7, 14)
    with pytest.raises(services.EventError):
        services.set_sessions(
            event,
            [{"starts_at": at(9), "ends_at": at(9, 12)}, {"starts_at": at(10, 12), "ends_at": at(10, 9)}],
            actor=methodologist,
        )
    assert event.sessions.count() == 3


def test_the_venue_rules_say_what_is_missing(methodologist: Any) -> None:
    base = {"title_ru": "Семинар", "kind": "seminar", "audience": "teachers", "level": "city"}
    with pytest.raises(services.EventError) as refused:
        services.create_event(actor=methodologist, format="in_person", venue_kind="external", **base)
    assert refused.value.field == "venue_details"
    with pytest.raises(services.EventError) as refused:
        services.create_event(actor=methodologist, format="online", venue_kind="online", **base)
    assert refused.value.field == "online_url"


def test_the_calendar_lists_upcoming_public_events_with_filters(make_event: Any) -> None:
    make_event("Конкурс по робототехнике", directions=["engineering"])
    make_event("Семинар для педагогов", kind="seminar", audience="teachers", directions=["it"], days=10)
    make_event("Черновик", status="draft")
    make_event("Прошедший фестиваль", kind="festival", days=-20)
    make_event("Фестиваль для всех", kind="festival", audience="both", days=2)
    client = _client()
    body = client.get("/events/").content.decode()
    assert "Конкурс по робототехнике" in body and "Семинар для педагогов" in body
    assert "Черновик" not in body and "Прошедший фестиваль" not in body
    students = client.get("/events/", {"audience": "students"}).content.decode()
    assert "Семинар для педагогов" not in students and "Фестиваль для всех" in students
    assert "Конкурс по робототехнике" not in client.get("/events/", {"direction": "it"}).content.decode()
    past = client.get("/events/", {"date_from": (dt.date.today() - dt.timedelta(days=30)).isoformat()}).content.decode()
    assert "Прошедший фестиваль" in past
    assert "робототехнике" in client.get("/events/", {"q": "РОБОТОТЕХНИКЕ"}).content.decode()


def test_the_month_view_shows_each_session_on_its_day(make_event: Any) -> None:
    event = make_event("Курс «3D-моделирование»", kind="course", audience="teachers", sessions=3, days=1)
    first = at(1).date()
    body = _client().get("/events/month/", {"year": first.year, "month": first.month}).content.decode()
    in_month = sum(1 for i in range(3) if (first + dt.timedelta(days=i)).month == first.month)
    # Each session links to the event (the next month shows the rest, if the course crosses it).
    assert body.count(f'href="/events/{event.pk}/"') >= in_month
    # A month it cannot show is a 400 that says what the address may hold (`core.bounds`).
    assert _client().get("/events/month/", {"year": "x"}).status_code == 400


def test_a_draft_is_missing_to_the_public_and_visible_to_staff(make_event: Any, methodologist: Any) -> None:
    draft = make_event(status="draft")
    assert _client().get(f"/events/{draft.pk}/").status_code == 404
    assert _client(methodologist).get(f"/events/{draft.pk}/").status_code == 200
    assert _client().get(f"/api/v1/events/{draft.pk}").status_code == 404


def test_the_online_link_is_not_shown_to_the_public(make_event: Any, methodologist: Any) -> None:
    event = make_event(format="mixed", online_url="https://meet.example.by/secret-room")
    assert "secret-room" not in _client().get(f"/events/{event.pk}/").content.decode()
    assert _client().get(f"/api/v1/events/{event.pk}").json()["online_url"] is None
    assert "secret-room" not in _client().get("/events/feed.ics").content.decode()
    assert _client(methodologist).get(f"/api/v1/events/{event.pk}").json()["online_url"].endswith("secret-room")


def test_the_feed_is_valid_icalendar_in_minsk_time(make_event: Any) -> None:
    event = make_event("Мастер-класс «Пайка»", kind="master_class", sessions=2)
    make_event("Черновик", status="draft")
    response = _client().get("/events/feed.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    entries = list(calendar.walk("VEVENT"))
    assert len(entries) == 2
    assert {str(e["summary"]) for e in entries} == {"Мастер-класс «Пайка»"}
    start = entries[0].decoded("dtstart")
    assert start.tzinfo is not None and start.astimezone(ZoneInfo("Europe/Minsk")).hour == 10
    assert start == at(5)
    assert len(list(calendar.walk("VTIMEZONE"))) == 1
    assert len({str(e["uid"]) for e in entries}) == 2
    assert str(entries[0]["url"]).endswith(f"/events/{event.pk}/")


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 80, 20)).save(buffer, format="PNG")
    return SimpleUploadedFile("poster.png", buffer.getvalue(), content_type="image/png")


def test_a_methodologist_announces_an_event_through_the_pages(methodologist: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = _client(methodologist)
    form = {
        "title_ru": "Технический уик-энд «Умный дом»", "summary_ru": "Два дня проектов", "kind": "tech_weekend",
        "audience": "students", "level": "centre", "format": "in_person", "directions": ["engineering", "it"],
        "venue_kind": "lab", "venue_lab": "tech_lab", "min_grade": "5", "max_grade": "9", "image": _png(),
        "image_alt": "Плакат",
    }  # fmt: skip
    missing = client.post("/staff/events/new/", {**form, "venue_lab": "", "image": _png()})
    assert missing.status_code == 400 and "Умный дом" in missing.content.decode()
    created = client.post("/staff/events/new/", form)
    event = Event.objects.get()
    assert created.status_code == 302 and created["Location"].endswith(f"/staff/events/{event.pk}/sessions/")
    day = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    sessions = {"session-TOTAL_FORMS": "3", "session-INITIAL_FORMS": "0",
                "session-0-day": day, "session-0-start": "10:00", "session-0-end": "13:00",
                "session-1-day": day, "session-1-start": "15:00", "session-1-end": "14:00"}  # fmt: skip
    bad = client.post(f"/staff/events/{event.pk}/sessions/", sessions)
    assert bad.status_code == 400 and event.sessions.count() == 0
    # The time columns are headed as times, not as the date filters' "С даты" / "По дату".
    assert '<th scope="col">Начало</th><th scope="col">Окончание</th>' in bad.content.decode()
    assert "С даты" not in bad.content.decode()
    del sessions["session-1-day"], sessions["session-1-start"], sessions["session-1-end"]
    assert client.post(f"/staff/events/{event.pk}/sessions/", sessions).status_code == 302
    scan = SimpleUploadedFile("положение.pdf", b"%PDF-1.4 regulations", content_type="application/pdf")
    client.post(f"/staff/events/{event.pk}/documents/", {"kind": "regulations", "title": "Положение", "file": scan})
    client.post(
        f"/staff/events/{event.pk}/nominations/",
        {"title_ru": "Младшая группа", "min_grade": "5", "max_grade": "6", "position": "1"},
    )
    assert _client().get(f"/events/{event.pk}/").status_code == 404
    assert client.post(f"/staff/events/{event.pk}/status/", {"status": "published"}).status_code == 302
    page = _client().get(f"/events/{event.pk}/").content.decode()
    assert "Умный дом" in page and "Положение" in page and "Младшая группа" in page
    document = event.documents.get()
    assert _client().get(f"/events/documents/{document.pk}/").status_code == 200
    assert _client().get(f"/events/{event.pk}/image/").status_code == 200


def test_the_api_creates_lists_and_moves_events(methodologist: Any, make_user: Any, make_event: Any) -> None:
    make_event("Старый конкурс", days=-40)
    payload = {
        "title_ru": "Обучающие курсы «Робототехника в школе»", "kind": "course", "audience": "teachers",
        "level": "city", "format": "in_person", "directions": ["engineering"], "venue_kind": "room",
        "venue_details": "Каб. 301", "sessions": [
            {"starts_at": at(3).isoformat(), "ends_at": at(3, 13).isoformat(), "hours": 4},
            {"starts_at": at(10).isoformat(), "ends_at": at(10, 13).isoformat(), "hours": 4},
        ],
    }  # fmt: skip
    staff = _client(methodologist)
    created = staff.post("/api/v1/events", json.dumps(payload), content_type="application/json")
    assert created.status_code == 201, created.content
    event = created.json()
    assert event["status"] == "draft" and len(event["sessions"]) == 2 and event["sessions"][0]["hours"] == 4
    assert _client().get("/api/v1/events").json()["count"] == 0
    moved = staff.patch(
        f"/api/v1/events/{event['id']}", json.dumps({"status": "published"}), content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["status"] == "published"
    listed = _client().get("/api/v1/events", {"audience": "teachers"}).json()
    assert listed["count"] == 1 and listed["items"][0]["venue"] == "Каб. 301"
    assert _client().get("/api/v1/events", {"upcoming": "false", "date_from": "2000-01-01"}).json()["count"] == 2
    wrong = staff.patch(
        f"/api/v1/events/{event['id']}", json.dumps({"status": "archived"}), content_type="application/json"
    )
    assert wrong.status_code == 409 and wrong.json()["code"] == "status_transition"
    teacher = _client(make_user("t@example.test", "teacher"))
    assert teacher.post("/api/v1/events", json.dumps(payload), content_type="application/json").status_code == 403
