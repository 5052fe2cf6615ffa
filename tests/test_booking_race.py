"""Rule 2 of DOMAIN.md under concurrency: many simultaneous bookings of the same time through the real HTTP
stack (a threaded live server, one database connection per request) never hold one unit twice, and never
more units of a pool than it owns.

Two defences stand: the lock on the equipment's row in `labs.services.book`, and on PostgreSQL the
exclusion constraint on held units (migration labs 0002). Each is shown to be enough on its own, and the
negative control removes both (the lock off, the constraint dropped, the gap between reading the held
units and inserting widened): then the same burst double-books, which shows the test would see a race.

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


def _world(make_user: Any, units: int) -> tuple[Any, str, dt.datetime]:
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from technopark.accounts.services import issue_api_token
    from technopark.labs.models import Equipment, Lab, OpeningHours

    # Transactional tests empty the database after each one, reference rows included: put the labs back.
    importlib.import_module("technopark.labs.migrations.0002_centre_labs_and_no_overlap").add_labs(apps, None)
    lab = Lab.objects.get(code="fablab")
    OpeningHours.objects.bulk_create(
        OpeningHours(lab=lab, weekday=day, opens=dt.time(9), closes=dt.time(20)) for day in range(7)
    )
    equipment = Equipment.objects.create(
        lab=lab, kind="workstation", name="Станции", inventory_number=f"RACE-{units}", units=units
    )
    staff = make_user("race.labs@example.test", "lab_manager")
    _token, raw = issue_api_token(staff, actor=None, name="race", second_factor=True)
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=2), dt.time(10)))
    return equipment, raw, start


def _burst(url: str, token: str, payloads: list[dict[str, Any]]) -> list[int]:
    start = threading.Barrier(len(payloads))
    statuses: list[int] = []

    def post(payload: dict[str, Any]) -> None:
        request = urllib.request.Request(  # noqa: S310 (the live server's http URL)
            url, data=json.dumps(payload).encode(), method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )  # fmt: skip
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    threads = [threading.Thread(target=post, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _payloads(equipment: Any, start: dt.datetime, units: int) -> list[dict[str, Any]]:
    """The same hour, shifted by a quarter for every other request: all of them overlap."""
    return [
        {"equipment": equipment.pk, "purpose": "lesson", "units": units,
         "starts_at": (start + dt.timedelta(minutes=15 * (i % 2))).isoformat(),
         "ends_at": (start + dt.timedelta(hours=1, minutes=15 * (i % 2))).isoformat()}
        for i in range(BURST)
    ]  # fmt: skip


def _overlaps() -> int:
    """Pairs of active held spans of one unit that overlap: what the rule forbids."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM labs_bookingunit a JOIN labs_bookingunit b ON a.equipment_id = b.equipment_id"
            " AND a.unit = b.unit AND a.id < b.id AND a.active AND b.active"
            " AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
        )
        return int(cursor.fetchone()[0])


def _without_row_locks(monkeypatch: Any) -> None:
    """The lock off for the negative controls: `core.locking` reads the rows without locking them."""
    from technopark.core import locking

    monkeypatch.setattr(locking, "for_update", lambda rows: rows)


def _slow_reads(monkeypatch: Any) -> None:
    from technopark.labs import selectors

    original = selectors.held_units

    def slow(*args: Any, **kwargs: Any) -> Any:
        held = original(*args, **kwargs)
        time.sleep(0.2)  # everyone reads the free units before anyone holds one
        return held

    monkeypatch.setattr(selectors, "held_units", slow)


def test_simultaneous_bookings_of_one_machine_never_overlap(live_server: Any, make_user: Any) -> None:
    from technopark.labs.models import Booking

    machine, token, start = _world(make_user, units=1)
    statuses = _burst(f"{live_server.url}/api/v1/bookings", token, _payloads(machine, start, 1))
    assert statuses.count(201) == 1 and statuses.count(409) == BURST - 1, statuses
    assert Booking.objects.filter(equipment=machine, status="confirmed").count() == 1
    assert _overlaps() == 0


