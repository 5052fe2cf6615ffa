"""Rule 1 of DOMAIN.md when the capacity changes: simultaneous registrations and a decrease of the capacity,
through the real HTTP stack (a threaded live server, one database connection per request), never leave more
places confirmed than the capacity. The capacity change locks the event's row before it counts the places
confirmed, as registrations do. The negative control patches that lock off (`core.locking.for_update`, so
that rows are read unlocked) (and, like the test with the
lock, holds the decrease open between counting and writing): then the same burst overbooks.

PostgreSQL only: SQLite serialises writers by its IMMEDIATE transactions whatever the code does.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the race is PostgreSQL's; SQLite queues writers"),
]

BURST = 12
CAPACITY = 12
LOWERED = 6


def _world(make_user: Any) -> tuple[Any, list[Any], str]:
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from technopark.accounts.services import issue_api_token
    from technopark.events import services
    from technopark.network import services as network_services
    from technopark.network.models import District
    from technopark.people import services as people_services

    # Transactional tests empty the database after each one, reference rows included: put them back.
    importlib.import_module("technopark.network.migrations.0002_districts").create(apps, None)
    staff = make_user("capacity.race@example.test", "methodologist")
    school = network_services.create_institution(
        actor=None, full_name="Школа", short_name="Школа", kind="school",
        district=District.objects.get(code="frunzensky"), cluster_role="base",
    )  # fmt: skip
    born = timezone.localdate() - dt.timedelta(days=17 * 366)
    people = [
        people_services.add_student(school, actor=None, last_name=f"Участник{i}", first_name="Иван", birth_date=born)
        for i in range(BURST)
    ]
    event = services.create_event(
        actor=staff, title_ru="Места убавили", kind="contest", audience="students", level="city",
        format="in_person", venue_kind="lab", venue_lab="fablab", capacity=CAPACITY,
    )  # fmt: skip
    day = timezone.localdate() + dt.timedelta(days=5)
    services.set_sessions(
        event, [{"starts_at": services.localise(day, dt.time(10)), "ends_at": services.localise(day, dt.time(12))}],
        actor=staff,
    )  # fmt: skip
    services.change_status(event, "published", actor=staff)
    services.change_status(event, "registration_open", actor=staff)
    _token, raw = issue_api_token(staff, actor=None, name="capacity race", second_factor=True)
    return event, people, raw


def _request(url: str, token: str, method: str, body: dict[str, Any]) -> int:
    request = urllib.request.Request(  # noqa: S310 (the live server's http URL)
        url, data=json.dumps(body).encode(), method=method,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _burst(base: str, event: Any, token: str, people: list[Any]) -> tuple[list[int], int]:
    """The registrations of ``people`` and one decrease of the capacity to ``LOWERED``, all at once. The
    registrations set off a moment after the decrease, so that it counts the places before they land."""
    start = threading.Barrier(len(people) + 1)
    statuses: list[int] = []
    lowered: list[int] = []

    def register(person: Any) -> None:
        start.wait()
        time.sleep(0.2)
        statuses.append(
            _request(f"{base}/api/v1/events/{event.pk}/registrations", token, "POST", {"person": person.pk})
        )

    def lower() -> None:
        start.wait()
        lowered.append(_request(f"{base}/api/v1/events/{event.pk}", token, "PATCH", {"capacity": LOWERED}))

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    threads.append(threading.Thread(target=lower))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, lowered[0]


def _hold_the_count_open(monkeypatch: Any) -> None:
    """Widen the gap between the decrease's count of confirmed places and its write of the capacity."""
    from technopark.events.services import announce

    original = announce.places_held

    def slow_places_held(*args: Any, **kwargs: Any) -> int:
        held = original(*args, **kwargs)
        time.sleep(1.5)  # the registrations land meanwhile, unless the lock holds them back
        return held

    monkeypatch.setattr(announce, "places_held", slow_places_held)


def _confirmed(event: Any) -> int:
    from technopark.events.models import Registration

    return Registration.objects.filter(event=event, status="confirmed").count()


def test_registrations_and_a_capacity_decrease_at_once_never_leave_more_confirmed_than_places(
    live_server: Any, make_user: Any, monkeypatch: Any
) -> None:
    _hold_the_count_open(monkeypatch)
    event, people, token = _world(make_user)
    statuses, lowered = _burst(live_server.url, event, token, people)
    event.refresh_from_db()
    assert statuses.count(201) == BURST, statuses
    assert lowered in (200, 409), lowered  # lowered first, or refused because places were confirmed first
    assert _confirmed(event) <= event.capacity
    if lowered == 200:
        assert event.capacity == LOWERED and _confirmed(event) == LOWERED


def test_without_the_lock_the_same_burst_overbooks(live_server: Any, make_user: Any, monkeypatch: Any) -> None:
    """The negative control: the test above would notice a capacity change that does not lock the row."""
    from technopark.core import locking

    _hold_the_count_open(monkeypatch)
    monkeypatch.setattr(locking, "for_update", lambda rows: rows)
    event, people, token = _world(make_user)
    _statuses, lowered = _burst(live_server.url, event, token, people)
    event.refresh_from_db()
    assert lowered == 200 and event.capacity == LOWERED
    assert _confirmed(event) > event.capacity
    assert connection.vendor == "postgresql"
