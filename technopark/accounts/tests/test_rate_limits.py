"""Sign-in limits behind the README's reverse proxy: each client address and each account has its own,
never one bucket for the whole site (README → Production, TRUSTED_PROXY_COUNT)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from technopark.core.models import AuditLog

PROXY = "10.0.0.2"  # nginx on the same machine: every request reaches the app from it


@pytest.fixture(autouse=True)
def behind_one_proxy(settings: Any) -> Iterator[None]:
    """One nginx in front (TRUSTED_PROXY_COUNT=1), and rate limits that start empty and leave nothing behind."""
    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()
    yield
    cache.clear()


def _sign_in(email: str, password: str, *, client_address: str, forwarded: str = "") -> Any:
    """A sign-in as nginx passes it on: its own address as the peer, the client's appended to the header."""
    header = f"{forwarded}, {client_address}" if forwarded else client_address
    return Client().post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=header,
    )


def _signed_in(response: Any) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def test_failed_sign_ins_of_many_clients_behind_the_proxy_do_not_lock_out_the_next_one(make_user):
    make_user("pupil@example.test", "student")
    # More than the per-address limit of failures (20 a minute) and of sign-ins (30 a minute), each from
    # a visitor of its own, each for an account of its own.
    for number in range(31):
        refused = _sign_in(f"guess{number}@example.test", "wrong", client_address=f"198.51.100.{number + 1}")
        assert refused.status_code == 200, f"attempt {number} was throttled"
    assert _signed_in(_sign_in("pupil@example.test", PASSWORD, client_address="203.0.113.50"))


def test_six_failures_for_one_account_lock_that_account_whichever_clients_they_come_from(make_user):
    make_user("target@example.test", "student")
    make_user("other@example.test", "student")
    for number in range(5):
        _sign_in("target@example.test", "wrong", client_address=f"198.51.100.{number + 1}")
    assert not _signed_in(_sign_in("target@example.test", PASSWORD, client_address="203.0.113.50"))
    assert AuditLog.objects.filter(action="accounts.login.throttled", actor_label="target@example.test").exists()
    assert _signed_in(_sign_in("other@example.test", PASSWORD, client_address="203.0.113.51"))


def test_more_than_twenty_failures_a_minute_from_one_client_are_refused_for_that_client_only(make_user):
    make_user("pupil@example.test", "student")
    make_user("neighbour@example.test", "student")
    for number in range(20):
        _sign_in(f"guess{number}@example.test", "wrong", client_address="198.51.100.7")
    assert not _signed_in(_sign_in("pupil@example.test", PASSWORD, client_address="198.51.100.7"))
    assert _signed_in(_sign_in("neighbour@example.test", PASSWORD, client_address="198.51.100.8"))


def test_a_client_cannot_escape_its_limit_by_writing_its_own_forwarded_addresses(make_user):
    make_user("pupil@example.test", "student")
    for number in range(20):
        _sign_in(
            f"guess{number}@example.test", "wrong", client_address="198.51.100.7", forwarded=f"192.0.2.{number + 1}"
        )
    refused = _sign_in("pupil@example.test", PASSWORD, client_address="198.51.100.7", forwarded="192.0.2.200")
    assert not _signed_in(refused)


def test_the_audit_log_records_the_client_behind_the_proxy(make_user):
    make_user("known@example.test")
    _sign_in("known@example.test", "wrong", client_address="203.0.113.77", forwarded="192.0.2.1")
    assert AuditLog.objects.get(action="accounts.login.failed").ip == "203.0.113.77"
