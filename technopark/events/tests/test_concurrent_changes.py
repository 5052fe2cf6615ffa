"""DOMAIN.md rules 1 and 12 on one event: an edit made from a copy loaded before a life-cycle step (or new
dates, or another edit) writes only what it changes, so the step is never undone; and the capacity cannot
be lowered below the places already confirmed. The interleavings are made deterministic here by running
the other change between loading and saving; `tests/test_capacity_race.py` fires them at once on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.utils import timezone

from technopark.core.errors import ConflictError
from technopark.events import services
from technopark.events.forms import EventForm
from technopark.events.models import Event, Nomination
from technopark.events.tests.conftest import at
from technopark.network import services as network_services
from technopark.network.models import District
from technopark.people import services as people_services


@pytest.fixture
def school(db: Any) -> Any:
    return network_services.create_institution(
        actor=None, full_name="ГУО «СШ № 5»", short_name="СШ № 5", kind="school",
        district=District.objects.get(code="frunzensky"), cluster_role="base",
    )  # fmt: skip


def _teen(school: Any, name: str) -> Any:
    born = timezone.localdate() - dt.timedelta(days=17 * 366)
    return people_services.add_student(school, actor=None, last_name=name, first_name="Иван", birth_date=born)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _edit_form(event: Event, **changes: Any) -> dict[str, Any]:
    """What the staff edit page posts back: every field of the form as the page showed it, with ``changes``."""
    data: dict[str, Any] = {}
    for name, value in model_to_dict(event, fields=EventForm.Meta.fields).items():
        if value is None:
            data[name] = ""
        elif isinstance(value, dt.datetime):
            data[name] = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif name == "co_organisers":
            data[name] = [institution.pk for institution in value]
        else:
            data[name] = value
    return {**data, **changes}


# --- Rule 12: a stale copy never writes back what another service changed --------------------------------


def test_an_edit_from_a_copy_loaded_before_a_status_change_keeps_the_new_status(
    make_event: Any, methodologist: Any
) -> None:
    event = make_event(status="registration_open")
    stale = Event.objects.get(pk=event.pk)
    services.change_status(Event.objects.get(pk=event.pk), "registration_closed", actor=methodologist)
    services.set_sessions(
        Event.objects.get(pk=event.pk), [{"starts_at": at(20), "ends_at": at(20, 14)}], actor=methodologist
    )
    saved = services.update_event(stale, actor=methodologist, summary_ru="Новое описание")
    event.refresh_from_db()
    assert event.status == "registration_closed" and saved.status == "registration_closed"
    assert event.starts_at == at(20) and event.summary_ru == "Новое описание"


def test_the_staff_edit_page_does_not_reopen_registration_closed_while_it_was_saving(
    make_event: Any, methodologist: Any, monkeypatch: Any
) -> None:
    from technopark.events.views import announce

    event = make_event(status="registration_open", capacity=30)
    loaded = announce.access_event

    def close_meanwhile(user: Any, event_id: int, **kwargs: Any) -> Event:
        copy = loaded(user, event_id, **kwargs)
        services.change_status(Event.objects.get(pk=event_id), "registration_closed", actor=methodologist)
        return copy

    monkeypatch.setattr(announce, "access_event", close_meanwhile)
    response = _client(methodologist).post(
        f"/staff/events/{event.pk}/", _edit_form(event, summary_ru="Уточнили программу")
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "registration_closed" and event.summary_ru == "Уточнили программу"


def test_the_api_patch_does_not_reopen_registration_closed_while_it_was_saving(
    make_event: Any, methodologist: Any, monkeypatch: Any
) -> None:
    from technopark.events import api

    event = make_event(status="registration_open")
    loaded = api.access_event

    def close_meanwhile(user: Any, event_id: int, **kwargs: Any) -> Event:
        copy = loaded(user, event_id, **kwargs)
        if kwargs.get("for_write"):
            services.change_status(Event.objects.get(pk=event_id), "registration_closed", actor=methodologist)
        return copy

    monkeypatch.setattr(api, "access_event", close_meanwhile)
    response = _client(methodologist).patch(
        f"/api/v1/events/{event.pk}", json.dumps({"title_en": "Young engineer"}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "registration_closed"
    event.refresh_from_db()
    assert event.status == "registration_closed" and event.title_en == "Young engineer"


def test_an_edit_writes_only_the_fields_it_changes_and_the_audit_names_them(
    make_event: Any, methodologist: Any
) -> None:
    from technopark.core.models import AuditLog

    event = make_event(status="registration_open", capacity=10)
    stale = Event.objects.get(pk=event.pk)
    services.update_event(Event.objects.get(pk=event.pk), actor=methodologist, capacity=12, venue_details="Зал 2")
    services.update_event(stale, actor=methodologist, title_be="Юны інжынер")
    event.refresh_from_db()
    assert (event.capacity, event.venue_details, event.title_be) == (12, "Зал 2", "Юны інжынер")
    last = AuditLog.objects.filter(action="events.event.changed").order_by("-id").first()
    assert last is not None and last.data == {"fields": ["title_be"]}


def test_a_nomination_saved_from_a_stale_copy_keeps_a_capacity_changed_meanwhile(
    make_event: Any, methodologist: Any
) -> None:
    event = make_event(status="registration_open")
    nomination = services.save_nomination(event, actor=methodologist, title_ru="Младшие", capacity=10)
    stale = Nomination.objects.get(pk=nomination.pk)
    services.save_nomination(
        event, actor=methodologist, nomination=Nomination.objects.get(pk=nomination.pk), capacity=5
    )
    services.save_nomination(event, actor=methodologist, nomination=stale, title_ru="Младшая группа")
    nomination.refresh_from_db()
    assert (nomination.title_ru, nomination.capacity) == ("Младшая группа", 5)


# --- Rule 1: the capacity is never below the places confirmed ---------------------------------------------


def test_lowering_the_capacity_below_the_confirmed_places_is_refused_naming_them(
    make_event: Any, school: Any, methodologist: Any
) -> None:
    event = make_event(status="registration_open", capacity=3)
    for name in ("Первый", "Второй", "Третий"):
        services.register(event, actor=methodologist, form="individual", person=_teen(school, name))
    with pytest.raises(ConflictError) as refused:
        services.update_event(event, actor=methodologist, capacity=2)
    assert refused.value.code == "capacity_below_confirmed" and "(3)" in str(refused.value)
    event.refresh_from_db()
    assert event.capacity == 3
    services.update_event(event, actor=methodologist, capacity=3, summary_ru="Мест ровно столько")
    event.refresh_from_db()
    assert event.capacity == 3 and event.summary_ru == "Мест ровно столько"


def test_the_staff_page_and_the_api_refuse_a_capacity_below_the_confirmed_places(
    make_event: Any, school: Any, methodologist: Any
) -> None:
    event = make_event(status="registration_open", capacity=4)
    for name in ("Первый", "Второй"):
        services.register(event, actor=methodologist, form="individual", person=_teen(school, name))
    staff = _client(methodologist)
    page = staff.post(f"/staff/events/{event.pk}/", _edit_form(event, capacity="1"))
    assert page.status_code == 400 and "(2)" in page.content.decode()
    api = staff.patch(f"/api/v1/events/{event.pk}", json.dumps({"capacity": 1}), content_type="application/json")
    assert api.status_code == 409 and api.json()["code"] == "capacity_below_confirmed"
    assert api.json()["field"] == "capacity" and "(2)" in api.json()["detail"]
    event.refresh_from_db()
    assert event.capacity == 4


def test_a_nomination_capacity_below_its_confirmed_places_is_refused_and_raising_it_promotes(
    make_event: Any, school: Any, methodologist: Any
) -> None:
    event = make_event(status="registration_open")
    nomination = services.save_nomination(event, actor=methodologist, title_ru="Старшие", capacity=2)
    people = [_teen(school, name) for name in ("Первый", "Второй", "Третий")]
    done = [
        services.register(event, actor=methodologist, form="individual", person=p, nomination=nomination)
        for p in people
    ]
    assert [r.status for r in done] == ["confirmed", "confirmed", "waitlisted"]
    with pytest.raises(ConflictError) as refused:
        services.save_nomination(event, actor=methodologist, nomination=nomination, capacity=1)
    assert refused.value.code == "capacity_below_confirmed" and "(2)" in str(refused.value)
    staff = _client(methodologist)
    page = staff.post(
        f"/staff/events/nominations/{nomination.pk}/", {"title_ru": "Старшие", "capacity": "1", "position": "0"}
    )
    assert page.status_code == 400 and "(2)" in page.content.decode()
    services.save_nomination(event, actor=methodologist, nomination=nomination, capacity=3)
    done[2].refresh_from_db()
    assert done[2].status == "confirmed"


def test_a_registration_counts_against_the_nomination_capacity_as_it_is_now_not_as_the_caller_loaded_it(
    make_event: Any, school: Any, methodologist: Any
) -> None:
    event = make_event(status="registration_open")
    nomination = services.save_nomination(event, actor=methodologist, title_ru="Младшие", capacity=2)
    services.register(
        event, actor=methodologist, form="individual", person=_teen(school, "Первый"), nomination=nomination
    )
    stale = Nomination.objects.get(pk=nomination.pk)
    services.save_nomination(event, actor=methodologist, nomination=nomination, capacity=1)
    late = services.register(
        event, actor=methodologist, form="individual", person=_teen(school, "Второй"), nomination=stale
    )
    assert late.status == "waitlisted"
    assert services.places_held(event, nomination) == 1


def test_raising_the_event_capacity_promotes_the_waiting_list(make_event: Any, school: Any, methodologist: Any) -> None:
    event = make_event(status="registration_open", capacity=1)
    services.register(event, actor=methodologist, form="individual", person=_teen(school, "Первый"))
    waiting = services.register(event, actor=methodologist, form="individual", person=_teen(school, "Второй"))
    assert waiting.status == "waitlisted"
    _client(methodologist).patch(
        f"/api/v1/events/{event.pk}", json.dumps({"capacity": 2}), content_type="application/json"
    )
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