def test_a_pool_is_never_booked_beyond_its_units(live_server: Any, make_user: Any) -> None:
    from technopark.labs.models import BookingUnit

    pool, token, start = _world(make_user, units=12)
    statuses = _burst(f"{live_server.url}/api/v1/bookings", token, _payloads(pool, start, 5))
    assert statuses.count(201) == 2 and statuses.count(409) == BURST - 2, statuses  # 2 × 5 ≤ 12 < 3 × 5
    assert BookingUnit.objects.filter(equipment=pool, active=True).count() == 10
    assert _overlaps() == 0


def test_the_exclusion_constraint_alone_still_refuses_overlaps(
    live_server: Any, make_user: Any, monkeypatch: Any
) -> None:
    """With the lock off and the reads slowed, PostgreSQL's constraint catches what the code lets through,
    and the API answers 409, never 500."""
    _without_row_locks(monkeypatch)
    _slow_reads(monkeypatch)
    machine, token, start = _world(make_user, units=1)
    statuses = _burst(f"{live_server.url}/api/v1/bookings", token, _payloads(machine, start, 1))
    assert statuses.count(201) == 1 and statuses.count(409) == BURST - 1, statuses
    assert _overlaps() == 0


def test_without_the_lock_and_the_constraint_the_same_burst_double_books(
    live_server: Any, make_user: Any, monkeypatch: Any
) -> None:
    """The negative control: the tests above would notice if both defences were missing."""
    _without_row_locks(monkeypatch)
    _slow_reads(monkeypatch)
    machine, token, start = _world(make_user, units=1)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE labs_bookingunit DROP CONSTRAINT held_unit_no_overlap")
    try:
        _burst(f"{live_server.url}/api/v1/bookings", token, _payloads(machine, start, 1))
        assert _overlaps() > 0
    finally:
        from technopark.labs.models import BookingUnit

        BookingUnit.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE labs_bookingunit ADD CONSTRAINT held_unit_no_overlap EXCLUDE USING gist"
                " (equipment_id WITH =, unit WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (active)"
            )


