"""The labs in the browser: a student without an authorisation is refused, passes the safety training,
books the laser cutter, the teacher approves and the lab manager sees it on the lab's week; a teacher
books 10 of 12 workstations weekly for a term and gets the conflict report for a holiday. The pages pass axe."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.e2e.conftest import PHONE
from tests.e2e.test_accessibility import assert_no_violations

pytestmark = [pytest.mark.e2e]


def _fablab():
    from technopark.labs.models import Equipment, Lab, OpeningHours

    lab = Lab.objects.get(code="fablab")
    OpeningHours.objects.bulk_create(
        OpeningHours(lab=lab, weekday=day, opens=dt.time(9), closes=dt.time(20)) for day in range(7)
    )
    laser = Equipment.objects.create(
        lab=lab, kind="laser_cutter", name="Лазерный станок", inventory_number="E2E-LC", requires_authorisation=True,
        min_age=14,
    )  # fmt: skip
    workstations = Equipment.objects.create(
        lab=lab, kind="workstation", name="Рабочие станции", inventory_number="E2E-WS", units=12
    )
    return lab, laser, workstations


def _people(make_user):
    from django.utils import timezone

    from technopark.network import services as network_services
    from technopark.network.models import District
    from technopark.people import services as people_services

    school = network_services.create_institution(
        actor=None, full_name="ГУО «Лицей № 2»", short_name="Лицей № 2", kind="lyceum",
        district=District.objects.get(code="sovetsky"), cluster_role="base",
    )  # fmt: skip
    teacher_login = make_user("mentor.e2e@example.test", "teacher", last_name="Гончарова", first_name="Вера")
    teacher = people_services.ensure_own_person(teacher_login)
    people_services.set_affiliation(teacher, school, kind="teacher", actor=None)
    born = timezone.localdate() - dt.timedelta(days=16 * 366 + 30)
    student = people_services.add_student(
        school, actor=None, last_name="Левша", first_name="Иван", birth_date=born, grade=10
    )
    student.user = make_user("levsha@example.test", "student")
    student.save()
    return teacher_login, student


def _day(days: int) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=days)


def test_a_student_passes_the_training_books_the_laser_and_the_teacher_approves(sign_in_browser, make_user) -> None:
    from django.utils import timezone

    from technopark.labs import services
    from technopark.labs.models import Booking, Training

    lab, laser, _ = _fablab()
    teacher_login, student = _people(make_user)
    manager = make_user("manager.e2e@example.test", "lab_manager")
    training = Training.objects.create(kind="laser_cutter", title_ru="Инструктаж: лазерный станок", valid_months=12)
    start = timezone.make_aware(dt.datetime.combine(_day(1), dt.time(16)))
    session = services.schedule_training(
        training, actor=manager, lab=lab, starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=6
    )
    day = _day(3)

    page = sign_in_browser(student.user, PHONE, has_touch=True, is_mobile=True)

    def book_laser() -> None:
        page.goto(f"/labs/equipment/{laser.pk}/")
        page.fill("#id_day", day.isoformat())
        page.fill("#id_start", "10:00")
        page.fill("#id_end", "11:00")
        page.select_option("#id_supervisor", str(teacher_login.person.pk))
        with page.expect_navigation():
            page.get_by_role("button", name="Забронировать").click()

    book_laser()
    assert "инструктаж" in page.locator(".form-errors, .errorlist").first.inner_text()
    assert not Booking.objects.exists()
    assert_no_violations(page)

    page.goto("/labs/trainings/")
    with page.expect_navigation():
        page.get_by_role("button", name="Записаться").first.click()
    desk = sign_in_browser(manager)
    desk.goto(f"/staff/labs/trainings/{session.pk}/")
    with desk.expect_navigation():
        desk.get_by_role("button", name=re.compile(r"^Сдал")).click()
    assert_no_violations(desk)

    book_laser()
    assert page.url.endswith("/labs/my/")
    booking = Booking.objects.get()
    assert booking.status == "pending_approval"

    mentor = sign_in_browser(teacher_login)
    mentor.goto("/labs/my/")
    assert "Левша" in mentor.locator("main").inner_text()
    with mentor.expect_navigation():
        mentor.get_by_role("button", name="Подтвердить").click()
    booking.refresh_from_db()
    assert booking.status == "confirmed"

    desk.goto(f"/labs/fablab/week/?week={day.isoformat()}")
    week = desk.locator(".week").inner_text()
    assert "10:00–11:00" in week and "Левша" in week
    assert_no_violations(desk)


def test_a_teacher_books_ten_workstations_weekly_and_gets_the_holidays_conflict(sign_in_browser, make_user) -> None:
    from technopark.labs.models import Booking, ClosedDay

    _lab, _laser, workstations = _fablab()
    teacher_login, _student = _people(make_user)
    first = _day(7)
    holiday = first + dt.timedelta(weeks=2)
    ClosedDay.objects.create(date=holiday, reason_ru="Государственный праздник")
    page = sign_in_browser(teacher_login)
    page.goto(f"/labs/equipment/{workstations.pk}/")
    page.check("input[name=purpose][value=lesson]")
    page.fill("#id_day", first.isoformat())
    page.fill("#id_start", "15:00")
    page.fill("#id_end", "16:30")
    page.fill("#id_units", "10")
    page.fill("#id_weekly_until", (first + dt.timedelta(weeks=8)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Забронировать").click()
    assert f"{holiday:%d.%m.%Y}" in page.locator("main").inner_text()
    assert not Booking.objects.exists()
    assert page.input_value("#id_units") == "10"  # what was typed stays
    assert_no_violations(page)


def test_a_teacher_books_the_whole_lab_by_keyboard_sees_what_is_in_the_way_then_books_it(
    sign_in_browser, make_user
) -> None:
    from django.utils import timezone

    from technopark.labs import services
    from technopark.labs.models import Booking

    lab, laser, _workstations = _fablab()
    teacher_login, _student = _people(make_user)
    manager = make_user("lab.lesson.e2e@example.test", "lab_manager")
    day = _day(4)
    services.book(
        laser, actor=manager, purpose="lesson",
        starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(15))),
        ends_at=timezone.make_aware(dt.datetime.combine(day, dt.time(16))),
    )  # fmt: skip
    page = sign_in_browser(teacher_login)

    def book(start: str, end: str) -> None:
        page.goto("/labs/fablab/")
        page.fill("#id_day", day.isoformat())
        page.fill("#id_start", start)
        page.fill("#id_end", end)
        page.fill("#id_note", "7 «А», лазерная резка")
        page.focus("#id_note")
        with page.expect_navigation():
            page.keyboard.press("Enter")  # the form is sent from the keyboard

    book("15:00", "17:00")
    errors = page.locator(".form-errors").inner_text()
    assert "Лазерный станок" in errors and "15:00–16:00" in errors
    assert not Booking.objects.filter(lab=lab).exists()
    assert_no_violations(page)

    book("16:00", "18:00")
    assert page.url.endswith("/labs/my/")
    assert Booking.objects.get(lab=lab).held_units.count() == 13
    assert "/labs/fablab/" in page.locator("main table").inner_html()
    assert_no_violations(page)


def test_a_teacher_finds_a_student_by_typing_the_surname_and_books_for_them(sign_in_browser, make_user) -> None:
    from technopark.labs.models import Booking

    _lab, _laser, workstations = _fablab()
    teacher_login, student = _people(make_user)
    page = sign_in_browser(teacher_login)
    page.goto(f"/labs/equipment/{workstations.pk}/")
    assert page.locator("#id_person option", has_text="Левша").count() == 0  # the school is not listed whole
    page.check("input[name=purpose][value=project]")
    page.fill("#id_day", _day(5).isoformat())
    page.fill("#id_start", "10:00")
    page.fill("#id_end", "11:00")
    page.fill("#id_units", "2")
    page.focus("#id_person_q")
    page.keyboard.type("левш")
    page.locator("#id_person option", has_text="Левша").wait_for(state="attached")
    assert page.input_value("#id_person") == str(student.pk)  # the first match is chosen
    assert page.locator("#person-search-status").inner_text().strip()  # announced to screen readers
    assert_no_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Забронировать").click()
    assert page.url.endswith("/labs/my/")
    assert Booking.objects.get().person == student
