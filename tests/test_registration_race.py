"""Rule 1 of DOMAIN.md under concurrency: many simultaneous registrations for the last place, through the
real HTTP stack (a threaded live server, one database connection per request), never confirm more places
than the capacity. The negative control turns the lock off and widens the gap between counting and
inserting: then the same burst overbooks, which shows the test would see a race. The lock is switched off by
patching `core.locking.for_update` (no setting does it).

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
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the race is PostgreSQL's; SQLite queues writers"),
]

BURST = 12


def _world(make_user: Any, capacity: int) -> tuple[Any, list[Any], str]:
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
    staff = make_user("race@example.test", "methodologist")
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
        actor=staff, title_ru="Последнее место", kind="contest", audience="students", level="city",
        format="in_person", venue_kind="lab", venue_lab="fablab", capacity=capacity,
    )  # fmt: skip
    day = timezone.localdate() + dt.timedelta(days=5)
    services.set_sessions(
        event, [{"starts_at": services.localise(day, dt.time(10)), "ends_at": services.localise(day, dt.time(12))}],
        actor=staff,
    )  # fmt: skip
    services.change_status(event, "published", actor=staff)
    services.change_status(event, "registration_open", actor=staff)
    _token, raw = issue_api_token(staff, actor=None, name="race", second_factor=True)
    return event, people, raw


def _burst(url: str, token: str, people: list[Any]) -> list[int]:
    start = threading.Barrier(len(people))
    statuses: list[int] = []

    def post(person: Any) -> None:
        body = json.dumps({"person": person.pk}).encode()
        request = urllib.request.Request(  # noqa: S310 (the live server's http URL)
            url, data=body, method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )  # fmt: skip
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    threads = [threading.Thread(target=post, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_simultaneous_registrations_never_exceed_the_last_place(live_server: Any, make_user: Any) -> None:
    from technopark.events.models import Registration

    event, people, token = _world(make_user, capacity=1)
    statuses = _burst(f"{live_server.url}/api/v1/events/{event.pk}/registrations", token, people)
    assert statuses.count(201) == BURST, statuses
    assert Registration.objects.filter(event=event, status="confirmed").count() == 1
    assert Registration.objects.filter(event=event, status="waitlisted").count() == BURST - 1


def test_without_the_lock_the_same_burst_overbooks(live_server: Any, make_user: Any, monkeypatch: Any) -> None:
    """The negative control: the test above would notice a missing lock."""
    from technopark.core import locking
    from technopark.events.models import Registration
    from technopark.events.services import registrations

    original = registrations.free_places

    def slow_free_places(*args: Any, **kwargs: Any) -> Any:
        free = original(*args, **kwargs)
        time.sleep(0.2)  # everyone counts before anyone inserts
        return free

    monkeypatch.setattr(locking, "for_update", lambda rows: rows)
    monkeypatch.setattr(registrations, "free_places", slow_free_places)
    event, people, token = _world(make_user, capacity=1)
    _burst(f"{live_server.url}/api/v1/events/{event.pk}/registrations", token, people)
    assert Registration.objects.filter(event=event, status="confirmed").count() > 1
    assert connection.vendor == "postgresql"
