"""No status change in the labs is lost to an edit at the same moment (issue 12, item 7; DOMAIN.md rule 12):
a machine's status against an edit of the machine, a booking's cancellation against its approval or the
record of its use. Each race is made deterministic by acting on a copy read before the other change."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from technopark.core.errors import ConflictError
from technopark.labs import services
from technopark.labs.forms import EquipmentForm
from technopark.labs.models import Booking, Equipment
from technopark.labs.tests.conftest import at


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_edit_of_a_machine_does_not_put_it_back_in_service(laser: Equipment, lab_manager: Any) -> None:
    read_before = Equipment.objects.get(pk=laser.pk)  # in service
    services.set_equipment_status(laser, actor=lab_manager, status="out_of_order", note="Сгорела трубка")
    services.save_equipment(read_before, actor=lab_manager, name="Лазерный станок (цех)", min_age=14)
    stored = Equipment.objects.get(pk=laser.pk)
    assert stored.status == "out_of_order"
    assert stored.name == "Лазерный станок (цех)" and stored.min_age == 14


def test_an_edit_through_the_page_does_not_put_a_broken_machine_back_in_service(
    laser: Equipment, lab_manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fields = EquipmentForm.service_fields

    def status_changed_meanwhile(form: EquipmentForm) -> dict[str, Any]:
        # The page has read the machine (in service); another lab manager marks it broken before the save.
        services.set_equipment_status(Equipment.objects.get(pk=laser.pk), actor=lab_manager, status="out_of_order")
        return fields(form)

    monkeypatch.setattr(EquipmentForm, "service_fields", status_changed_meanwhile)
    form = {
        "lab": laser.lab_id, "kind": laser.kind, "name": "Лазер Rabbit", "inventory_number": laser.inventory_number,
        "units": 1, "min_age": 12, "requires_authorisation": "on", "description": "",
    }  # fmt: skip
    response = _client(lab_manager).post(f"/staff/labs/equipment/{laser.pk}/edit/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Equipment.objects.get(pk=laser.pk)
    assert stored.name == "Лазер Rabbit" and stored.status == "out_of_order"


def test_a_status_change_keeps_an_edit_made_meanwhile(laser: Equipment, lab_manager: Any) -> None:
    read_before = Equipment.objects.get(pk=laser.pk)
    services.save_equipment(Equipment.objects.get(pk=laser.pk), actor=lab_manager, name="Лазер (новое имя)")
    services.set_equipment_status(read_before, actor=lab_manager, status="maintenance")
    stored = Equipment.objects.get(pk=laser.pk)
    assert stored.status == "maintenance" and stored.name == "Лазер (новое имя)"


def test_a_booking_cancelled_meanwhile_is_neither_approved_nor_given_a_use(
    workstations: Equipment, lab_manager: Any
) -> None:
    booking = Booking.objects.create(
        equipment=workstations, units=1, starts_at=at(2, 10), ends_at=at(2, 11), purpose="project",
        status=Booking.Status.PENDING_APPROVAL,
    )  # fmt: skip
    read_before = Booking.objects.get(pk=booking.pk)
    services.cancel_booking(booking, actor=lab_manager)
    with pytest.raises(ConflictError):
        services.decide_booking(read_before, actor=lab_manager, approve=True)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
    confirmed = services.book(workstations, actor=lab_manager, starts_at=at(3, 10), ends_at=at(3, 11), purpose="lesson")
    read_before = Booking.objects.get(pk=confirmed.pk)
    services.cancel_booking(confirmed, actor=lab_manager)
    with pytest.raises(ConflictError) as refused:
        services.record_use(read_before, actor=lab_manager, used_from=at(3, 10), used_until=at(3, 11))
    assert refused.value.code == "not_confirmed"
    stored = Booking.objects.get(pk=confirmed.pk)
    assert stored.status == Booking.Status.CANCELLED and stored.used_from is None
