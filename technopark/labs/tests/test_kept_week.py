"""A kept week keeps its calendar's HTML too (`labs_tags.week_calendar`): the same as a fresh render, per
language, and gone with the week when a booking raises the `labs` revision."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from technopark.core import pagecache
from technopark.labs import selectors, services
from technopark.labs.models import Equipment, Lab
from technopark.labs.tests.conftest import at


@pytest.fixture
def cached(settings: Any) -> Any:
    settings.PAGE_CACHE = True
    pagecache.clear()
    yield
    pagecache.clear()


TOKENS = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+')


@pytest.fixture(autouse=True)
def _russian() -> Any:
    """The /en/ page leaves English active in this thread; the other tests expect the default."""
    yield
    translation.activate("ru")


def _page(client: Client, path: str) -> bytes:
    return TOKENS.sub(rb"\1", client.get(path).content)  # a CSRF token is new for every request


def _teacher(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("kept.week@example.test", "teacher"))
    return client


def test_the_kept_calendar_is_what_the_template_renders_and_follows_bookings(
    fablab: Lab, laser: Equipment, lab_manager: Any, make_user: Any, cached: Any, settings: Any, monkeypatch: Any
) -> None:
    client = _teacher(make_user)
    week = f"{at(2, 0).date():%Y-%m-%d}"
    paths = [
        f"/labs/fablab/week/?week={week}",
        f"/labs/equipment/{laser.pk}/?week={week}",
        f"/en/labs/fablab/week/?week={week}",
    ]
    first = [_page(client, path) for path in paths]
    kept = [_page(client, path) for path in paths]
    assert all(selectors._weeks[key].html for key in selectors._weeks)  # the HTML is kept with the weeks
    settings.PAGE_CACHE = False  # composed and rendered anew for every request
    assert [_page(client, path) for path in paths] == kept == first
    assert b"Week calendar" in first[2] and b"Week calendar" not in first[0]  # per language
    settings.PAGE_CACHE = True
    services.book(laser, actor=lab_manager, starts_at=at(2, 10), ends_at=at(2, 12), purpose="lesson")
    monkeypatch.setattr(pagecache, "REVISION_TTL_SECONDS", 0)
    assert "10:00–12:00" in client.get(paths[1]).content.decode()
