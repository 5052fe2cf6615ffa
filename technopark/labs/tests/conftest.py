from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from technopark.labs.models import Equipment, Lab, OpeningHours


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment ``days`` from today at ``hour``:``minute`` in Minsk."""
    return timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(hour, minute))
    )


@pytest.fixture
def fablab(db: Any) -> Lab:
    lab = Lab.objects.get(code="fablab")
    OpeningHours.objects.bulk_create(
        OpeningHours(lab=lab, weekday=day, opens=dt.time(9), closes=dt.time(20)) for day in range(7)
    )
    return lab


@pytest.fixture
def laser(fablab: Lab) -> Equipment:
    return Equipment.objects.create(
        lab=fablab, kind="laser_cutter", name="Лазерный станок Rabbit HX-1390", inventory_number="FL-001",
        requires_authorisation=True, min_age=12,
    )  # fmt: skip


@pytest.fixture
def workstations(fablab: Lab) -> Equipment:
    return Equipment.objects.create(
        lab=fablab, kind="workstation", name="Рабочая станция (класс)", inventory_number="FL-WS", units=12
    )


@pytest.fixture
def lab_manager(make_user: Any) -> Any:
    return make_user("labs.manager@example.test", "lab_manager")
