"""A kept week keeps its calendar's HTML too (`labs_tags.week_calendar`): the same as a fresh render, per
language, and gone with the week when a booking changes its machine's scope; another machine's week stays."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache as django_cache
from django.test import Client
from django.utils import translation

from technopark.core import cache
from technopark.labs import services
from technopark.labs.models import Equipment, Lab
from technopark.labs.tests.conftest import at


@pytest.fixture
def cached(settings: Any) -> Any:
    assert settings.PAGE_CACHE  # on in the test settings, as in production


def kept_weeks() -> list[Any]:
    """The weeks in the (local memory) cache, as `selectors.week` keeps them."""
    keys = [key.split(":", 2)[2] for key in django_cache._cache if ":c:labs.week:" in key]  # type: ignore[attr-defined]
    return [django_cache.get(key)[1] for key in keys]


TOKENS = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+')


@pytest.fixture(autouse=True)
def _russian() -> Any:
    """The /en/ page leaves English active in this thread; the other tests expect the default."""
    yield
    translation.activate("ru")


def _page(client: Client, path: str) -> bytes:
    return TOKENS.sub(rb"\1", client.get(path).content)  # a CSRF token is new for every request


def _teacher(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("kept.week@example.test", "teacher"))
    return client


def test_the_kept_calendar_is_what_the_template_renders_and_follows_bookings(
    fablab: Lab, laser: Equipment, lab_manager: Any, make_user: Any, cached: Any, settings: Any, monkeypatch: Any
) -> None:
    client = _teacher(make_user)
    week = f"{at(2, 0).date():%Y-%m-%d}"
    paths = [
        f"/labs/fablab/week/?week={week}",
        f"/labs/equipment/{laser.pk}/?week={week}",
        f"/en/labs/fablab/week/?week={week}",
    ]
    first = [_page(client, path) for path in paths]
    kept = [_page(client, path) for path in paths]
    assert len(kept_weeks()) == 3 and all(week.html for week in kept_weeks())  # the HTML is kept with the weeks
    settings.PAGE_CACHE = False  # composed and rendered anew for every request
    assert [_page(client, path) for path in paths] == kept == first
    assert b"Week calendar" in first[2] and b"Week calendar" not in first[0]  # per language
    settings.PAGE_CACHE = True
    services.book(laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 12), purpose="lesson")
    assert "10:00–12:00" in client.get(paths[1]).content.decode()


def test_a_booking_of_one_machine_keeps_another_machines_week_and_availability(
    fablab: Lab, laser: Equipment, lab_manager: Any, cached: Any, django_assert_num_queries: Any
) -> None:
    printer = Equipment.objects.create(lab=fablab, kind="printer_3d", name="Принтер Б", inventory_number="B-1")
    week = f"?week={at(2, 0).date():%Y-%m-%d}"
    day = at(2, 0).date().isoformat()
    availability = "/api/v1/equipment/{}/availability?starts_at=" + day + "T00:00:00%2B03:00"
    anonymous = Client()
    for machine in (laser, printer):
        anonymous.get(f"/labs/equipment/{machine.pk}/{week}")
        anonymous.get(availability.format(machine.pk))
    tokens = {pk: django_cache.get(cache.version_key(("equipment", pk))) for pk in (laser.pk, printer.pk)}
    lab_token = django_cache.get(cache.version_key(("lab", fablab.pk)))

    services.book(laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 12), purpose="lesson")

    assert django_cache.get(cache.version_key(("equipment", printer.pk))) == tokens[printer.pk]
    assert django_cache.get(cache.version_key(("equipment", laser.pk))) not in (None, tokens[laser.pk])
    assert django_cache.get(cache.version_key(("lab", fablab.pk))) not in (None, lab_token)  # the lab's week
    with django_assert_num_queries(0):  # the other machine's page, still kept
        anonymous.get(f"/labs/equipment/{printer.pk}/{week}")
    with django_assert_num_queries(1):  # the machine; its availability still kept
        assert anonymous.get(availability.format(printer.pk)).json()["held"] == []
    assert "10:00–12:00" in anonymous.get(f"/labs/equipment/{laser.pk}/{week}").content.decode()
    assert len(anonymous.get(availability.format(laser.pk)).json()["held"]) == 1
    assert "10:00–12:00" in anonymous.get(f"/labs/fablab/week/{week}").content.decode()
