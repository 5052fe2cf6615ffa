"""Trainings: places never beyond capacity, the instructor's mark grants (or takes back) the authorisation,
and holders hear before it expires, once."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from technopark.core.errors import ConflictError
from technopark.labs import selectors, services
from technopark.labs.models import Authorisation, Training, TrainingSeat
from technopark.labs.tests.conftest import at
from technopark.people import services as people_services


def _person(name: str, email: str = "") -> Any:
    born = timezone.localdate() - dt.timedelta(days=17 * 366)
    return people_services.create_person(actor=None, last_name=name, first_name="Иван", birth_date=born, email=email)


@pytest.fixture
def session(fablab: Any, lab_manager: Any) -> Any:
    training = Training.objects.create(kind="laser_cutter", title_ru="Инструктаж: лазерный станок", valid_months=6)
    return services.schedule_training(
        training, actor=lab_manager, lab=fablab, starts_at=at(3, 16), ends_at=at(3, 17), capacity=2
    )


def test_places_run_out_and_a_person_takes_one_place(session: Any, lab_manager: Any) -> None:
    first, second, third = _person("Первый"), _person("Второй"), _person("Третий")
    services.register_for_training(session, first, actor=lab_manager)
    with pytest.raises(ConflictError):
        services.register_for_training(session, first, actor=lab_manager)
    services.register_for_training(session, second, actor=lab_manager)
    with pytest.raises(services.TrainingError) as full:
        services.register_for_training(session, third, actor=lab_manager)
    assert full.value.code == "training_full"
    seat = TrainingSeat.objects.get(person=second)
    services.cancel_training_seat(seat, actor=lab_manager)
    services.register_for_training(session, third, actor=lab_manager)


def test_a_place_marked_meanwhile_is_not_cancelled_from_a_page_read_before(session: Any, lab_manager: Any) -> None:
    """The cancellation reads the seat under its lock: the instructor's mark is never overwritten."""
    person = _person("Успевший")
    seat = services.register_for_training(session, person, actor=lab_manager)
    read_before = TrainingSeat.objects.get(pk=seat.pk)
    services.mark_training(seat, actor=lab_manager, passed=True)
    with pytest.raises(ConflictError):
        services.cancel_training_seat(read_before, actor=lab_manager)
    seat.refresh_from_db()
    assert seat.status == TrainingSeat.Status.PASSED
    assert selectors.is_authorised(person, "laser_cutter", at(3, 0).date())


def test_passing_grants_the_authorisation_from_the_day_of_the_training(session: Any, lab_manager: Any) -> None:
    person = _person("Ученик")
    seat = services.register_for_training(session, person, actor=lab_manager)
    granted = services.mark_training(seat, actor=lab_manager, passed=True)
    day = at(3, 0).date()
    assert granted is not None and granted.kind == "laser_cutter" and granted.granted_at == day
    assert selectors.is_authorised(person, "laser_cutter", day + dt.timedelta(days=150))
    assert services.mark_training(seat, actor=lab_manager, passed=True) == granted  # no second one
    services.mark_training(seat, actor=lab_manager, passed=False)  # a corrected mark takes it back
    assert not selectors.is_authorised(person, "laser_cutter", day)


def test_the_roster_page_marks_and_the_public_page_signs_up(session: Any, lab_manager: Any, make_user: Any) -> None:
    login = make_user("trainee@example.test", "student")
    me = _person("Стажёр")
    me.user = login
    me.save()
    client = Client()
    client.force_login(login)
    page = client.get("/labs/trainings/").content.decode()
    assert "Инструктаж: лазерный станок" in page
    assert client.post(f"/labs/trainings/{session.pk}/register/", {"person": me.pk}).status_code == 302
    seat = TrainingSeat.objects.get(person=me)
    staff = Client()
    staff.force_login(lab_manager)
    assert "Стажёр" in staff.get(f"/staff/labs/trainings/{session.pk}/").content.decode()
    staff.post(f"/staff/labs/trainings/{session.pk}/", {"seat": seat.pk, "result": "passed"})
    assert Authorisation.objects.filter(person=me, kind="laser_cutter").exists()
    other = _person("Чужой")
    assert client.post(f"/labs/trainings/{session.pk}/register/", {"person": other.pk}).status_code == 302
    assert not TrainingSeat.objects.filter(person=other).exists()  # not among whom the user may sign up


def test_holders_hear_two_weeks_before_the_authorisation_ends_once(lab_manager: Any) -> None:
    soon = _person("Скоро", email="soon@example.test")
    later = _person("Нескоро", email="later@example.test")
    renewed = _person("Продлённый", email="renewed@example.test")
    today = timezone.localdate()
    for person, start in (
        (soon, today - dt.timedelta(days=170)),
        (later, today),
        (renewed, today - dt.timedelta(days=170)),
    ):
        services.grant_authorisation(person, actor=lab_manager, kind="printer_3d", months=6, day=start)
    services.grant_authorisation(renewed, actor=lab_manager, kind="printer_3d", months=6)
    mail.outbox.clear()
    call_command("send_authorisation_reminders", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["soon@example.test"]]
    assert services.send_expiry_reminders() == 0  # the next day's run: not again
