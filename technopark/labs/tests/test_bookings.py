"""Bookings: the overlap rule for machines and pools, every other rule with its reason, approval by the
supervising teacher, weekly series saved whole or not at all, cancellation, maintenance blocks, use and
utilisation, authorisations."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from technopark.core.errors import ConflictError
from technopark.labs import selectors, services
from technopark.labs.models import Booking, BookingUnit, ClosedDay, Equipment
from technopark.labs.services.bookings import last_series_day
from technopark.labs.tests.conftest import at
from technopark.network import services as network_services
from technopark.network.models import District
from technopark.people import services as people_services


def _person(name: str, *, years: int = 15, user: Any = None) -> Any:
    born = timezone.localdate() - dt.timedelta(days=years * 366)
    return people_services.create_person(actor=None, user=user, last_name=name, first_name="Иван", birth_date=born)


def _same_school(student: Any, teacher: Any) -> None:
    """The student and the teacher who approves their project work at one school (`labs.access.may_supervise`)."""
    school = network_services.create_institution(
        actor=None, full_name=f"ГУО «Школа {student.pk}»", short_name=f"Школа {student.pk}", kind="school",
        district=District.objects.get(code="frunzensky"), cluster_role="base",
    )  # fmt: skip
    people_services.set_affiliation(student, school, kind="student", actor=None)
    people_services.set_affiliation(teacher, school, kind="teacher", actor=None)


def _consent_for(child: Any, make_user: Any) -> None:
    text = people_services.create_consent_text(actor=None, purpose="participation", title_ru="С", body_ru="Т")
    people_services.publish_consent_text(text, actor=None)
    login = make_user(f"parent.{child.pk}@example.test", "guardian")
    parent = _person("Родитель", years=40, user=login)
    people_services.link_guardian(child, parent, actor=None)
    people_services.give_consent(child, purpose="participation", giver=parent, actor=login)


def test_one_machine_is_never_booked_twice_at_once(laser: Equipment, lab_manager: Any) -> None:
    first = services.book(laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 11), purpose="lesson")
    assert first.status == "confirmed"
    with pytest.raises(ConflictError) as refused:
        services.book(laser, actor=lab_manager, starts_at=at(2, 10, 30), ends_at=at(2, 11, 30), purpose="lesson")
    assert refused.value.code == "overlap"
    # Back to back is fine: the spans are half-open.
    services.book(laser, actor=lab_manager, starts_at=at(2, 11), ends_at=at(2, 12), purpose="lesson")
    assert Booking.objects.count() == 2


def test_a_pool_is_booked_by_count_and_never_beyond_its_units(workstations: Equipment, lab_manager: Any) -> None:
    lesson = services.book(
        workstations, actor=lab_manager, starts_at=at(3, 15), ends_at=at(3, 17), purpose="lesson", units=10
    )
    assert sorted(lesson.held_units.values_list("unit", flat=True)) == list(range(1, 11))
    with pytest.raises(ConflictError) as refused:
        services.book(
            workstations, actor=lab_manager, starts_at=at(3, 16), ends_at=at(3, 18), purpose="lesson", units=3
        )
    assert refused.value.code == "overlap" and "2" in str(refused.value.message)
    services.book(workstations, actor=lab_manager, starts_at=at(3, 16), ends_at=at(3, 18), purpose="lesson", units=2)
    assert selectors.free_units(workstations, at(3, 16), at(3, 17)) == 0
    with pytest.raises(services.BookingError) as too_many:
        services.book(
            workstations, actor=lab_manager, starts_at=at(4, 10), ends_at=at(4, 11), purpose="lesson", units=13
        )
    assert too_many.value.code == "too_many_units"


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ((2, 7), (2, 8), "outside_hours"),
        ((2, 19), (2, 21), "outside_hours"),
        ((2, 10), (2, 13), "too_long"),  # a laser job lasts at most 2 h
        ((-1, 10), (-1, 11), "in_the_past"),
        ((400, 10), (400, 11), "beyond_horizon"),  # past any school year's end, too
        ((2, 11), (2, 10), "span_invalid"),
    ],
)
def test_rules_refuse_with_their_code(laser: Equipment, lab_manager: Any, start: Any, end: Any, code: str) -> None:
    with pytest.raises(services.BookingError) as refused:
        services.book(laser, actor=lab_manager, starts_at=at(*start), ends_at=at(*end), purpose="lesson")
    assert refused.value.code == code


def test_a_closed_day_and_a_machine_out_of_service_refuse(laser: Equipment, lab_manager: Any) -> None:
    ClosedDay.objects.create(date=at(5, 10).date(), reason_ru="Праздник")
    with pytest.raises(services.BookingError) as holiday:
        services.book(laser, actor=lab_manager, starts_at=at(5, 10), ends_at=at(5, 11), purpose="lesson")
    assert holiday.value.code == "outside_hours"
    services.set_equipment_status(laser, actor=lab_manager, status="out_of_order", note="Сгорела трубка")
    with pytest.raises(services.BookingError) as broken:
        services.book(laser, actor=lab_manager, starts_at=at(6, 10), ends_at=at(6, 11), purpose="lesson")
    assert broken.value.code == "equipment_unavailable"
    assert laser.status_history.first().note == "Сгорела трубка"


def test_a_student_needs_an_authorisation_the_age_and_a_guardians_consent(
    laser: Equipment, make_user: Any, lab_manager: Any
) -> None:
    login = make_user("maker@example.test", "student")
    student = _person("Самоделкин", years=14, user=login)
    teacher = _person("Наставник", years=35, user=make_user("mentor@example.test", "teacher"))
    _same_school(student, teacher)

    def attempt() -> Booking:
        return services.book(
            laser, actor=login, starts_at=at(2, 10), ends_at=at(2, 11), purpose="project", person=student,
            supervisor=teacher,
        )  # fmt: skip

    with pytest.raises(services.BookingError) as no_authorisation:
        attempt()
    assert no_authorisation.value.code == "authorisation_required"
    expired = services.grant_authorisation(student, actor=lab_manager, kind="laser_cutter", months=6)
    expired.expires_on = timezone.localdate()
    expired.save()
    with pytest.raises(services.BookingError) as lapsed:
        attempt()  # valid until today, the booking is in two days
    assert lapsed.value.code == "authorisation_required"
    services.grant_authorisation(student, actor=lab_manager, kind="laser_cutter", months=12)
    with pytest.raises(services.BookingError) as consent:
        attempt()
    assert consent.value.code == "consent_required"
    _consent_for(student, make_user)
    booking = attempt()
    assert booking.status == "pending_approval"
    young = _person("Малыш", years=10)
    services.grant_authorisation(young, actor=lab_manager, kind="laser_cutter", months=12)
    with pytest.raises(services.BookingError) as too_young:
        services.book(laser, actor=lab_manager, starts_at=at(3, 10), ends_at=at(3, 11), purpose="project", person=young)
    assert too_young.value.code == "too_young"


def test_the_supervisor_approves_and_a_rejection_frees_the_time(
    laser: Equipment, make_user: Any, lab_manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    login = make_user("maker2@example.test", "student")
    student = _person("Изобретатель", years=16, user=login)
    student.email = "maker2@example.test"
    student.save()
    teacher = _person("Учитель", years=35, user=make_user("teacher.labs@example.test", "teacher"))
    teacher.email = "teacher.labs@example.test"
    teacher.save()
    _same_school(student, teacher)
    services.grant_authorisation(student, actor=lab_manager, kind="laser_cutter", months=12)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book(
            laser, actor=login, starts_at=at(2, 10), ends_at=at(2, 11), purpose="project", person=student,
            supervisor=teacher,
        )  # fmt: skip
    assert any("teacher.labs@example.test" in m.to for m in mail.outbox)
    with pytest.raises(ConflictError):  # a booking awaiting approval holds its place
        services.book(laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 11), purpose="lesson")
    services.decide_booking(booking, actor=teacher.user, approve=False)
    booking.refresh_from_db()
    assert booking.status == "rejected" and not BookingUnit.objects.filter(active=True).exists()
    services.book(laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 11), purpose="lesson")


def test_a_weekly_series_reports_every_conflicting_date_and_saves_nothing(
    workstations: Equipment, lab_manager: Any, make_user: Any
) -> None:
    teacher = make_user("term@example.test", "teacher")
    holiday = at(14, 15).date()
    ClosedDay.objects.create(date=holiday, reason_ru="Праздник")
    services.book(workstations, actor=lab_manager, starts_at=at(21, 15), ends_at=at(21, 17), purpose="lesson", units=5)
    with pytest.raises(services.SeriesError) as refused:
        services.book_weekly(
            workstations, actor=teacher, starts_at=at(0, 15) + dt.timedelta(days=7), ends_at=at(7, 17),
            until=at(35, 0).date(), purpose="lesson", units=10,
        )  # fmt: skip
    dates = [c.starts_at.date() for c in refused.value.conflicts]
    assert dates == [holiday, at(21, 0).date()]
    assert f"{holiday:%d.%m.%Y}" in str(refused.value.message)
    assert Booking.objects.filter(series__isnull=False).count() == 0
    ClosedDay.objects.all().delete()
    Booking.objects.all().delete()
    bookings = services.book_weekly(
        workstations, actor=teacher, starts_at=at(7, 15), ends_at=at(7, 17), until=at(35, 0).date(),
        purpose="lesson", units=10,
    )  # fmt: skip
    assert len(bookings) == 5 and len({b.series for b in bookings}) == 1
    assert {timezone.localtime(b.starts_at).strftime("%a %H:%M") for b in bookings} == {
        timezone.localtime(at(7, 15)).strftime("%a %H:%M")
    }


@pytest.mark.parametrize("until", [dt.date(9998, 12, 31), dt.date(9999, 12, 31), dt.date(2100, 12, 31)])
def test_a_weekly_series_past_the_horizon_is_refused_before_a_week_is_made_naming_the_last_day(
    workstations: Equipment, fablab: Any, make_user: Any, until: dt.date
) -> None:
    """Until 9998-12-31 the series made 417 000 weeks (8 s) before it was refused; until 9999-12-31 it ran past
    Python's last date (a 500). The CPU time is compared with a second to catch unbounded work, not timed."""
    teacher = make_user("far.ahead@example.test", "teacher")
    last = last_series_day(at(7, 15), purpose="lesson", now=timezone.now())
    today = timezone.localdate()
    assert last <= max(today + dt.timedelta(days=services.HORIZON_DAYS), services.school_year_end(today))
    for book in (
        lambda: services.book_weekly(
            workstations, actor=teacher, starts_at=at(7, 15), ends_at=at(7, 17), until=until, purpose="lesson"
        ),
        lambda: services.book_lab_weekly(fablab, actor=teacher, starts_at=at(7, 15), ends_at=at(7, 17), until=until),
    ):
        started = time.process_time()
        with pytest.raises(services.BookingError) as refused:
            book()
        assert time.process_time() - started < 1
        assert refused.value.code == "series_too_long"
        assert f"{last:%d.%m.%Y}" in str(refused.value.message)
    assert not Booking.objects.exists()


