"""Issue 12 in events: a date of birth a child typed themself (or none) neither skips a guardian's consent nor
meets an age group (item 1), and when a child's consent to take part ends, their coming registrations are
cancelled or leave their team, the waiting list moves up, the people concerned are told, and what remains
is flagged for staff (item 10)."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from technopark.core.models import AuditLog
from technopark.events import services
from technopark.events.models import Registration
from technopark.network import services as network_services
from technopark.network.models import District
from technopark.people import services as people_services
from technopark.people.models import Consent

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
    text = people_services.create_consent_text(actor=None, purpose="participation", title_ru="Согласие", body_ru="Т")
    people_services.publish_consent_text(text, actor=None)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_child_without_a_confirmed_date_of_birth_registers_only_with_a_guardians_consent(
    make_event: Any, make_user: Any, texts: Any
) -> None:
    event = make_event(status="registration_open")
    login = make_user("alone@example.test", "student")
    child = people_services.ensure_own_person(login)
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
    pupil = people_services.ensure_own_person(login)
    people_services.set_affiliation(pupil, school, kind="student", actor=None)
    people_services.update_person(pupil, actor=login, birth_date=_born(13))
    pupil.refresh_from_db()
    with pytest.raises(services.RegistrationError) as refused:
        services.register(event, actor=login, form="individual", person=pupil)
    assert refused.value.code == "birth_date_unknown"


@pytest.fixture
def family(school: Any, make_user: Any, texts: Any) -> dict[str, Any]:
    """A 13-year-old with a guardian who registers them and consented to their taking part."""
    parent_login = make_user("parent@example.test", "guardian")
    parent = people_services.ensure_own_person(parent_login)
    child = people_services.add_student(
        school, actor=None, last_name="Юнцов", first_name="Павел", birth_date=_born(13), grade=7
    )
    people_services.link_guardian(child, parent, actor=None)
    consent = people_services.give_consent(child, purpose="participation", giver=parent, actor=parent_login)
    return {"parent_login": parent_login, "parent": parent, "child": child, "consent": consent}


def _teen(school: Any, name: str) -> Any:
    return people_services.add_student(school, actor=None, last_name=name, first_name="Олег", birth_date=_born(17))


def test_withdrawing_the_consent_cancels_the_childs_coming_registrations_and_tells_people(
    make_event: Any, school: Any, methodologist: Any, family: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    child, parent_login = family["child"], family["parent_login"]
    full = make_event("Конкурс «Полный зал»", status="registration_open", capacity=1)
    teams = make_event("Конкурс команд", status="registration_open")
    classes = make_event("Экскурсия", kind="excursion", status="registration_open")
    past = make_event("Прошедший конкурс", status="registration_open")
    own = services.register(full, actor=parent_login, form="individual", person=child)
    waiting = services.register(full, actor=methodologist, form="individual", person=_teen(school, "Ждущий"))
    partner = _teen(school, "Напарник")
    team = services.register(
        teams, actor=methodologist, form="team", team_name="Роботы", members=[child, partner], institution=school
    )
    teacher = people_services.create_person(actor=None, last_name="Учитель", first_name="Анна")
    group = services.register(
        classes, actor=methodologist, form="group", institution=school, head_count=20, supervisors=[teacher]
    )
    held = services.register(past, actor=parent_login, form="individual", person=child)
    for step in ("registration_closed", "held"):
        services.change_status(past, step, actor=methodologist)
    assert [r.status for r in (own, waiting, team)] == ["confirmed", "waitlisted", "confirmed"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(parent_login).post(f"/people/consents/{family['consent'].pk}/withdraw/")
    assert response.status_code == 302
    for registration in (own, waiting, team, group, held):
        registration.refresh_from_db()
    assert own.status == "cancelled" and waiting.status == "confirmed"  # the waiting list moved up
    assert team.status == "confirmed" and team.places == 1
    assert list(team.members.values_list("person", flat=True)) == [partner.pk]
    assert group.status == "confirmed" and group.head_count == 20  # a head count names nobody
    assert held.status == "confirmed"  # the record of an event already held stays
    actions = AuditLog.objects.filter(data__why="consent_withdrawn").values_list("action", flat=True)
    assert sorted(actions) == ["events.registration.cancelled", "events.registration.member_removed"]
    about_child = [m for m in mail.outbox if "Юнцов" in m.subject]
    assert {address for m in about_child for address in m.to} >= {"parent@example.test", "events.m@example.test"}
    assert any("Роботы" in m.subject for m in about_child) and any("Полный зал" in m.subject for m in about_child)


def test_staff_lists_and_exports_flag_a_child_who_no_longer_has_a_consent(
    make_event: Any, school: Any, methodologist: Any, family: dict[str, Any]
) -> None:
    child, parent_login = family["child"], family["parent_login"]
    under_way = make_event("Профильный лагерь", status="registration_open")
    services.register(under_way, actor=parent_login, form="individual", person=child)
    services.register(under_way, actor=methodologist, form="individual", person=_teen(school, "Старший"))
    for step in ("registration_closed", "held"):
        services.change_status(under_way, step, actor=methodologist)
    staff = _client(methodologist)
    assert staff.get(f"/staff/events/{under_way.pk}/registrations/").context["without_consent"] == set()
    people_services.withdraw_consent(family["consent"], actor=parent_login)
    assert Consent.objects.get().withdrawn_at is not None
    listing = staff.get(f"/staff/events/{under_way.pk}/registrations/")
    assert listing.context["without_consent"] == {child.pk}
    sheet = load_workbook(io.BytesIO(staff.get(f"/staff/events/{under_way.pk}/participants.xlsx").content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    flags = {row[1].split()[0]: row[12] for row in rows[1:]}  # the column after "Registered"
    assert flags["Юнцов"] and not flags["Старший"]
