"""Each event's page is kept under a scope of its own (issue 13: keys versioned per object): a change to one event
shows on its page at once and leaves the other events' pages kept."""

from __future__ import annotations

from typing import Any

from django.test import Client

from technopark.events import services


def test_a_change_to_one_event_shows_at_once_and_keeps_the_other_events_pages(
    make_event: Any, methodologist: Any, django_assert_num_queries: Any
) -> None:
    first = make_event("Хакатон «Умный город»", status="registration_open")
    second = make_event("Фестиваль «Робофест»", status="registration_open")
    for event in (first, second):
        Client().get(f"/events/{event.pk}/")  # composed and kept
    with django_assert_num_queries(0):
        assert "Робофест" in Client().get(f"/events/{second.pk}/").content.decode()
    services.update_event(first, actor=methodologist, summary_ru="Два дня задач от городских служб")
    assert "Два дня задач от городских служб" in Client().get(f"/events/{first.pk}/").content.decode()
    with django_assert_num_queries(0):  # the other event's page was not touched
        assert "Робофест" in Client().get(f"/events/{second.pk}/").content.decode()
    assert "Два дня задач" not in Client().get(f"/events/{second.pk}/").content.decode()
