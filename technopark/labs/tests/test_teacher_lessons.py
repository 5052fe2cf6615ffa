"""A teacher books a term of lessons with the form's defaults (issue 14, item 2): the age rules are for the
children who use a machine, not the adult booking a lesson; a lesson series may run to the end of the school
year; the form starts on a day the lab is open."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from technopark.labs import services
from technopark.labs.models import Booking, ClosedDay, Equipment, Lab, OpeningHours
from technopark.labs.tests.conftest import at
from technopark.people import services as people_services


@pytest.fixture
def teacher(make_user: Any) -> Any:
    return make_user("term.teacher@example.test", "teacher", last_name="Ковалёва", first_name="Анна")


def test_a_teacher_without_a_birth_date_books_a_lesson_on_a_machine_for_twelve_and_over(
    laser: Equipment, teacher: Any
) -> None:
    own = people_services.ensure_own_person(teacher)
    assert own.birth_date is None and laser.min_age == 12
    lesson = services.book(laser, actor=teacher, starts_at=at(2, 10), ends_at=at(2, 11), purpose="lesson", person=own)
    assert lesson.status == "confirmed"


def test_a_student_still_meets_the_age_rule_for_project_work(laser: Equipment, make_user: Any) -> None:
    student = make_user("young@example.test", "student")
    person = people_services.ensure_own_person(student)
    with pytest.raises(services.BookingError) as refused:
        services.book(laser, actor=student, starts_at=at(2, 10), ends_at=at(2, 11), purpose="project", person=person)
    assert refused.value.code == "too_young"


def test_a_lesson_series_runs_to_the_end_of_the_school_year(
    workstations: Equipment, teacher: Any, settings: Any
) -> None:
    year_end = timezone.localdate() + dt.timedelta(days=170)
    settings.SCHOOL_YEAR_ENDS = f"{year_end:%m-%d}"
    series = services.book_weekly(
        workstations, actor=teacher, starts_at=at(1, 15), ends_at=at(1, 16), purpose="lesson", units=10,
        until=year_end,
    )  # fmt: skip
    assert len(series) == len(range(1, 171, 7)) and Booking.objects.filter(status="confirmed").count() == len(series)
    with pytest.raises(services.BookingError) as beyond:
        services.book(workstations, actor=teacher, starts_at=at(171, 15), ends_at=at(171, 16), purpose="lesson")
    assert beyond.value.code == "beyond_horizon" and f"{year_end:%d.%m.%Y}" in str(beyond.value.message)
    # Project work keeps the shorter horizon.
    assert services.HORIZON_DAYS < 150
    with pytest.raises(services.BookingError) as project:
        services.book(workstations, actor=teacher, starts_at=at(150, 15), ends_at=at(150, 16), purpose="project")
    assert project.value.code == "beyond_horizon"


def test_the_form_starts_on_the_next_day_the_lab_is_open(workstations: Equipment, fablab: Lab, teacher: Any) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    ClosedDay.objects.create(date=tomorrow, reason_ru="Санитарный день")
    OpeningHours.objects.filter(lab=fablab, weekday=(tomorrow + dt.timedelta(days=1)).weekday()).delete()
    client = Client()
    client.force_login(teacher)
    form = client.get(f"/labs/equipment/{workstations.pk}/book/").context["form"]
    assert form["day"].value() == tomorrow + dt.timedelta(days=2)
