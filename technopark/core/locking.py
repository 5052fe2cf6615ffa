"""Row locks for a write that guards an invariant: the one way to take them (decision 0009).

A rule such as "never more confirmed places than the capacity" (DOMAIN.md rule 1) or "one unit is never held
twice at the same time" (rule 2) is kept by reading and then writing. Two requests doing that at once must not
both read before either writes, so the writer locks what gets used up (the event's row, the machine's row)
inside its transaction, before it reads, and holds the lock until the transaction ends.

`lock_rows` and `lock_row` are how every service takes such a lock:

- **Inside a transaction only.** A row lock taken outside ``transaction.atomic`` ends with its statement and
  guards nothing; asking for one there is a bug, refused with `LockOutsideTransaction` (also in tests, whose
  own transaction does not count).
- **One global order.** Rows of the models in `LOCK_ORDER` are locked in that order, and rows of one model
  in ascending id. Two writers that lock in one order cannot deadlock: one waits for the other. A transaction
  that locks rows of two models locks those of the model earlier in the table first; rows of one model are
  best locked in one call. A model that is not in the table cannot be locked.
- **PostgreSQL**: ``SELECT … FOR NO KEY UPDATE OF <table>``, the lock an ``UPDATE`` of the row takes itself,
  so rows that only point at the locked one (a booking's held units, a registration) are still inserted by
  others. A lock not granted within ``settings.DATABASE_LOCK_TIMEOUT`` seconds (``lock_timeout``, for the rest
  of the transaction) ends the write with `RowsBusy`: the person is told that someone else is changing the
  same thing and to try again, never shown a 500.
- **SQLite**: ``FOR UPDATE`` does not exist; every transaction begins ``IMMEDIATE`` (``config.env``), so writers
  already queue one behind the other at ``BEGIN`` and the rows are just read.

Tests that show a race would happen without the lock (the negative controls of ``tests/test_*_race.py``)
patch `for_update` to return the rows unlocked; no setting switches locks off.
"""

from __future__ import annotations

import sqlite3
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import DatabaseError, OperationalError, connections, models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from technopark.core.errors import DomainError

M = TypeVar("M", bound=models.Model)

# The order rows are locked in, first to last, for every transaction whatever it writes (model labels, since
# core imports no app). Lower apps come first, in the apps' dependency order (accounts → network → people →
# labs → projects → events): a higher app's rows are locked after a lower one's, as when a consent withdrawn in
# people cancels a child's bookings and registrations. Inside an app, what holds comes before what it holds:
# a lab before its equipment, an event before its registrations. Add a model here before locking its rows.
LOCK_ORDER: tuple[str, ...] = (
    "accounts.RoleAssignment",  # the administrators, before one of them loses the role
    "accounts.ApiToken",
    "network.Institution",
    "people.ClaimCode",  # a code before the record it claims
    "people.Person",  # a record before its consents (a corrected date of birth ends some)
    "people.ConsentText",
    "people.Consent",  # a consent before what ends with it: bookings, then registrations
    "labs.Lab",  # a lab before its equipment (a lesson in the whole lab; equipment added or moved)
    "labs.Equipment",  # a machine before its bookings (maintenance displaces them)
    "labs.Booking",
    "labs.TrainingSession",  # a session before its seats
    "labs.TrainingSeat",
    "projects.Project",
    "events.Event",  # an event before its registrations (and their places)
    "events.Registration",
)

_RANK = {label: rank for rank, label in enumerate(LOCK_ORDER)}

# PostgreSQL's error codes of writes that met another one: the lock was not granted in time, a deadlock was
# broken by aborting this transaction, a serialisable transaction could not be ordered.
LOCK_NOT_AVAILABLE = "55P03"
DEADLOCK_DETECTED = "40P01"
SERIALIZATION_FAILURE = "40001"


class LockOutsideTransaction(RuntimeError):
    """A row lock was asked for outside ``transaction.atomic``: a programming error, never the user's."""


class RowsBusy(DomainError):
    """The rows stayed locked by another write for longer than the lock timeout."""

    code = "busy"
    status = 503

    def __init__(self) -> None:
        super().__init__(
            _("Someone else is changing the same thing right now, so nothing was saved. Try again in a moment.")
        )


def rank(model: type[models.Model]) -> int:
    """The place of ``model`` in `LOCK_ORDER`; `LookupError` for a model that has none."""
    try:
        return _RANK[model._meta.label]
    except KeyError:
        raise LookupError(
            f"{model._meta.label} has no place in technopark.core.locking.LOCK_ORDER: add it before locking its rows"
        ) from None


def for_update(rows: QuerySet[M]) -> QuerySet[M]:
    """The lock itself, as a clause of the query (module docstring). Only the model's own rows are locked,
    not the rows of tables joined by ``select_related``."""
    return rows.select_for_update(of=("self",), no_key=True)


def lock_rows(rows: type[M] | QuerySet[M]) -> list[M]:
    """Lock every row of ``rows`` (a queryset, or a model for all its rows) until the transaction ends, in
    ascending id, and return them as they are now. Raises `LockOutsideTransaction` outside a transaction,
    `LookupError` for a model outside `LOCK_ORDER`, `RowsBusy` when the lock is not granted in time."""
    queryset = rows if isinstance(rows, QuerySet) else rows._default_manager.all()
    connection = connections[queryset.db]
    # A test's own transaction (Django's TestCase marks it) is not the code's: the code must open one.
    if all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        raise LockOutsideTransaction(
            f"{queryset.model._meta.label} rows locked outside transaction.atomic: the lock would end at once"
        )
    rank(queryset.model)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # set_config(…, true) is SET LOCAL: the timeout holds until this transaction ends.
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{_timeout_ms()}ms"])
        return list(for_update(queryset.order_by("pk")))
    except OperationalError as error:
        if sqlstate(error) == LOCK_NOT_AVAILABLE:
            raise RowsBusy() from error
        raise


def lock_row(rows: type[M] | QuerySet[M], pk: object) -> M:
    """The row ``pk`` of ``rows``, locked as `lock_rows` does; the model's ``DoesNotExist`` if it is gone."""
    queryset = rows if isinstance(rows, QuerySet) else rows._default_manager.all()
    found = lock_rows(queryset.filter(pk=pk))
    if not found:
        raise cast(Any, queryset.model).DoesNotExist(f"{queryset.model._meta.label} {pk} does not exist")
    return found[0]


def _timeout_ms() -> int:
    return max(1, round(float(settings.DATABASE_LOCK_TIMEOUT) * 1000))


def sqlstate(error: DatabaseError) -> str | None:
    """PostgreSQL's error code behind a database error Django raised (psycopg 3 or 2), else None."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def is_deadlock(error: DatabaseError) -> bool:
    """Whether ``error`` is a deadlock the database broke by aborting this transaction, or a serialisation
    failure: two writes waited for each other, and this one lost."""
    return sqlstate(error) in {DEADLOCK_DETECTED, SERIALIZATION_FAILURE}


def is_collision(error: DatabaseError) -> bool:
    """Whether ``error`` means this write met another at the same moment and lost, rather than a fault: a
    deadlock broken by the database, a serialisation failure, a lock not granted in time, or SQLite's
    "database is locked" after its busy timeout. Such a write may be refused as a conflict or tried again."""
    if is_deadlock(error) or sqlstate(error) == LOCK_NOT_AVAILABLE:
        return True
    cause = error.__cause__
    return isinstance(cause, sqlite3.OperationalError) and getattr(cause, "sqlite_errorcode", None) in {
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    }
