"""A whole-lab lesson holds every unit of the lab's equipment (decision 0005, point 8), so the lab's coming
lessons follow a change of its equipment: a machine added to the lab, or moved into it, and a pool's new
units are held by them; units that go, or a machine moved out, are let go; a move that would collide with
the machine's own bookings is refused and saves nothing. Through the service and the staff's form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from technopark.core.errors import ConflictError
from technopark.labs import selectors, services
from technopark.labs.models import Booking, BookingUnit, Equipment, Lab, OpeningHours
from technopark.labs.services.setup import SetupError
from technopark.labs.tests.conftest import at


@pytest.fixture
def teacher(make_user: Any) -> Any:
    return make_user("follow.teacher@example.test", "teacher", last_name="Ковалёва", first_name="Анна")


@pytest.fixture
def creative_lab(db: Any) -> Lab:
    lab = Lab.objects.exclude(code="fablab").order_by("code").first()
    OpeningHours.objects.bulk_create(
        OpeningHours(lab=lab, weekday=day, opens=dt.time(9), closes=dt.time(20)) for day in range(7)
    )
    return lab


def test_a_machine_added_to_a_lab_is_held_by_its_coming_lessons_and_not_by_past_ones(
    workstations: Equipment, fablab: Lab, teacher: Any, lab_manager: Any
) -> None:
    lessons = services.book_lab_weekly(
        fablab, actor=teacher, starts_at=at(2, 15), ends_at=at(2, 17), until=at(16, 0).date()
    )
    past = services.book_lab(fablab, actor=teacher, starts_at=at(1, 10), ends_at=at(1, 11))
    Booking.objects.filter(pk=past.pk).update(starts_at=at(-1, 10), ends_at=at(-1, 11))
    BookingUnit.objects.filter(booking=past).update(starts_at=at(-1, 10), ends_at=at(-1, 11))
    printer = services.save_equipment(
        None, actor=lab_manager, lab=fablab, kind="printer_3d", name="Принтер Новый", inventory_number="FL-NEW",
    )  # fmt: skip
    for lesson in lessons:
        assert lesson.held_units.filter(equipment=printer).count() == 1
        lesson.refresh_from_db()
        assert lesson.units == 13  # the workstations and the printer
    assert not past.held_units.filter(equipment=printer).exists()
    assert selectors.free_units(printer, at(9, 15), at(9, 16)) == 0
    with pytest.raises(ConflictError):  # nobody books the new printer during a lesson in the lab
        services.book(printer, actor=lab_manager, starts_at=at(9, 16), ends_at=at(9, 18), purpose="lesson")
    services.book(printer, actor=lab_manager, starts_at=at(9, 17), ends_at=at(9, 19), purpose="lesson")


def test_a_pools_new_units_are_held_and_the_units_that_go_are_let_go(
    workstations: Equipment, fablab: Lab, teacher: Any, lab_manager: Any
) -> None:
    lesson = services.book_lab(fablab, actor=teacher, starts_at=at(2, 15), ends_at=at(2, 17))
    services.save_equipment(workstations, actor=lab_manager, units=14)
    assert sorted(lesson.held_units.values_list("unit", flat=True)) == list(range(1, 15))
    assert selectors.free_units(Equipment.objects.get(pk=workstations.pk), at(2, 15), at(2, 16)) == 0
    # Two workstations leave: the lesson lets go of them instead of blocking the change.
    services.save_equipment(Equipment.objects.get(pk=workstations.pk), actor=lab_manager, units=10)
    assert sorted(lesson.held_units.values_list("unit", flat=True)) == list(range(1, 11))
    lesson.refresh_from_db()
    assert lesson.units == 10
    # A booking of the pool itself still blocks a change below the unit it holds.
    services.book(
        Equipment.objects.get(pk=workstations.pk), actor=lab_manager, starts_at=at(3, 10), ends_at=at(3, 12),
        purpose="lesson", units=10,
    )  # fmt: skip
    with pytest.raises(SetupError) as refused:
        services.save_equipment(Equipment.objects.get(pk=workstations.pk), actor=lab_manager, units=8)
    assert refused.value.code == "units_in_use"


def test_a_machine_moved_to_another_lab_follows_that_labs_lessons(
    laser: Equipment, workstations: Equipment, fablab: Lab, creative_lab: Lab, teacher: Any, lab_manager: Any
) -> None:
    Equipment.objects.create(lab=creative_lab, kind="vr_set", name="VR-шлем", inventory_number="CL-VR")
    here = services.book_lab(fablab, actor=teacher, starts_at=at(2, 15), ends_at=at(2, 17))
    there = services.book_lab(creative_lab, actor=teacher, starts_at=at(3, 10), ends_at=at(3, 12))
    services.save_equipment(laser, actor=lab_manager, lab=creative_lab)
    assert not here.held_units.filter(equipment=laser).exists()
    assert there.held_units.filter(equipment=laser).count() == 1
    here.refresh_from_db()
    there.refresh_from_db()
    assert (here.units, there.units) == (12, 2)
    assert selectors.free_units(Equipment.objects.get(pk=laser.pk), at(2, 15), at(2, 16)) == 1


def test_a_move_that_collides_with_the_machines_own_bookings_is_refused_and_saves_nothing(
    laser: Equipment, fablab: Lab, creative_lab: Lab, teacher: Any, lab_manager: Any
) -> None:
    Equipment.objects.create(lab=creative_lab, kind="vr_set", name="VR-шлем", inventory_number="CL-VR")
    own = services.book(laser, actor=lab_manager, starts_at=at(3, 11), ends_at=at(3, 13), purpose="lesson")
    lesson = services.book_lab(fablab, actor=teacher, starts_at=at(2, 15), ends_at=at(2, 17))
    services.book_lab(creative_lab, actor=teacher, starts_at=at(3, 10), ends_at=at(3, 12))
    with pytest.raises(SetupError) as refused, translation.override("ru"):
        services.save_equipment(laser, actor=lab_manager, lab=creative_lab)
    assert refused.value.code == "lessons_in_the_way" and refused.value.field == "lab"
    assert f"{at(3, 11):%d.%m.%Y} 11:00–13:00" in str(refused.value.message)
    assert Equipment.objects.get(pk=laser.pk).lab == fablab  # nothing saved
    assert lesson.held_units.filter(equipment=laser).count() == 1  # the old lab's lesson still holds it
    assert own.held_units.filter(active=True).count() == 1


def test_the_staff_form_names_the_lessons_in_the_way_and_keeps_what_was_typed(
    laser: Equipment, fablab: Lab, creative_lab: Lab, teacher: Any, lab_manager: Any, client_for: Any
) -> None:
    Equipment.objects.create(lab=creative_lab, kind="vr_set", name="VR-шлем", inventory_number="CL-VR")
    services.book(laser, actor=lab_manager, starts_at=at(3, 11), ends_at=at(3, 13), purpose="lesson")
    services.book_lab(creative_lab, actor=teacher, starts_at=at(3, 10), ends_at=at(3, 12))
    form = {
        "lab": creative_lab.pk, "kind": "laser_cutter", "name": "Лазерный станок (переезд)",
        "inventory_number": "FL-001", "units": 1, "min_age": 12, "requires_authorisation": "on", "description": "",
    }  # fmt: skip
    page = client_for(lab_manager).post(f"/staff/labs/equipment/{laser.pk}/edit/", form)
    assert page.status_code == 400
    text = page.content.decode()
    assert "11:00–13:00" in text and 'value="Лазерный станок (переезд)"' in text  # kept in the form
    assert "<h1>Лазерный станок Rabbit HX-1390</h1>" in text  # the heading is what is saved
    assert "Сначала отмените или перенесите эти бронирования" in text  # in the user's language
    assert Equipment.objects.get(pk=laser.pk).name == "Лазерный станок Rabbit HX-1390"
