"""One cache for what pages read, on Django's cache framework (docs/decisions/0008-cache-layer.md).

A cached value depends on one or more *scopes*: the objects it was read from, such as ``("lab", 3)``,
``("equipment", 17)`` or ``("news",)``. Each scope has a version token kept in the cache itself (never in the
database), and a value is stored with the tokens of its scopes as they were when it was read. A write calls
`changed` with the scopes it touched; once its transaction commits, each of them gets a new random token, so
every value read from them no longer matches and is read anew, in every process that shares the cache (Redis
in production, local memory in tests and for a single development process). Nothing is raised inside the
writing transaction, so bookings of different machines never queue on a shared row.

A lost or evicted token is replaced by a new random one, never by one used before, so an eviction can make a
value be read again but never serve an old one. A value is read with its scopes' tokens in one round trip
(`get_many`).

Only what is shown is cached: a rule that decides a write (opening hours for a booking, places left for a
registration) reads the database.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver

Scope = tuple[Any, ...]
T = TypeVar("T")

# How long a value may stay unread before the cache drops it (a day): tokens change on every write, so
# this bounds how long superseded values linger, not how fresh a value is.
DEFAULT_TIMEOUT = 24 * 3600
PREFIX = "tp"

# Each process also keeps the values it last read, up to NEAR_BYTES (their pickled size), and serves one
# only when the tokens just read from the shared cache are the ones it was stored under: a read then moves
# the tokens, not a week of 900 slots, and unpickles nothing. It can never be staler than the shared cache.
NEAR_BYTES = 32 * 1024 * 1024
_near: OrderedDict[str, tuple[tuple[str, ...], Any, int]] = OrderedDict()
_near_size = 0
_near_lock = threading.Lock()


def _keep_near(key: str, versions: tuple[str, ...], value: Any) -> None:
    global _near_size
    size = len(key) + len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    if size > NEAR_BYTES // 8:
        return
    with _near_lock:
        old = _near.pop(key, None)
        if old is not None:
            _near_size -= old[2]
        _near[key] = (versions, value, size)
        _near_size += size
        while _near_size > NEAR_BYTES:
            _key, (_versions, _value, dropped) = _near.popitem(last=False)
            _near_size -= dropped


def _forget_near() -> None:
    global _near_size
    with _near_lock:
        _near.clear()
        _near_size = 0


def _scope(scope: Scope | str) -> Scope:
    return (scope,) if isinstance(scope, str) else tuple(scope)


def version_key(scope: Scope | str) -> str:
    """The cache key of ``scope``'s version token, e.g. ``tp:v:lab:3``."""
    return f"{PREFIX}:v:" + ":".join(str(part) for part in _scope(scope))


