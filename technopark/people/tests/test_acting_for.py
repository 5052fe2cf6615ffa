"""Whom a login acts for (`people.access.acting_for`) is read once per request and never outlives it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from technopark.people import services
from technopark.people.access import acting_for, acting_for_ids, may_edit_person, own_person, self_and_children_ids

pytestmark = pytest.mark.django_db


def _child(last_name: str = "Ребёнок") -> Any:
    return services.create_person(actor=None, last_name=last_name, first_name="Дитя", birth_date=dt.date(2015, 1, 1))


def test_the_login_of_a_request_reads_the_set_once(make_user: Any, django_assert_num_queries: Any) -> None:
    parent = make_user("parent.memo@example.test", "guardian")
    child = _child()
    services.link_guardian(child, services.ensure_own_person(parent), actor=None)
    parent.start_request_memo()  # what `SecondFactorMiddleware` does for the login of each request
    assert parent.roles  # read with the login in a request (`UserManager.with_roles`)
    with django_assert_num_queries(1):
        assert child.pk in acting_for_ids(parent)
    with django_assert_num_queries(0):
        assert child.pk in acting_for_ids(parent)
        assert may_edit_person(parent, child)
    with django_assert_num_queries(1):
        assert own_person(parent) is not None
        assert own_person(parent) is not None


def test_a_write_through_the_services_is_seen_in_the_same_request(make_user: Any) -> None:
    parent = make_user("parent.write@example.test", "guardian")
    own = services.ensure_own_person(parent)
    parent.start_request_memo()
    assert self_and_children_ids(parent) == {own.pk}
    child = _child()
    services.link_guardian(child, own, actor=parent)
    assert self_and_children_ids(parent) == {own.pk, child.pk}
    assert child.pk in acting_for_ids(parent)


def test_a_login_outside_a_request_always_reads_afresh(make_user: Any) -> None:
    """Commands, tasks and tests hold user objects with no memo: a change made elsewhere shows at once."""
    parent = make_user("parent.fresh@example.test", "guardian")
    own = services.ensure_own_person(parent)
    assert acting_for_ids(parent) == {own.pk}
    child = _child()
    services.link_guardian(child, own, actor=None)
    assert acting_for_ids(parent) == {own.pk, child.pk}


def test_nothing_passes_between_requests_or_logins(make_user: Any, client_for: Any) -> None:
    parent = make_user("parent.requests@example.test", "guardian")
    other = make_user("other.requests@example.test", "guardian")
    own = services.ensure_own_person(parent)
    services.ensure_own_person(other)
    child = _child("Найденов")
    client = client_for(parent)
    assert "Найденов" not in client.get("/en/people/").content.decode()
    services.link_guardian(child, own, actor=None)
    assert "Найденов" in client.get("/en/people/").content.decode()
    assert client_for(other).get(f"/en/people/{child.pk}/").status_code == 404


def test_anonymous_visitors_act_for_nobody() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert acting_for_ids(AnonymousUser()) == frozenset()
    assert own_person(AnonymousUser()) is None
    assert not acting_for(AnonymousUser()).exists()
