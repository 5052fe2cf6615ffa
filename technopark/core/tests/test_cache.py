"""The cache layer (`core.cache`): values under their scopes' tokens, tokens changed after commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache as django_cache
from django.db import transaction

from technopark.core import cache


def token(scope: Any) -> Any:
    return django_cache.get(cache.version_key(scope))


def test_a_value_is_kept_until_one_of_its_scopes_changes(db: Any) -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cache.cached(("n",), [("lab", 1), "news"], compute) == 1
    assert cache.cached(("n",), [("lab", 1), "news"], compute) == 1
    cache.changed("news")
    assert cache.cached(("n",), [("lab", 1), "news"], compute) == 2
    cache.changed(("lab", 2))  # another lab: the value stays
    assert cache.cached(("n",), [("lab", 1), "news"], compute) == 2


def test_a_scope_changes_when_the_transaction_commits_not_before(db: Any) -> None:
    cache.cached(("n",), [("equipment", 5)], lambda: 1)
    before = token(("equipment", 5))
    with transaction.atomic():
        cache.changed(("equipment", 5))
        assert token(("equipment", 5)) == before  # a reader now would store the old data under the old token
    assert token(("equipment", 5)) not in (None, before)


def test_a_rolled_back_write_changes_no_scope(db: Any) -> None:
    cache.cached(("n",), [("equipment", 6)], lambda: 1)
    before = token(("equipment", 6))
    with pytest.raises(RuntimeError), transaction.atomic():
        cache.changed(("equipment", 6))
        raise RuntimeError
    assert token(("equipment", 6)) == before


def test_a_lost_token_is_replaced_by_a_new_one_never_an_old_one(db: Any) -> None:
    assert cache.cached(("n",), ["news"], lambda: "old") == "old"
    first = token("news")
    django_cache.delete(cache.version_key("news"))  # evicted
    assert cache.cached(("n",), ["news"], lambda: "new") == "new"
    assert token("news") not in (None, first)
    # Even if the value survived the token's eviction, it is not served again.
    assert cache.cached(("n",), ["news"], lambda: "newer") == "new"


class Recorder:
    """The cache, recording which of its methods are called (each is one round trip to Redis)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        self.calls.append(name)
        return getattr(django_cache, name)


def test_a_value_and_its_tokens_are_read_in_one_round_trip(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.cached(("n",), [("lab", 1), ("equipment", 2), "news"], lambda: 1)
    recorder = Recorder()
    monkeypatch.setattr(cache, "cache", recorder)
    assert cache.cached(("n",), [("lab", 1), ("equipment", 2), "news"], lambda: 2) == 1
    assert recorder.calls == ["get_many"]


def test_nothing_is_kept_with_the_page_cache_off(db: Any, settings: Any) -> None:
    settings.PAGE_CACHE = False
    assert cache.cached(("n",), ["news"], lambda: 1) == 1
    assert cache.cached(("n",), ["news"], lambda: 2) == 2


def test_a_process_does_not_serve_its_own_copy_once_another_node_changed_a_scope(db: Any) -> None:
    assert cache.cached(("n",), [("lab", 4)], lambda: "old") == "old"
    assert cache.cached(("n",), [("lab", 4)], lambda: "unused") == "old"  # from this process's copy
    django_cache.set(cache.version_key(("lab", 4)), "another-node-token")  # what a bump on another node does
    assert cache.cached(("n",), [("lab", 4)], lambda: "new") == "new"
