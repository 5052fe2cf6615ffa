"""A booking that meets another at the same moment and loses is refused, never a 500 (decision 0009): a deadlock
between two writes of the same units is the overlap it is (409, "This time was just taken"), rows kept locked
beyond the lock timeout ask the person to try again (503 in the API, the message on the form), and any other
database fault stays a fault. PostgreSQL raises these; here their errors are raised where PostgreSQL would
(tests/test_booking_race.py makes a real deadlock)."""

from __future__ import annotations

from typing import Any

import psycopg.errors
import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from technopark.core import locking
from technopark.core.errors import ConflictError
from technopark.labs import services
from technopark.labs.models import Booking, Equipment
from technopark.labs.services import bookings
from technopark.labs.tests.conftest import at


def _database_error(cause: Exception) -> OperationalError:
    """What Django raises for a driver's error: its own class, the driver's error as the cause."""
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


def _raise(error: Exception) -> Any:
    def raising(*args: Any, **kwargs: Any) -> Any:
        raise error

    return raising


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _book_through_the_api(user: Any, laser: Equipment) -> Any:
    payload = {"equipment": laser.pk, "purpose": "lesson", "starts_at": at(2, 10).isoformat(),
               "ends_at": at(2, 11).isoformat()}  # fmt: skip
    return _client(user).post("/api/v1/bookings", payload, content_type="application/json")


def _book_through_the_form(user: Any, laser: Equipment) -> Any:
    form = {"purpose": "lesson", "day": f"{at(2, 0).date():%Y-%m-%d}", "start": "10:00", "end": "11:00"}
    return _client(user).post(f"/labs/equipment/{laser.pk}/book/", form)


def test_a_deadlock_while_holding_the_units_is_refused_as_the_overlap(
    laser: Equipment, lab_manager: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(bookings, "_hold", _raise(_database_error(psycopg.errors.DeadlockDetected("deadlock"))))
    with pytest.raises(ConflictError) as refused:
        services.book(laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 11), purpose="lesson")
    assert refused.value.code == "overlap"
    answer = _book_through_the_api(lab_manager, laser)
    assert answer.status_code == 409 and answer.json()["code"] == "overlap"
    page = _book_through_the_form(lab_manager, laser)
    with translation.override("ru"):
        assert page.status_code == 400 and gettext("This time was just taken; choose another.") in page.text
    assert not Booking.objects.exists()


def test_a_serialisation_failure_of_a_lesson_in_the_whole_lab_is_refused_as_the_overlap(
    laser: Equipment, make_user: Any, monkeypatch: Any
) -> None:
    teacher = make_user("collision.teacher@example.test", "teacher")
    monkeypatch.setattr(
        bookings, "_new_lab_booking", _raise(_database_error(psycopg.errors.SerializationFailure("serialise")))
    )
    with pytest.raises(ConflictError) as refused:
        services.book_lab(laser.lab, actor=teacher, starts_at=at(2, 10), ends_at=at(2, 11))
    assert refused.value.code == "overlap"


def test_another_database_fault_is_not_passed_off_as_an_overlap(
    laser: Equipment, lab_manager: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(bookings, "_hold", _raise(_database_error(psycopg.errors.DiskFull("could not extend file"))))
    with pytest.raises(OperationalError):
        services.book(laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 11), purpose="lesson")


def test_a_machine_kept_locked_beyond_the_timeout_asks_to_try_again(
    laser: Equipment, lab_manager: Any, monkeypatch: Any
) -> None:
    """The lock not granted in time (PostgreSQL's lock_timeout): 503 with Retry-After in the API, the message
    on the booking form, and nothing saved."""
    monkeypatch.setattr(locking, "for_update", _raise(_database_error(psycopg.errors.LockNotAvailable("timeout"))))
    with pytest.raises(locking.RowsBusy):
        services.book(laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 11), purpose="lesson")
    answer = _book_through_the_api(lab_manager, laser)
    assert answer.status_code == 503 and answer.json()["code"] == "busy" and answer["Retry-After"] == "1"
    page = _book_through_the_form(lab_manager, laser)
    assert page.status_code == 400
    with translation.override("ru"):
        assert str(locking.RowsBusy().message) in page.text
    assert not Booking.objects.exists()


def test_a_deadlock_anywhere_else_answers_try_again_in_the_api_not_a_500(
    laser: Equipment, lab_manager: Any, monkeypatch: Any
) -> None:
    booking = services.book(laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 11), purpose="lesson")
    monkeypatch.setattr(services, "cancel_booking", _raise(_database_error(psycopg.errors.DeadlockDetected("x"))))
    answer = _client(lab_manager).delete(f"/api/v1/bookings/{booking.pk}")
    assert answer.status_code == 503 and answer.json()["code"] == "busy"
    monkeypatch.setattr(services, "cancel_booking", _raise(_database_error(psycopg.errors.DiskFull("x"))))
    assert _client(lab_manager).delete(f"/api/v1/bookings/{booking.pk}").status_code == 500


def test_a_deadlock_behind_a_page_answers_try_again_not_a_500(
    laser: Equipment, lab_manager: Any, monkeypatch: Any
) -> None:
    """`core.middleware.WriteCollisionMiddleware`: the page in the user's language, 503, a link to try again."""
    booking = services.book(laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 11), purpose="lesson")
    monkeypatch.setattr(services, "cancel_booking", _raise(_database_error(psycopg.errors.DeadlockDetected("x"))))
    page = _client(lab_manager).post(f"/labs/bookings/{booking.pk}/cancel/")
    assert page.status_code == 503 and page["Retry-After"] == "1"
    with translation.override("ru"):
        assert str(locking.RowsBusy().message) in page.text
    assert f'href="/labs/bookings/{booking.pk}/cancel/"' in page.text
    monkeypatch.setattr(services, "cancel_booking", _raise(_database_error(psycopg.errors.DiskFull("x"))))
    with pytest.raises(OperationalError):  # a fault stays a fault (the test client raises what a 500 would hide)
        _client(lab_manager).post(f"/labs/bookings/{booking.pk}/cancel/")