@functools.cache
def release() -> str:
    """A digest of the code, templates and catalogs this process runs, and of ``RELEASE`` if set: values are
    HTML and objects of this code, so a deploy reads them anew (the same code on two nodes shares them)."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(os.environ.get("RELEASE", "").encode())
    base = Path(settings.BASE_DIR)
    for folder in ("technopark", "config", "locale"):
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".mo"} and "tests" not in path.parts and path.is_file():
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def value_key(key: Sequence[Any]) -> str:
    """The cache key of a value: hashed, as keys hold paths and queries typed by visitors."""
    text = repr((release(), *key))
    return f"{PREFIX}:c:{key[0]}:" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _new_token() -> str:
    return secrets.token_hex(8)


class _Bump:
    """New tokens for ``keys`` (a callable for `transaction.on_commit`, recognisable by the tests' commit)."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys

    def __call__(self) -> None:
        cache.set_many({key: _new_token() for key in self.keys}, timeout=None)


def changed(*scopes: Scope | str) -> None:
    """Values read from ``scopes`` are stale once the current transaction commits (at once outside one)."""
    keys = sorted({version_key(scope) for scope in scopes})
    if not keys:
        return
    if _testing and _only_test_case_blocks(transaction.get_connection()):
        _Bump(keys)()
    else:
        transaction.on_commit(_Bump(keys), robust=True)


_testing = False


def _only_test_case_blocks(connection: Any) -> bool:
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


@dataclass
class Lookup:
    """A value looked up under the versions its scopes have now; `store` keeps a fresh value under them."""

    key: str
    versions: tuple[str, ...]
    hit: bool
    value: Any = None

    def store(self, value: Any, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        if settings.PAGE_CACHE:
            cache.set(self.key, (self.versions, value), timeout)
            _keep_near(self.key, self.versions, value)


def lookup(key: Sequence[Any], scopes: Iterable[Scope | str]) -> Lookup:
    """The value stored under ``key`` if it was read from ``scopes`` as they are now (one round trip; one more
    per scope whose token was lost, and one for the value when this process's copy is out of date)."""
    names = [version_key(scope) for scope in scopes]
    stored_key = value_key(key)
    if not settings.PAGE_CACHE:
        return Lookup(stored_key, (), hit=False)
    near = _near.get(stored_key)
    found = cache.get_many(names if near is not None else [stored_key, *names])
    versions = []
    for name in names:
        token = found.get(name)
        if token is None:
            # Lost or never set: a new random token, so nothing stored before can match it. Another process
            # may set one at the same moment; whichever was set first is the one everybody uses.
            token = _new_token()
            if not cache.add(name, token, timeout=None):
                token = cache.get(name) or token
        versions.append(token)
    current = tuple(versions)
    if near is not None:
        if near[0] == current:
            with _near_lock:
                if stored_key in _near:
                    _near.move_to_end(stored_key)
            return Lookup(stored_key, current, hit=True, value=near[1])
        entry = cache.get(stored_key)
    else:
        entry = found.get(stored_key)
    if entry is not None and entry[0] == current:
        _keep_near(stored_key, current, entry[1])
        return Lookup(stored_key, current, hit=True, value=entry[1])
    return Lookup(stored_key, current, hit=False)


def cached(
    key: Sequence[Any], scopes: Iterable[Scope | str], compute: Callable[[], T], *, timeout: float | None = None
) -> T:
    """``compute()``, or what it returned before while ``scopes`` have not changed since. The value may be the
    very object another request got (this process's copy): read it, never change it."""
    found = lookup(key, scopes)
    if found.hit:
        return found.value  # type: ignore[no-any-return]
    value = compute()
    found.store(value, DEFAULT_TIMEOUT if timeout is None else timeout)
    return value


@receiver(setting_changed)
def clear(**kwargs: Any) -> None:
    """Forget every value (tests that change a setting a page shows: a deploy changes `release`)."""
    cache.clear()
    _forget_near()


@contextmanager
def for_tests() -> Iterator[None]:
    """An empty cache, and bumps made when a block leaves for the test case's own transaction.

    A test's transaction is rolled back, never committed, so `transaction.on_commit` would never run a
    bump inside it. A request's transaction commits when its outermost block exits; here the same moment
    is when the last block opened by the code under test exits and only the test case's blocks remain.
    Only the cache's bumps run then: other callbacks (e-mails) keep Django's behaviour in tests.
    """
    original_exit = transaction.Atomic.__exit__

    @functools.wraps(original_exit)
    def exit_and_bump(self: transaction.Atomic, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        original_exit(self, exc_type, exc_value, traceback)
        connection = transaction.get_connection(self.using)
        if exc_type is not None or not connection.in_atomic_block or not _only_test_case_blocks(connection):
            return
        bumps = [item for item in connection.run_on_commit if isinstance(item[1], _Bump)]
        connection.run_on_commit = [item for item in connection.run_on_commit if not isinstance(item[1], _Bump)]
        for _savepoints, bump, _robust in bumps:
            bump()

    global _testing
    clear()
    transaction.Atomic.__exit__ = exit_and_bump  # type: ignore[method-assign]
    _testing = True
    try:
        yield
    finally:
        _testing = False
        transaction.Atomic.__exit__ = original_exit  # type: ignore[method-assign]
        clear()
