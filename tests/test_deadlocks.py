"""Writes that locked rows out of the global order could deadlock; in the order of `core.locking.LOCK_ORDER`
they queue (decision 0009). A third connection holds a row so that the two writes interleave the way that
deadlocked: one waits for it first, then the other takes its first row and waits behind.

PostgreSQL only: SQLite has no row locks, its IMMEDIATE transactions queue writers at BEGIN.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, connections, transaction

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's row locks"),
]


def _hold_row(sql: str, params: list[Any], held: threading.Event, release: threading.Event) -> None:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            held.set()
            release.wait(20)
    finally:
        connections.close_all()


def test_two_administrators_losing_the_role_at_once_do_not_deadlock(make_user: Any) -> None:
    """Each revocation used to lock its own row and then every administrator's: with two at once, each held
    the row the other waited for. Now every administrator's row is locked first, in id order."""
    from technopark.accounts import services
    from technopark.accounts.models import RoleAssignment

    first = make_user("deadlock.admin1@example.test", "administrator")
    second = make_user("deadlock.admin2@example.test", "administrator")
    make_user("deadlock.admin3@example.test", "administrator")
    second_row = RoleAssignment.objects.get(user=second, role="administrator")
    held, release = threading.Event(), threading.Event()
    outcomes: list[str] = []

    def revoke(user: Any) -> None:
        try:
            services.revoke_role(user, "administrator", actor=None)
            outcomes.append("revoked")
        except Exception as error:
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    holder = threading.Thread(
        target=_hold_row,
        args=("SELECT id FROM accounts_roleassignment WHERE id = %s FOR UPDATE", [second_row.pk], held, release),
    )
    holder.start()
    assert held.wait(10)
    revocations = [threading.Thread(target=revoke, args=(user,)) for user in (second, first)]
    for revocation in revocations:
        revocation.start()
        time.sleep(1)  # the second's revocation waits for the held row before the first's begins
    release.set()
    holder.join(20)
    for revocation in revocations:
        revocation.join(20)
    assert outcomes == ["revoked", "revoked"], outcomes
    assert RoleAssignment.objects.filter(role="administrator").count() == 1
