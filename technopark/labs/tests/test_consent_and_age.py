"""Issue 12 in the labs: a child's own typing of a date of birth meets no machine's minimum age (item 1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from technopark.accounts import services as account_services
from technopark.labs import services
from technopark.labs.models import Equipment
from technopark.labs.tests.conftest import at

TODAY = timezone.localdate()


def _born(years: int) -> dt.date:
    return dt.date(TODAY.year - years, TODAY.month, min(TODAY.day, 28))


def test_a_date_of_birth_the_child_typed_meets_no_minimum_age(
    laser: Equipment, make_user: Any, lab_manager: Any
) -> None:
    login = make_user("young.maker@example.test", "student")
    child = account_services.ensure_own_person(login)
    account_services.update_person(child, actor=login, birth_date=_born(20))
    child.refresh_from_db()
    services.grant_authorisation(child, actor=lab_manager, kind="laser_cutter", months=12)
    with pytest.raises(services.BookingError) as refused:
        services.book(laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 11), purpose="project", person=child)
    assert refused.value.code == "too_young"