def test_a_weekly_series_until_its_last_day_is_booked_and_a_day_later_is_refused(
    workstations: Equipment, make_user: Any
) -> None:
    teacher = make_user("to.the.edge@example.test", "teacher")
    last = last_series_day(at(7, 15), purpose="lesson", now=timezone.now())
    common = {"actor": teacher, "starts_at": at(7, 15), "ends_at": at(7, 17), "purpose": "lesson"}
    with pytest.raises(services.BookingError):
        services.book_weekly(workstations, until=last + dt.timedelta(days=1), **common)
    bookings = services.book_weekly(workstations, until=last, **common)
    assert timezone.localtime(bookings[-1].starts_at).date() > last - dt.timedelta(days=7)


def test_a_maintenance_series_has_no_horizon_but_at_most_60_weeks(workstations: Equipment, lab_manager: Any) -> None:
    first = at(1, 8)
    assert last_series_day(first, purpose="maintenance", now=timezone.now()) == first.date() + dt.timedelta(weeks=59)
    with pytest.raises(services.BookingError) as refused:
        services.book_weekly(
            workstations, actor=lab_manager, starts_at=first, ends_at=at(1, 9),
            until=first.date() + dt.timedelta(weeks=60), purpose="maintenance",
        )  # fmt: skip
    assert refused.value.code == "series_too_long"


