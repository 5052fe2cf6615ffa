"""`core.locking`: row locks only inside a transaction, in one global order, with a lock timeout on PostgreSQL
turned into "try again", and SQLite's writers queueing at BEGIN IMMEDIATE (decision 0009)."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import pytest
from django.apps import apps
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from technopark.core import locking
from technopark.core.models import BackgroundJob
from technopark.people.models import Person

on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's row locks")
on_sqlite = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's IMMEDIATE transactions")


def _people(count: int) -> list[Person]:
    return [Person.objects.create(last_name=f"Запертый{i}", first_name="Иван") for i in range(count)]


def test_a_lock_outside_a_transaction_is_refused_loudly(db: Any) -> None:
    """The test's own transaction does not count: a service that forgot ``transaction.atomic`` is caught."""
    (person,) = _people(1)
    with pytest.raises(locking.LockOutsideTransaction):
        locking.lock_rows(Person.objects.filter(pk=person.pk))
    with pytest.raises(locking.LockOutsideTransaction):
        locking.lock_row(Person, person.pk)


def test_rows_locked_inside_a_transaction_come_back_as_they_are_now_in_ascending_id(db: Any) -> None:
    people = _people(3)
    Person.objects.filter(pk=people[1].pk).update(first_name="Пётр")  # changed after ``people`` was read
    with transaction.atomic():
        locked = locking.lock_rows(Person.objects.filter(pk__in=[p.pk for p in reversed(people)]))
        one = locking.lock_row(Person, people[1].pk)
    assert [p.pk for p in locked] == sorted(p.pk for p in people)
    assert one.first_name == "Пётр" and locked[1].first_name == "Пётр"


def test_a_row_that_is_gone_raises_its_models_does_not_exist(db: Any) -> None:
    with transaction.atomic(), pytest.raises(Person.DoesNotExist):
        locking.lock_row(Person, 10**9)


def test_a_model_without_a_place_in_the_lock_order_cannot_be_locked(db: Any) -> None:
    with transaction.atomic(), pytest.raises(LookupError, match="LOCK_ORDER"):
        locking.lock_rows(BackgroundJob)


def test_every_model_in_the_lock_order_exists_once() -> None:
    """A model renamed or moved to another app (its label changes) must be moved in the table too."""
    assert len(set(locking.LOCK_ORDER)) == len(locking.LOCK_ORDER)
    for label in locking.LOCK_ORDER:
        assert apps.get_model(label)._meta.label == label


def test_the_table_puts_what_holds_before_what_it_holds() -> None:
    """The orders the services rely on (decision 0009): a consent before what ends with it, labs before their
    equipment, equipment before its bookings, an event before its registrations."""
    rank = {label: locking.rank(apps.get_model(label)) for label in locking.LOCK_ORDER}
    assert rank["people.ClaimCode"] < rank["people.Person"] < rank["people.Consent"]
    assert rank["people.Consent"] < rank["labs.Booking"] < rank["events.Event"]
    assert rank["labs.Lab"] < rank["labs.Equipment"] < rank["labs.Booking"]
    assert rank["labs.TrainingSession"] < rank["labs.TrainingSeat"]
    assert rank["events.Event"] < rank["events.Registration"]


def test_the_lock_is_an_update_lock_of_the_models_own_rows_in_id_order(db: Any) -> None:
    """PostgreSQL: ``FOR NO KEY UPDATE OF`` the model's table (rows that only point at it are still inserted;
    a joined table is not locked), ordered by id, after the lock timeout is set. SQLite: no lock clause, the
    rows are read (its transactions are IMMEDIATE)."""
    _people(2)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locking.lock_rows(Person.objects.select_related("user"))
    statements = [query["sql"] for query in queries.captured_queries]
    lock = statements[-1]
    assert 'ORDER BY "people_person"."id" ASC' in lock
    if connection.vendor == "postgresql":
        assert "set_config('lock_timeout'" in statements[-2]
        assert lock.endswith('FOR NO KEY UPDATE OF "people_person"')
    else:
        assert "FOR " not in lock.split("ORDER BY")[-1]


def _hold_lock(person_id: int, locked: threading.Event, release: threading.Event) -> None:
    """In another connection: lock the person's row and keep it until ``release``."""
    try:
        with transaction.atomic():
            locking.lock_row(Person, person_id)
            locked.set()
            release.wait(10)
    finally:
        connections.close_all()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_lock_held_beyond_the_timeout_refuses_the_write_with_try_again(settings: Any) -> None:
    settings.DATABASE_LOCK_TIMEOUT = 0.3
    (person,) = _people(1)
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(person.pk, locked, release))
    holder.start()
    try:
        assert locked.wait(5)
        with pytest.raises(locking.RowsBusy) as busy, transaction.atomic():
            locking.lock_row(Person, person.pk)
    finally:
        release.set()
        holder.join(5)
    assert busy.value.status == 503 and busy.value.code == "busy"
    with translation.override("en"):  # the message is translated; the test reads the English one
        assert "Try again" in str(busy.value.message)
    with transaction.atomic():  # once the other write has ended, the row is ours at once
        assert locking.lock_row(Person, person.pk).pk == person.pk


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_deadlock_the_database_breaks_is_recognised_as_a_collision() -> None:
    """Two connections that lock two rows in opposite orders (what `LOCK_ORDER` forbids): PostgreSQL aborts
    one, and its error is told apart from a fault, so that pages and the API answer "try again"."""
    first, second = _people(2)
    both_hold, errors = threading.Barrier(2, timeout=10), []

    def cross(mine: int, theirs: int) -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT id FROM people_person WHERE id = %s FOR UPDATE", [mine])
                both_hold.wait()
                cursor.execute("SELECT id FROM people_person WHERE id = %s FOR UPDATE", [theirs])
        except OperationalError as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=cross, args=(first.pk, second.pk)),
        threading.Thread(target=cross, args=(second.pk, first.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert len(errors) == 1
    assert locking.sqlstate(errors[0]) == locking.DEADLOCK_DETECTED
    assert locking.is_deadlock(errors[0]) and locking.is_collision(errors[0])


def test_sqlites_busy_database_is_a_collision_and_other_errors_are_not(tmp_path: Any) -> None:
    path = tmp_path / "busy.sqlite3"
    writer, other = sqlite3.connect(path, timeout=0), sqlite3.connect(path, timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError) as raised:
        other.execute("BEGIN IMMEDIATE")
    writer.rollback()
    busy = OperationalError(str(raised.value))
    busy.__cause__ = raised.value
    assert locking.is_collision(busy) and not locking.is_deadlock(busy)
    fault = OperationalError("no such table: nowhere")
    fault.__cause__ = sqlite3.OperationalError("no such table: nowhere")
    assert not locking.is_collision(fault)


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_second_writer_waits_at_begin_until_the_first_commits() -> None:
    """No row lock exists on SQLite; the IMMEDIATE transactions of `config.env` make writers queue, which is
    what `core.locking` relies on there."""
    (person,) = _people(1)
    locked, release = threading.Event(), threading.Event()
    order: list[str] = []

    def second_writer() -> None:
        try:
            with transaction.atomic():
                order.append("second began")
                locking.lock_row(Person, person.pk)
        finally:
            connections.close_all()

    holder = threading.Thread(target=_hold_lock, args=(person.pk, locked, release))
    holder.start()
    assert locked.wait(5)
    waiting = threading.Thread(target=second_writer)
    waiting.start()
    waiting.join(0.5)
    order.append("first released")
    release.set()
    holder.join(5)
    waiting.join(5)
    assert order == ["first released", "second began"]