@pytest.mark.parametrize("locked", [True, False], ids=["lock", "constraint-alone"])
def test_lessons_in_the_whole_lab_and_bookings_of_its_machines_never_overlap(
    live_server: Any, make_user: Any, monkeypatch: Any, locked: bool
) -> None:
    """A burst mixing whole-lab lessons with bookings of two of its machines: no 5xx (no deadlock between
    the lab's locks in id order and one machine's lock), no overlap, and a confirmed lesson leaves no
    machine booking beside it. Without the lock, PostgreSQL's constraint alone keeps the rule."""
    from technopark.labs import selectors
    from technopark.labs.models import Booking, Equipment

    if not locked:
        _without_row_locks(monkeypatch)
        _slow_reads(monkeypatch)
        original = selectors.holdings
        monkeypatch.setattr(selectors, "holdings", lambda *a, **k: (original(*a, **k), time.sleep(0.2))[0])
    first, token, start = _world(make_user, units=1)
    second = Equipment.objects.create(lab=first.lab, kind="printer_3d", name="Принтер", inventory_number="RACE-P")
    span = {"starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=1)).isoformat()}
    payloads = [
        [{"lab": "fablab", **span}, {"equipment": first.pk, "purpose": "lesson", **span},
         {"equipment": second.pk, "purpose": "lesson", **span}][i % 3]
        for i in range(BURST)
    ]  # fmt: skip
    statuses = _burst(f"{live_server.url}/api/v1/bookings", token, payloads)
    assert set(statuses) <= {201, 409} and 201 in statuses, statuses
    confirmed = Booking.objects.filter(status="confirmed")
    if confirmed.filter(lab__isnull=False).exists():
        assert confirmed.count() == 1
    else:
        assert confirmed.count() <= 2
    assert _overlaps() == 0


@pytest.mark.parametrize("locked", [True, False], ids=["lab-lock", "negative-control"])
def test_a_lesson_booked_while_a_machine_is_added_holds_it(make_user: Any, monkeypatch: Any, locked: bool) -> None:
    """A machine added to a lab while a lesson in the lab is being booked: the change of equipment holds
    the lab's row until it commits, so the lesson waits and then holds the new machine too (decision 0005,
    point 8). The negative control, without the locks, shows the lesson would miss it."""
    from django.db import connections, transaction

    from technopark.labs import selectors
    from technopark.labs.models import Equipment
    from technopark.labs.services import bookings as services
    from technopark.labs.services.setup import save_equipment

    if not locked:
        _without_row_locks(monkeypatch)
    machine, _token, start = _world(make_user, units=2)
    teacher = make_user("race.teacher@example.test", "teacher")
    added, release = threading.Event(), threading.Event()
    lessons: list[Any] = []

    def add_machine() -> None:
        try:
            with transaction.atomic():
                save_equipment(
                    None, actor=None, lab=machine.lab, kind="printer_3d", name="Новый принтер",
                    inventory_number="RACE-NEW",
                )  # fmt: skip
                added.set()
                release.wait(5)
        finally:
            connections.close_all()

    def book_lesson() -> None:
        try:
            lessons.append(
                services.book_lab(machine.lab, actor=teacher, starts_at=start, ends_at=start + dt.timedelta(hours=1))
            )
        finally:
            connections.close_all()

    adding = threading.Thread(target=add_machine)
    adding.start()
    assert added.wait(5)
    booking = threading.Thread(target=book_lesson)
    booking.start()
    # With the lab's lock the lesson waits for the machine's transaction before it reads the lab's
    # equipment; without it, it reads them now (no shared row makes it wait: the cache's scopes change
    # after the commit).
    booking.join(0.5)
    release.set()
    adding.join(5)
    booking.join(5)
    new = Equipment.objects.get(inventory_number="RACE-NEW")
    assert len(lessons) == 1
    assert selectors.free_units(new, start, start + dt.timedelta(hours=1)) == (0 if locked else 1)


def test_two_bookings_that_deadlock_on_the_held_units_are_refused_as_an_overlap(
    make_user: Any, monkeypatch: Any
) -> None:
    """Two bookings of both units of a pool, written at once with the lock off, each holding its units in the
    other's order, one unit per statement: each waits for the other's exclusion check, and PostgreSQL breaks the
    deadlock by aborting one. That one is refused as the overlap it is (409 in the API), never a 500; the other
    is booked. (The burst above met the same deadlock now and then, when two inserts of one unit interleaved.)"""
    from django.db import connections

    from technopark.core.errors import ConflictError
    from technopark.labs.models import BookingUnit
    from technopark.labs.services import bookings as services

    _without_row_locks(monkeypatch)
    pool, _token, start = _world(make_user, units=2)
    staff = make_user("race.deadlock@example.test", "lab_manager")
    both_hold_one = threading.Barrier(2, timeout=10)

    def hold_one_by_one(equipment: Any, booking: Any) -> None:
        units = [1, 2] if booking.note == "up" else [2, 1]
        for number, unit in enumerate(units):
            BookingUnit.objects.create(
                booking=booking, equipment=equipment, unit=unit, starts_at=booking.starts_at, ends_at=booking.ends_at
            )
            if number == 0:
                both_hold_one.wait()

    monkeypatch.setattr(services, "_hold", hold_one_by_one)
    outcomes: list[str] = []

    def book(note: str) -> None:
        try:
            services.book(
                pool, actor=staff, starts_at=start, ends_at=start + dt.timedelta(hours=1), purpose="lesson",
                units=2, note=note,
            )  # fmt: skip
            outcomes.append("booked")
        except ConflictError as refusal:
            outcomes.append(refusal.code)
        except Exception as error:
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(note,)) for note in ("up", "down")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(outcomes) == ["booked", "overlap"], outcomes
    assert _overlaps() == 0
