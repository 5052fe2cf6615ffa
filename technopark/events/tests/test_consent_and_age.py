"""Issue 12 in events: a date of birth a child typed themself (or none) neither skips a guardian's consent nor
meets an age group (item 1)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from technopark.accounts import services as account_services
from technopark.events import services
from technopark.events.models import Registration
from technopark.network import services as network_services
from technopark.network.models import District

TODAY = timezone.localdate()


def _born(years: int) -> dt.date:
    return dt.date(TODAY.year - years, TODAY.month, min(TODAY.day, 28))


@pytest.fixture
def school(db: Any) -> Any:
    return network_services.create_institution(
        actor=None, full_name="ГУО «Гимназия № 7»", short_name="Гимназия № 7", kind="gymnasium",
        district=District.objects.get(code="frunzensky"), cluster_role="base",
    )  # fmt: skip


@pytest.fixture
def texts(db: Any) -> None:
    text = account_services.create_consent_text(actor=None, purpose="participation", title_ru="Согласие", body_ru="Т")
    account_services.publish_consent_text(text, actor=None)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_child_without_a_confirmed_date_of_birth_registers_only_with_a_guardians_consent(
    make_event: Any, make_user: Any, texts: Any
) -> None:
    event = make_event(status="registration_open")
    login = make_user("alone@example.test", "student")
    child = account_services.ensure_own_person(login)
    assert child.birth_date is None
    api = _client(login)
    url = f"/api/v1/events/{event.pk}/registrations"
    refused = api.post(url, json.dumps({}), content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "consent_required"
    # Typing an adult's date of birth changes nothing: it is not confirmed.
    assert (
        api.patch(
            f"/api/v1/persons/{child.pk}", json.dumps({"birth_date": "2000-01-01"}), content_type="application/json"
        ).json()["birth_date_confirmed"]
        is False
    )
    again = api.post(url, json.dumps({}), content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "consent_required"
    assert not Registration.objects.exists()


def test_a_self_typed_date_of_birth_meets_no_age_group(make_event: Any, make_user: Any, school: Any) -> None:
    event = make_event(status="registration_open", min_age=10, max_age=14)
    login = make_user("older@example.test", "student")
    pupil = account_services.ensure_own_person(login)
    network_services.set_affiliation(pupil, school, kind="student", actor=None)
    account_services.update_person(pupil, actor=login, birth_date=_born(13))
    pupil.refresh_from_db()
    with pytest.raises(services.RegistrationError) as refused:
        services.register(event, actor=login, form="individual", person=pupil)
    assert refused.value.code == "birth_date_unknown"
