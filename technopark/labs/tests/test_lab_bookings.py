"""A whole lab booked for a group lesson: it holds every unit of every equipment of the lab, all or
nothing, under the same rules as a lesson; a conflict names what is in the way; a weekly series is saved
whole or not at all; only those who give lessons book it; cancelling frees every unit. Through the
service, the lab's page and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from technopark.core.errors import ConflictError
from technopark.labs import selectors, services
from technopark.labs.models import Booking, BookingUnit, ClosedDay, Equipment, Lab
from technopark.labs.tests.conftest import at


@pytest.fixture
def teacher(make_user: Any) -> Any:
    return make_user("lesson.teacher@example.test", "teacher", last_name="Ковалёва", first_name="Анна")


def _ru(msgid: str) -> str:
    """A label as the Russian pages show it (new labels read as their English msgid until translated)."""
    with translation.override("ru"):
        return translation.gettext(msgid)


def _free_everywhere(equipment: list[Equipment], starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    return all(selectors.free_units(item, starts_at, ends_at) == item.units for item in equipment)


def test_a_lab_booking_holds_every_unit_of_every_machine_of_the_lab(
    laser: Equipment, workstations: Equipment, fablab: Lab, teacher: Any
) -> None:
    lesson = services.book_lab(fablab, actor=teacher, starts_at=at(2, 15), ends_at=at(2, 17), note="7 «А», ЧПУ")
    assert lesson.status == "confirmed" and lesson.lab == fablab and lesson.equipment is None
    assert lesson.purpose == "lesson" and lesson.units == 13
    held = sorted(lesson.held_units.values_list("equipment_id", "unit"))
    assert held == [(laser.pk, 1)] + [(workstations.pk, unit) for unit in range(1, 13)]
    assert selectors.free_units(laser, at(2, 16), at(2, 17)) == 0
    assert selectors.free_units(workstations, at(2, 15), at(2, 16)) == 0
    with pytest.raises(ConflictError):  # nobody books a machine of the lab during the lesson
        services.book(workstations, actor=teacher, starts_at=at(2, 16), ends_at=at(2, 18), purpose="lesson")


def test_a_machine_booked_at_that_time_refuses_the_lab_and_is_named(
    laser: Equipment, workstations: Equipment, fablab: Lab, teacher: Any, lab_manager: Any
) -> None:
    services.book(laser, actor=lab_manager, starts_at=at(2, 16), ends_at=at(2, 17), purpose="lesson")
    with pytest.raises(ConflictError) as refused:
        services.book_lab(fablab, actor=teacher, starts_at=at(2, 15), ends_at=at(2, 17))
    assert refused.value.code == "overlap"
    assert "Лазерный станок" in str(refused.value.message) and "16:00–17:00" in str(refused.value.message)
    assert "Рабочая станция" not in str(refused.value.message)
    assert not Booking.objects.filter(lab=fablab).exists()
    assert selectors.free_units(workstations, at(2, 15), at(2, 17)) == 12  # all or nothing


def test_two_lessons_in_one_lab_never_overlap(workstations: Equipment, fablab: Lab, teacher: Any) -> None:
    services.book_lab(fablab, actor=teacher, starts_at=at(3, 10), ends_at=at(3, 12))
    with pytest.raises(ConflictError):
        services.book_lab(fablab, actor=teacher, starts_at=at(3, 11), ends_at=at(3, 13))
    services.book_lab(fablab, actor=teacher, starts_at=at(3, 12), ends_at=at(3, 14))  # back to back
    assert Booking.objects.filter(lab=fablab, status="confirmed").count() == 2


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ((2, 7), (2, 9), "outside_hours"),
        ((2, 10), (2, 15), "too_long"),  # a lesson in the whole lab lasts at most 4 h
        ((-1, 10), (-1, 11), "in_the_past"),
        ((400, 10), (400, 11), "beyond_horizon"),  # past any school year's end, too
        ((2, 11), (2, 10), "span_invalid"),
    ],
)
def test_a_lab_booking_keeps_the_rules_of_a_lesson(
    workstations: Equipment, fablab: Lab, teacher: Any, start: Any, end: Any, code: str
) -> None:
    with pytest.raises(services.BookingError) as refused:
        services.book_lab(fablab, actor=teacher, starts_at=at(*start), ends_at=at(*end))
    assert refused.value.code == code
    assert not BookingUnit.objects.exists()


def test_a_machine_that_needs_an_authorisation_does_not_stop_a_teachers_lesson(
    laser: Equipment, fablab: Lab, teacher: Any
) -> None:
    # The laser needs an authorisation and is for 12 and over: those rules are for its users' project work.
    assert services.book_lab(fablab, actor=teacher, starts_at=at(2, 10), ends_at=at(2, 11)).status == "confirmed"


def test_a_student_may_not_book_a_lab(workstations: Equipment, fablab: Lab, make_user: Any) -> None:
    student = make_user("no.lab@example.test", "student")
    with pytest.raises(services.BookingError) as refused:
        services.book_lab(fablab, actor=student, starts_at=at(2, 10), ends_at=at(2, 11))
    assert refused.value.code == "lessons_only"
    with pytest.raises(services.BookingError):
        services.book_lab_weekly(fablab, actor=student, starts_at=at(2, 10), ends_at=at(2, 11), until=at(30, 0).date())
    assert not Booking.objects.exists()


def test_a_lab_without_equipment_is_refused_rather_than_held_by_nothing(fablab: Lab, teacher: Any) -> None:
    with pytest.raises(services.BookingError) as refused:
        services.book_lab(fablab, actor=teacher, starts_at=at(2, 10), ends_at=at(2, 11))
    assert refused.value.code == "lab_without_equipment"


def test_a_weekly_series_of_the_lab_reports_every_conflicting_date_and_saves_nothing(
    laser: Equipment, workstations: Equipment, fablab: Lab, teacher: Any, lab_manager: Any
) -> None:
    holiday = at(14, 0).date()
    ClosedDay.objects.create(date=holiday, reason_ru="Праздник")
    services.book(workstations, actor=lab_manager, starts_at=at(21, 16), ends_at=at(21, 17), purpose="lesson", units=2)
    with pytest.raises(services.SeriesError) as refused:
        services.book_lab_weekly(
            fablab, actor=teacher, starts_at=at(7, 15), ends_at=at(7, 17), until=at(35, 0).date(), note="Кружок"
        )
    assert [c.starts_at.date() for c in refused.value.conflicts] == [holiday, at(21, 0).date()]
    assert "Рабочая станция" in refused.value.conflicts[1].reason
    assert not Booking.objects.filter(lab=fablab).exists()
    assert BookingUnit.objects.count() == 2  # only the pool's lesson
    ClosedDay.objects.all().delete()
    Booking.objects.all().delete()
    lessons = services.book_lab_weekly(
        fablab, actor=teacher, starts_at=at(7, 15), ends_at=at(7, 17), until=at(35, 0).date()
    )
    assert len(lessons) == 5 and len({lesson.series for lesson in lessons}) == 1
    assert BookingUnit.objects.filter(active=True).count() == 5 * 13


def test_cancelling_a_lab_booking_frees_every_unit(
    laser: Equipment, workstations: Equipment, fablab: Lab, teacher: Any
) -> None:
    lesson = services.book_lab(fablab, actor=teacher, starts_at=at(2, 15), ends_at=at(2, 17))
    services.cancel_booking(lesson, actor=teacher)
    assert _free_everywhere([laser, workstations], at(2, 15), at(2, 17))
    services.book(laser, actor=teacher, starts_at=at(2, 15), ends_at=at(2, 16), purpose="lesson")


def test_maintenance_of_one_machine_lists_the_lesson_in_the_whole_lab(
    laser: Equipment, fablab: Lab, teacher: Any, lab_manager: Any
) -> None:
    lesson = services.book_lab(fablab, actor=teacher, starts_at=at(2, 10), ends_at=at(2, 12))
    assert services.maintenance_conflicts(laser, at(2, 11), at(2, 13)) == [lesson]


def test_the_week_and_utilisation_show_the_lesson_in_the_whole_lab(
    workstations: Equipment, fablab: Lab, teacher: Any
) -> None:
    services.book_lab(fablab, actor=teacher, starts_at=at(1, 15), ends_at=at(1, 17))
    days = selectors.week(fablab.equipment.all(), fablab, selectors.week_start(at(1, 0).date()), show_names=True)
    [slot] = [slot for column in days for slot in column.slots]
    assert slot.time == "15:00–17:00" and slot.equipment == _ru("The whole lab") and "Ковалёва А." in slot.who
    [row] = selectors.utilisation(fablab, at(1, 0).date(), at(1, 0).date())
    assert row.booked_hours == 2 * 12


# --- Pages ------------------------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_teacher_books_the_lab_on_its_page_sees_it_and_cancels_it(
    laser: Equipment, workstations: Equipment, fablab: Lab, teacher: Any, lab_manager: Any
) -> None:
    client = _client(teacher)
    page = client.get("/labs/fablab/").content.decode()
    assert 'action="/labs/fablab/book/"' in page
    day = f"{at(2, 0).date():%Y-%m-%d}"
    services.book(laser, actor=lab_manager, starts_at=at(2, 15), ends_at=at(2, 16), purpose="lesson")
    refused = client.post("/labs/fablab/book/", {"day": day, "start": "15:00", "end": "17:00", "note": "7 «А»"})
    body = refused.content.decode()
    assert refused.status_code == 400 and "Лазерный станок" in body and 'value="7 «А»"' in body
    done = client.post("/labs/fablab/book/", {"day": day, "start": "16:00", "end": "18:00", "note": "7 «А»"})
    assert done.status_code == 302 and done.url == "/labs/my/"
    lesson = Booking.objects.get(lab=fablab)
    mine = client.get("/labs/my/").content.decode()
    assert _ru("The whole lab") in mine and f"/labs/bookings/{lesson.pk}/cancel/" in mine
    week = client.get(f"/labs/fablab/week/?week={at(2, 0).date():%Y-%m-%d}").content.decode()
    assert "16:00–18:00" in week and _ru("The whole lab") in week
    assert client.post(f"/labs/bookings/{lesson.pk}/cancel/").status_code == 302
    assert _free_everywhere([workstations], at(2, 16), at(2, 18))


def test_a_student_sees_no_lab_form_and_may_not_post_one(workstations: Equipment, make_user: Any) -> None:
    client = _client(make_user("pupil.lab@example.test", "student"))
    assert "/labs/fablab/book/" not in client.get("/labs/fablab/").content.decode()
    day = f"{at(2, 0).date():%Y-%m-%d}"
    assert client.post("/labs/fablab/book/", {"day": day, "start": "10:00", "end": "11:00"}).status_code == 403
    assert not Booking.objects.exists()


def test_a_weekly_lab_series_through_the_page_names_the_holiday(workstations: Equipment, teacher: Any) -> None:
    holiday = at(14, 0).date()
    ClosedDay.objects.create(date=holiday, reason_ru="Праздник")
    form = {"day": f"{at(7, 0).date():%Y-%m-%d}", "start": "15:00", "end": "16:30",
            "weekly_until": f"{at(35, 0).date():%Y-%m-%d}"}  # fmt: skip
    refused = _client(teacher).post("/labs/fablab/book/", form)
    assert refused.status_code == 400 and f"{holiday:%d.%m.%Y}" in refused.content.decode()
    assert not Booking.objects.exists()


# --- API --------------------------------------------------------------------------------------------------


def _post(user: Any, payload: dict[str, Any]) -> Any:
    return _client(user).post("/api/v1/bookings", payload, content_type="application/json")


def test_the_api_books_a_lab_by_its_code_and_refuses_with_the_rule(
    laser: Equipment, workstations: Equipment, teacher: Any, lab_manager: Any, make_user: Any
) -> None:
    span = {"starts_at": at(2, 10).isoformat(), "ends_at": at(2, 12).isoformat()}
    created = _post(teacher, {"lab": "fablab", **span, "note": "Кружок"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["lab"] == "fablab" and body["equipment_id"] is None and body["purpose"] == "lesson"
    again = _post(lab_manager, {"lab": "fablab", **span})
    assert again.status_code == 409 and again.json()["code"] == "overlap"
    machine = _post(lab_manager, {"equipment": laser.pk, "purpose": "lesson", **span})
    assert machine.status_code == 409
    both = _post(teacher, {"lab": "fablab", "equipment": laser.pk, **span})
    assert both.status_code == 400 and both.json()["code"] == "equipment_or_lab"
    assert _post(make_user("api.pupil@example.test", "student"), {"lab": "fablab", **span}).status_code == 403
    weekly = _post(
        teacher,
        {"lab": "fablab", "starts_at": at(7, 15).isoformat(), "ends_at": at(7, 17).isoformat(),
         "weekly_until": f"{at(21, 0).date():%Y-%m-%d}"},
    )  # fmt: skip
    assert weekly.status_code == 201 and len(weekly.json()["series_ids"]) == 3
    assert _post(teacher, {"lab": "no-such-lab", **span}).status_code == 404


def test_the_availability_of_a_machine_shows_the_lesson_in_the_whole_lab(
    workstations: Equipment, fablab: Lab, teacher: Any
) -> None:
    services.book_lab(fablab, actor=teacher, starts_at=at(2, 10), ends_at=at(2, 12))
    answer = (
        Client()
        .get(
            f"/api/v1/equipment/{workstations.pk}/availability",
            {"starts_at": at(2, 9).isoformat(), "ends_at": at(2, 13).isoformat()},
        )
        .json()
    )
    assert answer["free_units"] == 0 and [held["units"] for held in answer["held"]] == [12]
    assert timezone.localtime(dt.datetime.fromisoformat(answer["held"][0]["starts_at"])).hour == 10


def test_the_teacher_is_told_by_email_and_staff_pages_show_the_lesson_in_the_whole_lab(
    laser: Equipment, fablab: Lab, teacher: Any, lab_manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lesson = services.book_lab(fablab, actor=teacher, starts_at=at(2, 10), ends_at=at(2, 12))
    [message] = [m for m in mail.outbox if teacher.email in m.to]
    assert fablab.name in message.subject and fablab.name in message.body
    staff = _client(lab_manager)
    assert fablab.name in staff.get("/staff/labs/").content.decode()
    assert staff.get(f"/staff/labs/bookings/{lesson.pk}/use/").status_code == 200
    preview = staff.post(
        f"/staff/labs/equipment/{laser.pk}/",
        {"form": "maintenance", "day": f"{at(2, 0).date():%Y-%m-%d}", "start": "11:00", "end": "13:00",
         "note": "Линза"},
    )  # fmt: skip
    assert preview.status_code == 200 and teacher.email in preview.content.decode()
    staff.post(
        f"/staff/labs/equipment/{laser.pk}/",
        {"form": "maintenance", "day": f"{at(2, 0).date():%Y-%m-%d}", "start": "11:00", "end": "13:00",
         "note": "Линза", "confirm": "1"},
    )  # fmt: skip
    lesson.refresh_from_db()
    assert lesson.status == "cancelled" and not lesson.held_units.filter(active=True).exists()
