"""Work that waits for the commit: enqueueing a background task, an e-mail composed by the worker (decision 0009).

A service writes inside a transaction. What it asks of the worker (the e-mail about a registration just made)
must neither run for a write that is then rolled back nor start before the worker can read the rows, so it is
enqueued when the transaction commits, and never if it is rolled back. Every service does it through these two
functions; none writes ``transaction.on_commit(lambda: task.enqueue(…))`` itself.

The task a service enqueues is imported at the top of the service's module: e-mail tasks live in the app's
``services/mail.py`` beside what composes the e-mail, below the services that enqueue them; an app's
``tasks.py`` holds the long jobs the pages start (`core.BackgroundJob`), which run services and sit beside
the views. So no service imports a task module, at the top or inside a function.
"""

from __future__ import annotations

import functools
from typing import Any, ParamSpec

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django_tasks.base import Task

P = ParamSpec("P")


def enqueue_after_commit(task: Task[P, Any], /, *args: P.args, **kwargs: P.kwargs) -> None:
    """Enqueue ``task`` with these arguments once the current transaction commits (at once outside one), and
    never if it is rolled back. Pass ids and plain values (JSON): the worker reads the rows as they are then."""
    transaction.on_commit(functools.partial(task.enqueue, *args, **kwargs))


def email_after_commit(task: Task[..., Any], /, *args: Any, **kwargs: Any) -> None:
    """As `enqueue_after_commit`, for a task that composes an e-mail: it is also given ``language``, the
    language of whoever caused it (active now), so that the worker writes the e-mail in it later."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    enqueue_after_commit(task, *args, language=language, **kwargs)