def test_cancel_until_the_start_and_the_units_are_free_again(laser: Equipment, lab_manager: Any) -> None:
    booking = services.book(laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 11), purpose="lesson")
    services.cancel_booking(booking, actor=lab_manager)
    assert selectors.free_units(laser, at(2, 10), at(2, 11)) == 1
    with pytest.raises(ConflictError):
        services.cancel_booking(booking, actor=lab_manager)


def test_maintenance_lists_and_cancels_the_bookings_in_its_way_and_tells_their_holders(
    laser: Equipment, lab_manager: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    teacher = make_user("displaced@example.test", "teacher")
    booking = services.book(laser, actor=teacher, starts_at=at(2, 10), ends_at=at(2, 11), purpose="lesson")
    assert services.maintenance_conflicts(laser, at(2, 9), at(2, 13)) == [booking]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        block, displaced = services.block_for_maintenance(
            laser, actor=lab_manager, starts_at=at(2, 9), ends_at=at(2, 13), note="Чистка оптики"
        )
    booking.refresh_from_db()
    assert displaced == [booking] and booking.status == "cancelled" and block.purpose == "maintenance"
    assert any("displaced@example.test" in m.to and "Чистка оптики" in m.body for m in mail.outbox)


def test_use_is_recorded_and_utilisation_counts_booked_and_used_hours(
    workstations: Equipment, lab_manager: Any, fablab: Any
) -> None:
    booking = services.book(
        workstations, actor=lab_manager, starts_at=at(1, 10), ends_at=at(1, 12), purpose="lesson", units=6
    )
    services.record_use(booking, actor=lab_manager, used_from=at(1, 10), used_until=at(1, 11), consumables="")
    [row] = selectors.utilisation(fablab, at(1, 0).date(), at(1, 0).date())
    assert (row.open_hours, row.booked_hours, row.used_hours) == (11 * 12, 12, 6)
    services.record_use(booking, actor=lab_manager, used_from=None, used_until=None, no_show=True)
    booking.refresh_from_db()
    assert booking.no_show and booking.used_from is None


def test_an_authorisation_lasts_its_months_and_can_be_revoked_with_a_reason(lab_manager: Any) -> None:
    person = _person("Допущенный", years=20)
    granted = services.grant_authorisation(
        person, actor=lab_manager, kind="printer_3d", months=12, day=dt.date(2026, 1, 31)
    )
    assert granted.expires_on == dt.date(2027, 1, 30)
    assert selectors.is_authorised(person, "printer_3d", dt.date(2027, 1, 30))
    with pytest.raises(services.TrainingError):
        services.revoke_authorisation(granted, actor=lab_manager, reason=" ")
    services.revoke_authorisation(granted, actor=lab_manager, reason="Нарушение техники безопасности")
    assert not selectors.is_authorised(person, "printer_3d", dt.date(2026, 6, 1))


def test_the_search_finds_a_free_printer_for_two_hours_on_an_afternoon(fablab: Any, lab_manager: Any) -> None:
    first = Equipment.objects.create(lab=fablab, kind="printer_3d", name="Принтер A", inventory_number="P-1")
    second = Equipment.objects.create(lab=fablab, kind="printer_3d", name="Принтер B", inventory_number="P-2")
    services.book(first, actor=lab_manager, starts_at=at(4, 12), ends_at=at(4, 19), purpose="lesson")
    offers = selectors.find_free(kind="printer_3d", day=at(4, 0).date(), hours=2, after=dt.time(12))
    by_name = {offer.equipment.name: offer.starts for offer in offers}
    assert "Принтер A" not in by_name  # busy 12–19, and 19–21 is past closing
    assert by_name["Принтер B"][0] == at(4, 12) and by_name["Принтер B"][-1] == at(4, 18)
    assert second.pk == offers[0].equipment.pk
