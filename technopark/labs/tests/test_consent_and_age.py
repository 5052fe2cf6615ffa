"""Issue 12 in the labs: a child's own typing of a date of birth meets no machine's minimum age (item 1), and
when a child's consent to take part ends, their coming bookings of equipment that needs it are cancelled
and whoever booked is told (item 10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from technopark.core.models import AuditLog
from technopark.labs import services
from technopark.labs.models import Booking, Equipment
from technopark.labs.tests.conftest import at
from technopark.people import services as people_services

TODAY = timezone.localdate()


def _born(years: int) -> dt.date:
    return dt.date(TODAY.year - years, TODAY.month, min(TODAY.day, 28))


def test_a_date_of_birth_the_child_typed_meets_no_minimum_age(
    laser: Equipment, make_user: Any, lab_manager: Any
) -> None:
    login = make_user("young.maker@example.test", "student")
    child = people_services.ensure_own_person(login)
    people_services.update_person(child, actor=login, birth_date=_born(20))
    child.refresh_from_db()
    services.grant_authorisation(child, actor=lab_manager, kind="laser_cutter", months=12)
    with pytest.raises(services.BookingError) as refused:
        services.book(laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 11), purpose="project", person=child)
    assert refused.value.code == "too_young"


def test_withdrawing_the_consent_cancels_the_childs_coming_bookings_of_machines_that_need_it(
    laser: Equipment,
    workstations: Equipment,
    make_user: Any,
    lab_manager: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    text = people_services.create_consent_text(actor=None, purpose="participation", title_ru="С", body_ru="Т")
    people_services.publish_consent_text(text, actor=None)
    parent_login = make_user("parent.maker@example.test", "guardian")
    parent = people_services.ensure_own_person(parent_login)
    child = people_services.create_person(actor=None, last_name="Мастеров", first_name="Лев", birth_date=_born(13))
    people_services.link_guardian(child, parent, actor=None)
    consent = people_services.give_consent(child, purpose="participation", giver=parent, actor=parent_login)
    services.grant_authorisation(child, actor=lab_manager, kind="laser_cutter", months=12)
    laser_job = services.book(
        laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 11), purpose="project", person=child
    )
    lesson_seat = services.book(
        workstations, actor=lab_manager, starts_at=at(2, 12), ends_at=at(2, 13), purpose="project", person=child
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        people_services.withdraw_consent(consent, actor=parent_login)
    laser_job.refresh_from_db()
    lesson_seat.refresh_from_db()
    assert laser_job.status == Booking.Status.CANCELLED
    assert not laser_job.held_units.filter(active=True).exists()  # the machine is free at once
    assert lesson_seat.is_holding  # a workstation needs no authorisation, hence no consent
    record = AuditLog.objects.get(action="labs.booking.cancelled")
    assert record.data["why"] == "consent_withdrawn"
    told = [m for m in mail.outbox if "labs.manager@example.test" in m.to]
    assert len(told) == 1 and laser_job.what in told[0].subject
