"""The move of the registry of people into the people app (decision 0007) keeps every row: backwards to before the
move and forwards again, on demo and generated data, every moved table holds the same rows, the content types
keep their ids (the audit log and permissions point at them) and the foreign keys of other apps still resolve."""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# (app before the move, model): the table was "<app>_<model>", it is "people_<model>".
MOVED = [
    ("accounts", "person"),
    ("accounts", "guardianship"),
    ("accounts", "claimcode"),
    ("accounts", "notduplicate"),
    ("accounts", "consenttext"),
    ("accounts", "consent"),
    ("network", "affiliation"),
]
# Tables of other apps whose rows point at moved ones: they must not change either.
REFERRING = [
    "events_registration",
    "events_teammember",
    "events_certificate",
    "labs_booking",
    "labs_authorisation",
    "labs_trainingseat",
    "projects_project_team",
    "projects_project_supervisors",
]
# Every migration that takes part in the move, unapplied to go back to before it.
BEFORE_THE_MOVE = [("people", None)]


def _rows(table: str) -> Iterator[tuple[Any, ...]]:
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted} ORDER BY id")  # noqa: S608 - a table name from this module
        names = tuple(column[0] for column in cursor.description)
        yield names
        yield from cursor.fetchall()


def _fingerprint(table: str) -> tuple[int, str]:
    """The number of rows and a SHA-256 of every row, in the order of their ids."""
    digest = hashlib.sha256()
    count = -1  # the column names come first
    for row in _rows(table):
        digest.update(repr(row).encode())
        count += 1
    return count, digest.hexdigest()


def _snapshot(*, moved: bool) -> dict[str, Any]:
    content_types = {}
    with connection.cursor() as cursor:
        for app, model in MOVED:
            sql = "SELECT id FROM django_content_type WHERE app_label = %s AND model = %s"
            cursor.execute(sql, ["people" if moved else app, model])
            content_types[app, model] = [row[0] for row in cursor.fetchall()]
    tables = {(app, model): _fingerprint(f"people_{model}" if moved else f"{app}_{model}") for app, model in MOVED}
    referring = {table: _fingerprint(table) for table in REFERRING}
    return {"content_types": content_types, "tables": tables, "referring": referring}


def _check_foreign_keys() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []


def _migrate(targets: list[tuple[str, str | None]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _add_what_the_data_sets_lack() -> None:
    """Claim codes and pairs that are not duplicates: neither data set makes them."""
    from technopark.people import services
    from technopark.people.models import Person

    first, second = Person.objects.filter(user__isnull=True).order_by("id")[:2]
    services.issue_claim_code(first, claimant="self", actor=None)
    services.mark_not_duplicate(first, second, actor=None)


def _restore_what_data_migrations_made() -> None:
    """Districts and labs, which the demo data need: an earlier transactional test may have emptied every
    table. Both migrations create what is missing and keep what is there."""
    from django.apps import apps

    importlib.import_module("technopark.network.migrations.0002_districts").create(apps, None)
    importlib.import_module("technopark.labs.migrations.0002_centre_labs_and_no_overlap").add_labs(apps, None)


# Transactional: migrations commit. The test leaves the database at the head, emptied like any such test.
@pytest.mark.django_db(transaction=True)
def test_the_move_to_people_keeps_every_row_backwards_and_forwards() -> None:
    _restore_what_data_migrations_made()
    call_command("seed_demo", verbosity=0)  # a little of everything, through the services
    call_command("generate_scale_data", scale="small", verbosity=0)
    _add_what_the_data_sets_lack()
    at_head = _snapshot(moved=True)
    counts = {key: count for key, (count, _) in at_head["tables"].items()}
    # The data sets fill every moved table, so the comparison below compares rows, not empty tables.
    assert all(count > 0 for count in counts.values()), counts
    assert all(len(ids) == 1 for ids in at_head["content_types"].values())
    try:
        _migrate(BEFORE_THE_MOVE)
        before = _snapshot(moved=False)
        assert before == at_head
        _check_foreign_keys()
        executor = MigrationExecutor(connection)
        assert ("people", "0001_initial") not in executor.loader.applied_migrations
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert _snapshot(moved=True) == at_head
    _check_foreign_keys()

    from technopark.labs.models import Booking
    from technopark.people.models import Person

    booking = Booking.objects.filter(person__isnull=False).select_related("person").first()
    assert booking is None or isinstance(booking.person, Person)
