"""`core.transactions`: a task is enqueued once when the transaction commits, never when it is rolled back, and
an e-mail task gets the language of whoever caused it (decision 0009)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.utils import translation
from django_tasks import task

from technopark.core.transactions import email_after_commit, enqueue_after_commit

RAN: list[tuple[Any, ...]] = []


@task()
def remember(value: int, *, language: str = "") -> None:
    RAN.append((value, language))


@pytest.fixture(autouse=True)
def _nothing_ran() -> Any:
    RAN.clear()
    yield
    RAN.clear()


@pytest.mark.django_db(transaction=True)
def test_a_task_is_enqueued_once_after_the_commit_and_never_for_a_rollback() -> None:
    """Real transactions: the test's own would hold every callback until its end."""
    with transaction.atomic():
        enqueue_after_commit(remember, 1)
        assert RAN == []  # the worker could not read what this transaction wrote yet
    assert RAN == [(1, "")]
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_after_commit(remember, 2)
        raise RuntimeError("the write is refused")
    assert RAN == [(1, "")]


def test_nothing_is_enqueued_for_the_part_of_a_transaction_rolled_back(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint rolled back, the rest kept
            enqueue_after_commit(remember, 2)
            raise RuntimeError("this part is refused")
        enqueue_after_commit(remember, 3)
    assert len(callbacks) == 1
    assert RAN == [(3, "")]


def test_an_email_task_is_written_in_the_language_of_whoever_caused_it(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with translation.override("be"):
            email_after_commit(remember, 4)
        enqueue_after_commit(remember, 5, language="ru")
    assert RAN == [(4, "be"), (5, "ru")]
