"""Who approves a student's project booking (issue 12, item 6): a teacher of the student's school or the labs'
staff, never the student themself nor a login without that link — named through the form or the API alike,
and checked again when the booking is decided."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from technopark.labs import services
from technopark.labs.models import Booking, Equipment
from technopark.labs.tests.conftest import at
from technopark.network import services as network_services
from technopark.network.models import District, Institution
from technopark.people import services as people_services


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _school(name: str) -> Institution:
    return network_services.create_institution(
        actor=None, full_name=f"ГУО «{name}»", short_name=name, kind="gymnasium",
        district=District.objects.get(code="frunzensky"), cluster_role="base",
    )  # fmt: skip


def _teacher_of(school: Institution, email: str, *roles: str, make_user: Any) -> Any:
    login = make_user(email, *roles, last_name="Ковалёва", first_name="Анна")
    teacher = people_services.ensure_own_person(login)
    people_services.set_affiliation(teacher, school, kind="teacher", actor=None)
    return teacher


@pytest.fixture
def school(db: Any) -> Institution:
    return _school("Гимназия № 5")


@pytest.fixture
def student(school: Institution, make_user: Any) -> Any:
    """A 17-year-old student of the school with a login (no guardian's consent needed)."""
    login = make_user("pupil.approver@example.test", "student")
    born = timezone.localdate() - dt.timedelta(days=17 * 366)
    person = people_services.add_student(
        school, actor=None, last_name="Кулибин", first_name="Иван", birth_date=born, grade=11
    )
    person.user = login
    person.save()
    return person


def _api_booking(user: Any, equipment: Equipment, supervisor: int | None) -> Any:
    payload = {
        "equipment": equipment.pk, "purpose": "project", "starts_at": at(2, 10).isoformat(),
        "ends_at": at(2, 11).isoformat(), "supervisor": supervisor,
    }  # fmt: skip
    return _client(user).post("/api/v1/bookings", payload, content_type="application/json")


def _form_booking(user: Any, equipment: Equipment, supervisor: int) -> Any:
    form = {
        "purpose": "project", "day": f"{at(2, 0).date():%Y-%m-%d}", "start": "10:00", "end": "11:00",
        "supervisor": supervisor,
    }  # fmt: skip
    return _client(user).post(f"/labs/equipment/{equipment.pk}/book/", form)


def test_a_student_cannot_name_themself_as_the_approver_through_the_api(workstations: Equipment, student: Any) -> None:
    refused = _api_booking(student.user, workstations, student.pk)
    assert refused.status_code == 400 and refused.json()["code"] == "supervisor_not_allowed"
    assert not Booking.objects.exists()


def test_a_student_cannot_name_themself_as_the_approver_through_the_form(workstations: Equipment, student: Any) -> None:
    refused = _form_booking(student.user, workstations, student.pk)
    assert refused.status_code == 400
    assert not Booking.objects.exists()


def test_the_api_takes_a_teacher_of_the_students_school_and_refuses_one_of_another(
    workstations: Equipment, student: Any, school: Institution, make_user: Any
) -> None:
    elsewhere = _teacher_of(_school("Лицей № 1"), "other.teacher@example.test", "teacher", make_user=make_user)
    refused = _api_booking(student.user, workstations, elsewhere.pk)
    assert refused.status_code == 400 and refused.json()["code"] == "supervisor_not_allowed"
    unknown = _api_booking(student.user, workstations, 999_999)
    assert unknown.status_code == 400 and unknown.json()["code"] == "supervisor_not_allowed"
    teacher = _teacher_of(school, "own.teacher@example.test", "teacher", make_user=make_user)
    created = _api_booking(student.user, workstations, teacher.pk)
    assert created.status_code == 201, created.content
    booking = Booking.objects.get()
    assert booking.status == "pending_approval" and booking.supervisor == teacher


def test_a_lab_manager_may_be_named_as_the_approver(workstations: Equipment, student: Any, make_user: Any) -> None:
    manager = people_services.ensure_own_person(make_user("approving.manager@example.test", "lab_manager"))
    created = _api_booking(student.user, workstations, manager.pk)
    assert created.status_code == 201, created.content


def test_a_teacher_without_the_teacher_role_is_neither_offered_nor_accepted(
    workstations: Equipment, student: Any, school: Institution, make_user: Any
) -> None:
    # Attached to the school as a teacher, but the login holds no teacher role (taken away, or never given).
    former = _teacher_of(school, "former.teacher@example.test", "guardian", make_user=make_user)
    form = _client(student.user).get(f"/labs/equipment/{workstations.pk}/book/").content.decode()
    assert f'value="{former.pk}"' not in form
    assert _form_booking(student.user, workstations, former.pk).status_code == 400
    with pytest.raises(services.BookingError) as refused:
        services.book(
            workstations, actor=student.user, starts_at=at(2, 10), ends_at=at(2, 11), purpose="project",
            person=student, supervisor=former,
        )  # fmt: skip
    assert refused.value.code == "supervisor_not_allowed"
    assert not Booking.objects.exists()


def test_a_wrongly_named_approver_cannot_approve(
    workstations: Equipment, student: Any, lab_manager: Any, make_user: Any
) -> None:
    # A booking left by the old rule, naming the student as their own approver.
    booking = Booking.objects.create(
        equipment=workstations, units=1, starts_at=at(2, 10), ends_at=at(2, 11), purpose="project",
        person=student, supervisor=student, status=Booking.Status.PENDING_APPROVAL, booked_by=student.user,
    )  # fmt: skip
    decided = _client(student.user).post(f"/labs/bookings/{booking.pk}/decide/", {"decision": "approve"})
    assert decided.status_code == 403
    with pytest.raises(services.BookingError) as refused:
        services.decide_booking(booking, actor=student.user, approve=True)
    assert refused.value.code == "not_the_approver"
    # A login named as the approver that is no teacher of the student's school cannot approve either.
    outsider = people_services.ensure_own_person(make_user("not.a.teacher@example.test", "guardian"))
    Booking.objects.filter(pk=booking.pk).update(supervisor=outsider)
    assert (
        _client(outsider.user).post(f"/labs/bookings/{booking.pk}/decide/", {"decision": "approve"}).status_code == 403
    )
    with pytest.raises(services.BookingError):
        services.decide_booking(booking, actor=outsider.user, approve=True)
    booking.refresh_from_db()
    assert booking.status == "pending_approval"
    services.decide_booking(booking, actor=lab_manager, approve=True)
    booking.refresh_from_db()
    assert booking.status == "confirmed"
