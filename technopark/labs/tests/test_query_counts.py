"""Query counts of the labs' hot paths, at two data sizes, with the cache on as in production
(PAGE_CACHE, `core.cache`): a refused booking, a booking made, a signed-in week calendar and a teacher's equipment page
with the booking form. Each count stays the same whatever the number of bookings, days with other hours or
a school's students."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from technopark.core.errors import ConflictError
from technopark.labs import services
from technopark.labs.models import ClosedDay, Equipment, Lab
from technopark.labs.tests.conftest import at
from technopark.network import services as network_services
from technopark.network.models import District
from technopark.people import services as people_services


@pytest.fixture
def cached(settings: Any) -> Any:
    assert settings.PAGE_CACHE  # on in the test settings, as in production


def _busy(lab: Lab, lab_manager: Any, count: int) -> Equipment:
    """``count`` machines of ``lab``, each booked on the day after tomorrow, and as many days with other
    hours (a year of holidays) ahead."""
    machines = [
        Equipment.objects.create(lab=lab, kind="printer_3d", name=f"Принтер {i}", inventory_number=f"QC-{count}-{i}")
        for i in range(count)
    ]
    for machine in machines:
        services.book(machine, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 12), purpose="lesson")
    ClosedDay.objects.bulk_create(
        ClosedDay(lab=lab, date=at(30 + i, 0).date(), reason_ru="Санитарный день") for i in range(count)
    )
    return machines[0]


@pytest.mark.parametrize("size", [2, 20])
def test_a_refused_booking_costs_the_same_few_queries_however_busy_the_lab(
    fablab: Lab, lab_manager: Any, cached: Any, size: int, django_assert_num_queries: Any
) -> None:
    machine = _busy(fablab, lab_manager, size)
    # The lab's hours and days with other hours (a rule reads the database, never the cache), the held units;
    # no lock.
    with django_assert_num_queries(3), pytest.raises(ConflictError):
        services.book(machine, actor=lab_manager, starts_at=at(2, 11), ends_at=at(2, 13), purpose="lesson")


@pytest.mark.parametrize("size", [2, 20])
def test_a_booking_checks_the_rules_once(
    fablab: Lab, lab_manager: Any, cached: Any, size: int, django_assert_num_queries: Any
) -> None:
    machine = _busy(fablab, lab_manager, size)
    # Hours, days with other hours, held units, then in the transaction: the lock (after its timeout, on
    # PostgreSQL: `core.locking`), held units again, the booking, its unit, the audit record. No shared row
    # is written: the cache's scopes change after the commit (`core.cache`).
    lock_timeout = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(10 + lock_timeout):  # and the test's savepoint around the transaction
        services.book(machine, actor=lab_manager, starts_at=at(2, 14), ends_at=at(2, 16), purpose="lesson")


def _teacher_with_students(make_user: Any, count: int) -> Any:
    school = network_services.create_institution(
        actor=None, full_name=f"ГУО «Школа № {count}»", short_name=f"Школа № {count}", kind="school",
        district=District.objects.get(code="frunzensky"), cluster_role="base",
    )  # fmt: skip
    login = make_user(f"teacher.{count}@example.test", "teacher", last_name="Учитель", first_name="Анна")
    people_services.set_affiliation(people_services.ensure_own_person(login), school, kind="teacher", actor=None)
    born = timezone.localdate() - dt.timedelta(days=14 * 366)
    for i in range(count):
        people_services.add_student(
            school, actor=None, last_name=f"Ученик{i:03d}", first_name="Иван", birth_date=born, grade=8
        )
    return login


@pytest.mark.parametrize("size", [2, 20])
def test_a_teachers_week_and_equipment_page_do_not_grow_with_bookings_or_students(
    fablab: Lab, lab_manager: Any, make_user: Any, cached: Any, size: int, django_assert_num_queries: Any,
    monkeypatch: Any,
) -> None:  # fmt: skip
    machine = _busy(fablab, lab_manager, size)
    client = Client()
    client.force_login(_teacher_with_students(make_user, size))
    week = f"?week={at(2, 0).date():%Y-%m-%d}"
    client.get(f"/labs/fablab/week/{week}")  # composes and keeps the week
    # The session, the user with their roles (`accounts.backends`); the lab and its week are kept (no
    # bookings read, no hours).
    with django_assert_num_queries(2):
        page = client.get(f"/labs/fablab/week/{week}")
    assert page.content.decode().count("10:00–12:00") == size
    client.get(f"/labs/equipment/{machine.pk}/{week}")
    # The session, the user with their roles; the machine and its week are kept; the status history is staff's.
    with django_assert_num_queries(2):
        page = client.get(f"/labs/equipment/{machine.pk}/{week}")
    assert 'hx-get="/labs/equipment/' in page.content.decode()  # the form comes in its own request
    # The form: the machine, the session, the user with their roles; own record and children (ids, then
    # rows); the lab's hours and days with other hours (the form starts on a day the lab is open). A teacher
    # books outright (no approving teachers to list).
    with django_assert_num_queries(7):
        form = client.get(f"/labs/equipment/{machine.pk}/book/", headers={"HX-Request": "true"})
    assert 'id="id_person_q"' in form.content.decode()
    assert "Ученик000" not in form.content.decode()  # the school's list is searched, not printed


def test_a_teacher_finds_a_student_by_surname_and_books_for_them(
    laser: Equipment, lab_manager: Any, make_user: Any
) -> None:
    teacher = _teacher_with_students(make_user, 3)
    client = Client()
    client.force_login(teacher)
    found = client.get("/labs/people/", {"person_q": "ученик001"}).content.decode()
    assert "Ученик001 Иван" in found and "Ученик002" not in found and "selected" in found
    assert "Ученик" not in client.get("/labs/people/", {"person_q": "у"}).content.decode()
    stranger = Client()
    stranger.force_login(make_user("other.parent@example.test", "guardian"))
    assert "Ученик" not in stranger.get("/labs/people/", {"person_q": "ученик"}).content.decode()


@pytest.mark.parametrize("size", [2, 20])
def test_a_teachers_lab_page_reads_what_is_free_in_one_query_however_many_machines(
    fablab: Lab, lab_manager: Any, make_user: Any, cached: Any, size: int, django_assert_num_queries: Any
) -> None:
    _busy(fablab, lab_manager, size)
    fablab.hours.update(opens=dt.time(0), closes=dt.time(23, 59, 59))  # open now, whatever the hour of the test
    client = Client()
    client.force_login(make_user("lab.page@example.test", "teacher"))
    client.get("/labs/fablab/")
    # The lab with its hours and staff (3), the session, the user with their roles, the equipment, today's
    # hours and days with other hours, what of it is held in the next hour, the days with other hours ahead.
    with django_assert_num_queries(10):
        page = client.get("/labs/fablab/")
    assert (
        page.content.decode().count("/labs/equipment/") == size
        and 'action="/labs/fablab/book/"' in page.content.decode()
    )


@pytest.mark.parametrize("size", [2, 20])
def test_the_apis_availability_of_a_range_is_kept_until_the_next_booking(
    fablab: Lab, lab_manager: Any, cached: Any, size: int, django_assert_num_queries: Any
) -> None:
    machine = _busy(fablab, lab_manager, size)
    day = at(2, 0).date()
    url = f"/api/v1/equipment/{machine.pk}/availability?starts_at={day.isoformat()}T00:00:00%2B03:00"
    client = Client()
    first = client.get(url).json()
    assert first["free_units"] == 0 and len(first["held"]) == 1
    with django_assert_num_queries(1):  # the equipment; the answer is kept for the same range
        assert client.get(url).json() == first
    services.cancel_booking(machine.bookings.get(), actor=lab_manager, any_time=True)
    again = client.get(url).json()
    assert again["free_units"] == 1 and again["held"] == []


def test_a_kept_machine_shows_its_new_status_after_a_change(
    fablab: Lab, lab_manager: Any, make_user: Any, cached: Any
) -> None:
    machine = Equipment.objects.create(lab=fablab, kind="printer_3d", name="Принтер К", inventory_number="K-1")
    client = Client()
    client.force_login(make_user("kept.teacher@example.test", "teacher"))
    assert "Работает" in client.get(f"/labs/equipment/{machine.pk}/").content.decode()
    services.set_equipment_status(machine, actor=lab_manager, status="maintenance", note="Замена сопла")
    assert "Техническое обслуживание" in client.get(f"/labs/equipment/{machine.pk}/").content.decode()
    assert client.get("/labs/equipment/999999/").status_code == 404


def test_a_kept_lab_shows_its_new_name_after_a_change(
    fablab: Lab, lab_manager: Any, make_user: Any, cached: Any
) -> None:
    client = Client()
    client.force_login(make_user("kept.lab@example.test", "teacher"))
    assert fablab.name_ru in client.get("/labs/fablab/week/").content.decode()
    services.update_lab(fablab, actor=lab_manager, name_ru="Фаблаб на втором этаже")
    assert "Фаблаб на втором этаже" in client.get("/labs/fablab/week/").content.decode()
    assert client.get("/labs/no-such-lab/week/").status_code == 404
