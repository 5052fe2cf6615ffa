"""The services lock rows in the one global order of `core.locking.LOCK_ORDER` (decision 0009): within a
transaction, every row locked comes after the rows locked before it by (place of its model in the table, id).
Two transactions that both keep that order cannot deadlock. A row locked again is ignored (it is held already).

Each write below is one transaction in use; the recorder is emptied between them, since a test's own
transaction would otherwise hold all of them at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from technopark.core import locking

TODAY = timezone.localdate()


class OrderRecorder:
    """Wraps `core.locking.for_update`: records each lock as (rank, ids), refusing one out of order."""

    def __init__(self) -> None:
        self.held: set[tuple[int, int]] = set()
        self.locks: list[str] = []
        self.recording = False

    def start(self) -> None:
        """Record from now on: the write under test is one transaction."""
        self.held.clear()
        self.locks.clear()
        self.recording = True

    def __call__(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        if not self.recording:
            return original_for_update(rows)
        rank = locking.rank(rows.model)
        keys = {(rank, pk) for pk in rows.order_by().values_list("pk", flat=True)} - self.held
        if keys and self.held:
            assert min(keys) > max(self.held), f"{rows.model._meta.label} locked after {sorted(self.held)}"
        self.held |= keys
        self.locks.append(rows.model._meta.label)
        return original_for_update(rows)


original_for_update = locking.for_update


@pytest.fixture
def recorder(monkeypatch: Any) -> OrderRecorder:
    recording = OrderRecorder()
    monkeypatch.setattr(locking, "for_update", recording)
    return recording


def _at(days: int, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(days=days), dt.time(hour)))


def _labs() -> tuple[Any, Any, Any]:
    from technopark.labs.models import Equipment, Lab, OpeningHours

    lab = Lab.objects.get(code="fablab")
    OpeningHours.objects.bulk_create(
        OpeningHours(lab=lab, weekday=day, opens=dt.time(9), closes=dt.time(20)) for day in range(7)
    )
    laser = Equipment.objects.create(
        lab=lab, kind="laser_cutter", name="Лазер", inventory_number="LO-1", requires_authorisation=True
    )
    printer = Equipment.objects.create(lab=lab, kind="printer_3d", name="Принтер", inventory_number="LO-2")
    return lab, laser, printer


def _event(staff: Any, title: str, capacity: int | None = None) -> Any:
    from technopark.events import services

    event = services.create_event(
        actor=staff, title_ru=title, kind="contest", audience="students", level="city", format="in_person",
        venue_kind="lab", venue_lab="fablab", capacity=capacity,
    )  # fmt: skip
    day = TODAY + dt.timedelta(days=5)
    services.set_sessions(
        event, [{"starts_at": services.localise(day, dt.time(10)), "ends_at": services.localise(day, dt.time(12))}],
        actor=staff,
    )  # fmt: skip
    services.change_status(event, "published", actor=staff)
    services.change_status(event, "registration_open", actor=staff)
    return event


def _student() -> Any:
    from technopark.network import services as network_services
    from technopark.network.models import District
    from technopark.people import services as people_services

    school = network_services.create_institution(
        actor=None, full_name="Школа", short_name="Школа", kind="school",
        district=District.objects.get(code="frunzensky"), cluster_role="base",
    )  # fmt: skip
    return people_services.add_student(
        school, actor=None, last_name="Отменов", first_name="Иван", birth_date=dt.date(TODAY.year - 17, 1, 15)
    )


def test_a_consent_withdrawn_locks_the_consent_then_bookings_then_events_then_registrations(
    recorder: OrderRecorder, make_user: Any
) -> None:
    from technopark.events import services as event_services
    from technopark.labs import services as lab_services
    from technopark.people import services as people_services

    staff = make_user("order.staff@example.test", "methodologist", "lab_manager")
    text = people_services.create_consent_text(actor=None, purpose="participation", title_ru="С", body_ru="Т")
    people_services.publish_consent_text(text, actor=None)
    parent_login = make_user("order.parent@example.test", "guardian")
    parent = people_services.ensure_own_person(parent_login)
    child = people_services.create_person(
        actor=None, last_name="Порядков", first_name="Лев", birth_date=dt.date(TODAY.year - 13, 1, 15)
    )
    people_services.link_guardian(child, parent, actor=None)
    consent = people_services.give_consent(child, purpose="participation", giver=parent, actor=parent_login)
    _lab, laser, _printer = _labs()
    lab_services.grant_authorisation(child, actor=staff, kind="laser_cutter", months=12)
    for hour in (10, 12):
        lab_services.book(laser, actor=staff, starts_at=_at(2, hour), ends_at=_at(2, hour + 1), purpose="project",
                          person=child)  # fmt: skip
    second, first = _event(staff, "Второй"), _event(staff, "Первый")  # ids in the other order than registered
    for event in (first, second):
        event_services.register(event, actor=parent_login, form="individual", person=child)

    recorder.start()
    people_services.withdraw_consent(consent, actor=parent_login)
    assert recorder.locks[0] == "people.Consent"
    assert set(recorder.locks) == {"people.Consent", "labs.Booking", "events.Event", "events.Registration"}


def test_a_lesson_in_the_whole_lab_locks_the_lab_then_its_equipment(recorder: OrderRecorder, make_user: Any) -> None:
    from technopark.labs import services as lab_services

    teacher = make_user("order.teacher@example.test", "teacher")
    lab, _laser, _printer = _labs()
    recorder.start()
    lab_services.book_lab(lab, actor=teacher, starts_at=_at(3, 10), ends_at=_at(3, 11))
    assert recorder.locks == ["labs.Lab", "labs.Equipment"]


def test_a_cancellation_locks_the_event_then_the_registration(recorder: OrderRecorder, make_user: Any) -> None:
    from technopark.events import services as event_services

    staff = make_user("order.events@example.test", "methodologist")
    event = _event(staff, "Отмена")
    registration = event_services.register(event, actor=staff, form="individual", person=_student())
    recorder.start()
    event_services.cancel_registration(registration, actor=staff)
    assert recorder.locks == ["events.Event", "events.Registration"]


def test_revoking_an_administrator_locks_every_administrator_before_the_row_it_deletes(
    recorder: OrderRecorder, make_user: Any
) -> None:
    from technopark.accounts import services as account_services

    first = make_user("order.admin1@example.test", "administrator")
    make_user("order.admin2@example.test", "administrator")
    recorder.start()
    account_services.revoke_role(first, "administrator", actor=first)
    assert recorder.locks == ["accounts.RoleAssignment", "accounts.RoleAssignment"]


def test_the_recorder_refuses_a_lock_out_of_order(recorder: OrderRecorder, make_user: Any) -> None:
    """The check above can fail: a registration locked before its event is caught."""
    from django.db import transaction

    from technopark.events import services as event_services
    from technopark.events.models import Event, Registration

    staff = make_user("order.wrong@example.test", "methodologist")
    event = _event(staff, "Наоборот")
    registration = event_services.register(event, actor=staff, form="individual", person=_student())
    recorder.start()
    with transaction.atomic(), pytest.raises(AssertionError, match=r"events\.Event locked after"):
        locking.lock_row(Registration, registration.pk)
        locking.lock_row(Event, event.pk)
