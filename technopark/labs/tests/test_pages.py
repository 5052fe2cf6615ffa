"""The labs' pages: public lab and equipment pages with week calendars (names only for staff and
teachers), booking through the form with the service's reasons, a weekly series' conflict report, the
teacher's approval, the search, and the lab manager's status, maintenance, authorisation and use pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from technopark.labs import services
from technopark.labs.models import Authorisation, Booking, ClosedDay, Equipment
from technopark.labs.tests.conftest import at
from technopark.network import services as network_services
from technopark.network.models import District
from technopark.people import services as people_services


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _school_with_people(make_user: Any) -> tuple[Any, Any, Any, Any]:
    school = network_services.create_institution(
        actor=None, full_name="ГУО «Гимназия № 5»", short_name="Гимназия № 5", kind="gymnasium",
        district=District.objects.get(code="frunzensky"), cluster_role="base",
    )  # fmt: skip
    teacher_login = make_user("teacher.lab@example.test", "teacher", last_name="Ковалёва", first_name="Анна")
    teacher = people_services.ensure_own_person(teacher_login)
    people_services.set_affiliation(teacher, school, kind="teacher", actor=None)
    student_login = make_user("student.lab@example.test", "student")
    born = timezone.localdate() - dt.timedelta(days=17 * 366)
    student = people_services.add_student(
        school, actor=None, last_name="Кулибин", first_name="Иван", birth_date=born, grade=11
    )
    student.user = student_login
    student.save()
    return school, teacher_login, student_login, student


def test_public_pages_show_labs_equipment_and_busy_times_without_names(
    laser: Equipment, workstations: Equipment, lab_manager: Any, make_user: Any
) -> None:
    person = people_services.create_person(
        actor=None, last_name="Секретов", first_name="Иван", birth_date=dt.date(1990, 1, 1)
    )
    services.grant_authorisation(person, actor=lab_manager, kind="laser_cutter", months=12)
    services.book(laser, actor=lab_manager, starts_at=at(1, 10), ends_at=at(1, 11), purpose="project", person=person)
    public = _client()
    assert "Лаборатория инновационных технологий" in public.get("/labs/").content.decode()
    page = public.get("/labs/fablab/").content.decode()
    assert "Лазерный станок" in page and "Рабочая станция" in page
    week = public.get(f"/labs/fablab/week/?week={at(1, 0).date():%Y-%m-%d}").content.decode()
    assert "10:00–11:00" in week and "Секретов" not in week
    teacher = _client(make_user("t.week@example.test", "teacher"))
    assert "Секретов" in teacher.get(f"/labs/fablab/week/?week={at(1, 0).date():%Y-%m-%d}").content.decode()
    detail = public.get(f"/labs/equipment/{laser.pk}/")
    assert detail.status_code == 200 and "Войдите" in detail.content.decode()


def test_a_student_books_through_the_form_and_the_teacher_approves(
    laser: Equipment, lab_manager: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _school, teacher_login, student_login, student = _school_with_people(make_user)
    teacher = teacher_login.person
    client = _client(student_login)
    form = {
        "purpose": "project", "day": f"{at(2, 0).date():%Y-%m-%d}", "start": "10:00", "end": "11:00",
        "person": student.pk, "supervisor": teacher.pk, "note": "Корпус для робота",
    }  # fmt: skip
    refused = client.post(f"/labs/equipment/{laser.pk}/book/", form)
    body = refused.content.decode()
    assert refused.status_code == 400 and "инструктаж" in body and 'value="Корпус для робота"' in body
    assert f'<option value="{teacher.pk}" selected>' in body  # the choices made stay chosen
    services.grant_authorisation(student, actor=lab_manager, kind="laser_cutter", months=12)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/labs/equipment/{laser.pk}/book/", form)
    assert done.status_code == 302 and done.url == "/labs/my/"
    booking = Booking.objects.get()
    assert booking.status == "pending_approval" and booking.supervisor == teacher
    teacher_page = _client(teacher_login).get("/labs/my/").content.decode()
    assert "Кулибин" in teacher_page and "Подтвердить" in teacher_page
    assert client.post(f"/labs/bookings/{booking.pk}/decide/", {"decision": "approve"}).status_code == 403
    decided = _client(teacher_login).post(f"/labs/bookings/{booking.pk}/decide/", {"decision": "approve"}, follow=True)
    assert "Решение принято: подтверждена." in decided.content.decode()  # the new status, not the old one
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert "Лазерный станок" in client.get("/labs/my/").content.decode()


def test_a_teacher_books_a_term_weekly_and_sees_the_conflicting_holiday(
    workstations: Equipment, make_user: Any
) -> None:
    teacher = make_user("term.page@example.test", "teacher")
    holiday = at(14, 0).date()
    ClosedDay.objects.create(date=holiday, reason_ru="Праздник")
    client = _client(teacher)
    form = {
        "purpose": "lesson", "day": f"{at(7, 0).date():%Y-%m-%d}", "start": "15:00", "end": "16:30", "units": 10,
        "weekly_until": f"{at(35, 0).date():%Y-%m-%d}",
    }  # fmt: skip
    refused = client.post(f"/labs/equipment/{workstations.pk}/book/", form)
    assert refused.status_code == 400 and f"{holiday:%d.%m.%Y}" in refused.content.decode()
    assert not Booking.objects.exists()
    ClosedDay.objects.all().delete()
    assert client.post(f"/labs/equipment/{workstations.pk}/book/", form).status_code == 302
    assert Booking.objects.filter(units=10, status="confirmed").count() == 5


def test_the_search_lists_free_equipment_with_starts(fablab: Any) -> None:
    Equipment.objects.create(lab=fablab, kind="printer_3d", name="Принтер Б", inventory_number="P-B")
    day = at(3, 0).date()
    page = _client().get(
        "/labs/search/", {"kind": "printer_3d", "day": f"{day:%Y-%m-%d}", "hours": "2", "after": "14:00",
                          "before": "20:00", "units": 1},
    ).content.decode()  # fmt: skip
    assert "Принтер Б" in page and "14:00" in page and "18:00" in page


def test_lab_managers_block_for_maintenance_after_seeing_the_bookings_in_the_way(
    laser: Equipment, lab_manager: Any, make_user: Any
) -> None:
    teacher = make_user("in.the.way@example.test", "teacher")
    booking = services.book(laser, actor=teacher, starts_at=at(2, 10), ends_at=at(2, 11), purpose="lesson")
    staff = _client(lab_manager)
    form = {"form": "maintenance", "day": f"{at(2, 0).date():%Y-%m-%d}", "start": "09:00", "end": "13:00",
            "note": "Замена линзы"}  # fmt: skip
    preview = staff.post(f"/staff/labs/equipment/{laser.pk}/", form)
    assert preview.status_code == 200 and "in.the.way@example.test" in preview.content.decode()
    booking.refresh_from_db()
    assert booking.status == "confirmed"  # nothing happens before staff confirm
    staff.post(f"/staff/labs/equipment/{laser.pk}/", {**form, "confirm": "1"})
    booking.refresh_from_db()
    assert booking.status == "cancelled" and Booking.objects.filter(purpose="maintenance").count() == 1
    staff.post(f"/staff/labs/equipment/{laser.pk}/", {"form": "status", "status": "maintenance", "note": "Линза"})
    laser.refresh_from_db()
    assert laser.status == "maintenance"
    assert _client(teacher).get(f"/staff/labs/equipment/{laser.pk}/").status_code == 403


def test_lab_managers_grant_and_revoke_authorisations_and_record_use(
    workstations: Equipment, lab_manager: Any, make_user: Any
) -> None:
    person = people_services.create_person(actor=None, last_name="Допускаемый", first_name="Иван")
    staff = _client(lab_manager)
    granted = staff.post("/staff/labs/authorisations/", {"person": person.pk, "kind": "cnc_mill", "months": 6})
    assert granted.status_code == 302
    authorisation = Authorisation.objects.get()
    assert "Допускаемый" in staff.get("/staff/labs/authorisations/").content.decode()
    staff.post(f"/staff/labs/authorisations/{authorisation.pk}/revoke/", {"reason": "Нарушение"})
    authorisation.refresh_from_db()
    assert authorisation.revoked_at is not None
    booking = services.book(
        workstations, actor=lab_manager, starts_at=at(1, 10), ends_at=at(1, 12), purpose="lesson", units=4
    )
    staff.post(f"/staff/labs/bookings/{booking.pk}/use/", {"used_from": "10:05", "used_until": "11:50",
                                                          "consumables": ""})  # fmt: skip
    booking.refresh_from_db()
    assert timezone.localtime(booking.used_from).strftime("%H:%M") == "10:05"
    page = staff.get(f"/staff/labs/fablab/utilisation/?month={at(1, 0).date():%Y-%m}").content.decode()
    assert "Рабочая станция" in page


def test_lab_managers_set_hours_days_and_equipment_up(fablab: Any, lab_manager: Any, workstations: Equipment) -> None:
    # A lesson on all twelve workstations, booked before the hours change.
    services.book(workstations, actor=lab_manager, starts_at=at(1, 10), ends_at=at(1, 11), purpose="lesson", units=12)
    staff = _client(lab_manager)
    url = "/staff/labs/fablab/edit/"
    bad = staff.post(url, {"form": "hours", "hours": "1 09:00-20:00\nвторник с утра"})
    assert bad.status_code == 400 and "Строка 2" in bad.content.decode() and "вторник с утра" in bad.content.decode()
    staff.post(url, {"form": "hours", "hours": "1 09:00-13:00\n1 14:00-20:00\n6 10:00-16:00"})
    assert [(h.weekday, f"{h.opens:%H}", f"{h.closes:%H}") for h in fablab.hours.all()] == [
        (0, "09", "13"), (0, "14", "20"), (5, "10", "16"),
    ]  # fmt: skip
    holiday = at(10, 0).date()
    staff.post(url, {"form": "day", "date": f"{holiday:%Y-%m-%d}", "reason_ru": "Праздник", "all_labs": "on"})
    assert "Праздник" in _client().get("/labs/computer_centre/").content.decode()
    created = staff.post(
        "/staff/labs/equipment/new/",
        {"lab": fablab.pk, "kind": "cnc_mill", "name": "Фрезер", "inventory_number": "FL-CNC-9", "units": 1,
         "min_age": 16, "requires_authorisation": "on", "description": ""},
    )  # fmt: skip
    assert created.status_code == 302 and "Фрезер" in _client().get("/labs/fablab/").content.decode()
    shrink = staff.post(
        f"/staff/labs/equipment/{workstations.pk}/edit/",
        {"lab": fablab.pk, "kind": "workstation", "name": workstations.name, "inventory_number": "FL-WS", "units": 8,
         "description": ""},
    )  # fmt: skip
    assert shrink.status_code == 400 and "12" in shrink.content.decode()
    workstations.refresh_from_db()
    assert workstations.units == 12
    lab_manager.first_name, lab_manager.last_name = "Андрей", "Лис"
    lab_manager.save()
    described = staff.post(
        url, {"form": "lab", "name_ru": fablab.name_ru, "description_ru": "Мастерская цифрового производства.",
              "room": "каб. 105", "staff": [lab_manager.pk], "photo_alt": ""},
    )  # fmt: skip
    assert described.status_code == 302
    page = _client().get("/labs/fablab/").content.decode()
    assert "Мастерская цифрового производства" in page and "Лис" in page and "каб. 105" in page
    renamed = staff.post(
        url,
        {"form": "lab", "name_ru": "Новое имя", "description_ru": "", "room": "", "staff": [999_999], "photo_alt": ""},
    )  # a name typed, and a member of staff who is not there
    assert renamed.status_code == 400 and 'value="Новое имя"' in renamed.content.decode()  # what was typed is kept
    assert f"<h1>{fablab.name_ru}</h1>" in renamed.content.decode()  # the heading is what is saved


def test_the_cached_week_shows_a_new_booking_at_the_next_request(
    laser: Equipment, lab_manager: Any, django_assert_num_queries: Any
) -> None:
    url = f"/labs/fablab/week/?week={at(1, 0).date():%Y-%m-%d}"
    assert "10:00–11:00" not in _client().get(url).content.decode()
    with django_assert_num_queries(0):
        _client().get(url)  # served from the cache
    services.book(laser, actor=lab_manager, starts_at=at(1, 10), ends_at=at(1, 11), purpose="lesson")
    assert "10:00–11:00" in _client().get(url).content.decode()


@pytest.mark.parametrize(
    ("prefix", "name"), [("/en", "Computer centre"), ("/be", "Камп'ютарны цэнтр"), ("", "Компьютерный центр")]
)
def test_lab_names_in_the_search_form_follow_the_page_language(db: Any, prefix: str, name: str) -> None:
    page = _client().get(f"{prefix}/labs/search/").content.decode()
    assert f">{escape(name)}</option>" in page
