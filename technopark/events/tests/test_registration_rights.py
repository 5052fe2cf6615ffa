"""Who sees a registration and its files, who cancels a team's, who leaves it, and who gets the online link.

Issue 12 items 8, 11 and 20, issue 14 item 1: a lab manager reads the registry, but registrations, their QR
codes, documents and answer files are only for those who made them or act for their participants; a team's
member (or their guardian) leaves the team, and only whoever registered it, its supervisors or staff cancel
it; confirmed participants of an online event get its link on the pages, in the API and in the e-mails.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from technopark.core.models import AuditLog
from technopark.events import services
from technopark.events.models import Answer, Certificate
from technopark.network import services as network_services
from technopark.network.models import District
from technopark.people import services as people_services

ONLINE = "https://meet.example.by/room-42"


@pytest.fixture
def school(db: Any) -> Any:
    return network_services.create_institution(
        actor=None, full_name="ГУО «Гимназия № 3»", short_name="Гимназия № 3", kind="gymnasium",
        district=District.objects.get(code="frunzensky"), cluster_role="base",
    )  # fmt: skip


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _teen(school: Any, name: str, *, login: Any = None, guardian: Any = None) -> Any:
    """A 16-year-old of ``school`` (no consent needed), with their own login or a guardian if given."""
    born = timezone.localdate() - dt.timedelta(days=16 * 366 + 30)
    person = people_services.add_student(school, actor=None, last_name=name, first_name="Иван", birth_date=born)
    if login is not None:
        person.user = login
        person.email = login.email
        person.save()
    if guardian is not None:
        people_services.link_guardian(person, people_services.ensure_own_person(guardian), actor=None)
    return person


def _denied(user: Any, target: Any) -> bool:
    return AuditLog.objects.filter(action="core.access.denied", actor=user, target_id=str(target.pk)).exists()


# --- Item 8: a registration, its QR code, documents and answer files are not the whole registry's ----------


@pytest.fixture
def pupils_registration(
    personas: dict[str, Any], school: Any, make_event: Any, make_user: Any, settings: Any, tmp_path: Any
) -> dict[str, Any]:
    """The pupil of the teacher persona's school, child of the guardian persona, registered by a centre
    methodologist who is none of the personas; a document and an answer file of theirs."""
    settings.MEDIA_ROOT = tmp_path
    teacher = people_services.ensure_own_person(personas["teacher"])
    people_services.set_affiliation(teacher, school, kind="teacher", actor=None)
    pupil = _teen(school, "Ученикова", guardian=personas["guardian"])
    organiser = make_user("organiser@example.test", "methodologist")
    event = make_event(status="registration_open")
    question = services.save_question(event, actor=organiser, label_ru="Заявка", kind="file")
    registration = services.register(event, actor=organiser, form="individual", person=pupil)
    answer = Answer(registration=registration, question=question)
    answer.file.save("answer.pdf", ContentFile(b"%PDF-1.4 answer"), save=False)
    answer.save()
    certificate = Certificate(
        code="TP-QWERT-00001", kind="participation", event=event, registration=registration, person=pupil,
        recipient_name=pupil.full_name, institution=school,
    )  # fmt: skip
    certificate.file.save("certificate.pdf", ContentFile(b"%PDF-1.4 certificate"), save=False)
    certificate.save()
    return {"registration": registration, "answer": answer, "certificate": certificate, "pupil": pupil}


# persona: (listed under My registrations, may open the QR code, the document and the answer file)
WHO_SEES_THE_PUPILS_REGISTRATION = {
    "administrator": (False, True),  # staff pages show every registration; My registrations is one's own
    "methodologist": (False, True),
    "lab_manager": (False, False),
    "teacher": (True, True),  # the pupil's school
    "student": (False, False),
    "guardian": (True, True),  # the pupil's guardian
    "jury_member": (False, False),
    "outsider": (False, False),
}


@pytest.mark.parametrize("persona", sorted(WHO_SEES_THE_PUPILS_REGISTRATION))
def test_a_pupils_registration_and_its_files_are_for_those_who_act_for_the_pupil(
    persona: str, personas: dict[str, Any], pupils_registration: dict[str, Any]
) -> None:
    listed, opens = WHO_SEES_THE_PUPILS_REGISTRATION[persona]
    user = personas[persona]
    client = _client(user)
    registration = pupils_registration["registration"]
    mine = client.get("/events/my/")
    assert mine.status_code == 200
    assert ("Ученикова" in mine.content.decode()) is listed
    for url in (
        f"/events/registrations/{registration.pk}/qr.svg",
        f"/events/certificates/{pupils_registration['certificate'].pk}.pdf",
        f"/events/answers/{pupils_registration['answer'].pk}/",
    ):
        assert client.get(url).status_code == (200 if opens else 404), url
    if not opens:
        assert _denied(user, registration) and _denied(user, pupils_registration["certificate"])


def test_a_lab_manager_who_is_a_guardian_sees_their_own_childs_registration_only(
    make_user: Any, school: Any, make_event: Any, methodologist: Any
) -> None:
    manager = make_user("lab.parent@example.test", "lab_manager")
    child = _teen(school, "Своя", guardian=manager)
    other = _teen(school, "Чужая")
    event = make_event(status="registration_open")
    own = services.register(event, actor=methodologist, form="individual", person=child)
    theirs = services.register(event, actor=methodologist, form="individual", person=other)
    client = _client(manager)
    page = client.get("/events/my/").content.decode()
    assert "Своя" in page and "Чужая" not in page
    assert client.get(f"/events/registrations/{own.pk}/qr.svg").status_code == 200
    assert client.get(f"/events/registrations/{theirs.pk}/qr.svg").status_code == 404
    assert client.delete(f"/api/v1/registrations/{theirs.pk}").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"


# --- Item 11: a member leaves the team; whoever registered it cancels it ----------------------------------


@pytest.fixture
def team(make_user: Any, school: Any, make_event: Any) -> dict[str, Any]:
    """A team of three registered by their teacher (with a supervising colleague) for an event with one more
    place, and a single participant waiting for a place."""
    registrant = make_user("coach@example.test", "teacher")
    people_services.set_affiliation(people_services.ensure_own_person(registrant), school, kind="teacher", actor=None)
    colleague_login = make_user("colleague@example.test", "teacher")
    colleague = people_services.ensure_own_person(colleague_login)
    people_services.set_affiliation(colleague, school, kind="teacher", actor=None)
    member_login = make_user("member@example.test", "student")
    parent = make_user("parent@example.test", "guardian")
    member = _teen(school, "Участников", login=member_login)
    child = _teen(school, "Детский", guardian=parent)
    third = _teen(school, "Третьяков")
    event = make_event(status="registration_open", capacity=4)
    registration = services.register(
        event, actor=registrant, form="team", team_name="Роботы", members=[member, child, third],
        institution=school, supervisors=[colleague],
    )  # fmt: skip
    services.register(event, actor=registrant, form="individual", person=_teen(school, "Четвёртый"))
    waiting = services.register(event, actor=registrant, form="individual", person=_teen(school, "Ждущий"))
    assert registration.status == "confirmed" and waiting.status == "waitlisted"
    return {
        "event": event, "registration": registration, "registrant": registrant, "colleague": colleague_login,
        "member_login": member_login, "member": member, "parent": parent, "child": child, "third": third,
        "waiting": waiting,
    }  # fmt: skip


def test_a_team_member_cannot_cancel_the_team_through_the_api_and_is_told_to_leave(team: dict[str, Any]) -> None:
    registration = team["registration"]
    for login in (team["member_login"], team["parent"]):
        refused = _client(login).delete(f"/api/v1/registrations/{registration.pk}")
        assert refused.status_code == 403 and refused.json()["code"] == "leave_the_team_instead"
    registration.refresh_from_db()
    assert registration.status == "confirmed" and registration.members.count() == 3


def test_a_team_member_cannot_cancel_the_team_through_the_page(team: dict[str, Any]) -> None:
    registration = team["registration"]
    client = _client(team["member_login"])
    page = client.get("/en/events/my/").content.decode()
    assert "Leave the team" in page
    assert f"/events/registrations/{registration.pk}/cancel/" not in page
    response = client.post(f"/events/registrations/{registration.pk}/cancel/", follow=True)
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_a_member_leaves_the_team_the_place_goes_to_the_waiting_list_and_the_registrant_is_told(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    registration = team["registration"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(team["member_login"]).post(
            f"/events/registrations/{registration.pk}/leave/", {"person": team["member"].pk}
        )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "confirmed" and registration.places == 2
    assert set(registration.members.values_list("person_id", flat=True)) == {team["child"].pk, team["third"].pk}
    team["waiting"].refresh_from_db()
    assert team["waiting"].status == "confirmed"
    told = [m for m in mail.outbox if "coach@example.test" in m.to and "Роботы" in m.subject]
    assert len(told) == 1 and "Участников" in told[0].body and "colleague@example.test" in told[0].to
    assert "member@example.test" not in told[0].to
    assert AuditLog.objects.filter(
        action="events.registration.member_left", actor=team["member_login"], data__person=team["member"].pk
    ).exists()


def test_a_guardian_withdraws_their_child_from_the_team_through_the_api(
    team: dict[str, Any], methodologist: Any
) -> None:
    registration = team["registration"]
    client = _client(team["parent"])
    assert client.post(
        f"/api/v1/registrations/{registration.pk}/leave", json.dumps({"person": team["member"].pk}),
        content_type="application/json",
    ).status_code == 404  # not their child: a stranger to them  # fmt: skip
    left = client.post(
        f"/api/v1/registrations/{registration.pk}/leave", json.dumps({"person": team["child"].pk}),
        content_type="application/json",
    )  # fmt: skip
    assert left.status_code == 200 and left.json()["places"] == 2 and left.json()["status"] == "confirmed"
    again = client.post(
        f"/api/v1/registrations/{registration.pk}/leave", json.dumps({"person": team["child"].pk}),
        content_type="application/json",
    )  # fmt: skip
    assert again.status_code == 404  # the team is no longer the guardian's business
    staff = _client(methodologist).post(
        f"/api/v1/registrations/{registration.pk}/leave", json.dumps({"person": team["child"].pk}),
        content_type="application/json",
    )  # fmt: skip
    assert staff.status_code == 400 and staff.json()["code"] == "not_a_member"


def test_when_the_last_member_leaves_the_registration_is_cancelled(team: dict[str, Any], methodologist: Any) -> None:
    registration = team["registration"]
    for person in (team["child"], team["third"]):
        services.leave_team(registration, person, actor=methodologist)
    own = _client(team["member_login"]).post(
        f"/api/v1/registrations/{registration.pk}/leave", json.dumps({}), content_type="application/json"
    )
    assert own.status_code == 200 and own.json()["status"] == "cancelled"
    registration.refresh_from_db()
    assert registration.status == "cancelled" and registration.cancelled_at is not None
    assert services.places_held(team["event"]) == 1 + 1  # the single participant and the promoted one


def test_whoever_registered_the_team_and_its_supervisor_cancel_it(team: dict[str, Any], make_event: Any) -> None:
    registration = team["registration"]
    assert _client(team["colleague"]).delete(f"/api/v1/registrations/{registration.pk}").status_code == 200
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    page = _client(team["registrant"]).get("/events/my/").content.decode()
    assert "Роботы" in page


def test_the_registrant_cancels_the_team_through_the_page(team: dict[str, Any]) -> None:
    registration = team["registration"]
    client = _client(team["registrant"])
    assert f"/events/registrations/{registration.pk}/cancel/" in client.get("/events/my/").content.decode()
    assert client.post(f"/events/registrations/{registration.pk}/cancel/").status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_the_teams_institution_coordinator_cancels_it_and_another_teacher_of_its_members_does_not(
    team: dict[str, Any], make_user: Any, school: Any
) -> None:
    registration = team["registration"]
    other = make_user("other.teacher@example.test", "teacher")
    people_services.set_affiliation(people_services.ensure_own_person(other), school, kind="teacher", actor=None)
    refused = _client(other).delete(f"/api/v1/registrations/{registration.pk}")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    coordinator = make_user("team.coordinator@example.test")
    network_services.add_coordinator(school, coordinator, actor=None)
    assert _client(coordinator).delete(f"/api/v1/registrations/{registration.pk}").status_code == 200


def test_leaving_an_individual_registration_is_refused_with_a_reason(
    school: Any, make_event: Any, make_user: Any
) -> None:
    login = make_user("alone@example.test", "student")
    me = _teen(school, "Один", login=login)
    registration = services.register(make_event(status="registration_open"), actor=login, form="individual", person=me)
    refused = _client(login).post(
        f"/api/v1/registrations/{registration.pk}/leave", json.dumps({}), content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "not_a_team"


# --- Item 20 / issue 14 item 1: the online link for confirmed participants --------------------------------


@pytest.fixture
def online(make_event: Any, school: Any, make_user: Any) -> dict[str, Any]:
    """A mixed event with one place: a student registered themself (confirmed), a guardian's child waits."""
    event = make_event(status="registration_open", format="mixed", online_url=ONLINE, capacity=1)
    student = make_user("online.student@example.test", "student")
    parent = make_user("online.parent@example.test", "guardian")
    me = _teen(school, "Онлайнов", login=student)
    child = _teen(school, "Ожидающий", guardian=parent)
    confirmed = services.register(event, actor=student, form="individual", person=me)
    waiting = services.register(event, actor=parent, form="individual", person=child)
    return {"event": event, "student": student, "parent": parent, "confirmed": confirmed, "waiting": waiting}


def _api_link(user: Any, event: Any) -> str | None:
    link: str | None = _client(user).get(f"/api/v1/events/{event.pk}").json()["online_url"]
    return link


def test_a_confirmed_participant_gets_the_link_in_the_api_on_the_event_page_and_in_my_registrations(
    online: dict[str, Any],
) -> None:
    event = online["event"]
    assert _api_link(online["student"], event) == ONLINE
    client = _client(online["student"])
    assert ONLINE in client.get(f"/events/{event.pk}/").content.decode()
    assert ONLINE in client.get("/events/my/").content.decode()


def test_the_link_is_not_for_the_waiting_list_strangers_lab_managers_or_the_public(
    online: dict[str, Any], personas: dict[str, Any]
) -> None:
    event = online["event"]
    for user in (online["parent"], personas["lab_manager"], personas["teacher"], personas["outsider"], None):
        assert _api_link(user, event) is None
        assert ONLINE not in _client(user).get(f"/events/{event.pk}/").content.decode()
    assert ONLINE not in _client(online["parent"]).get("/events/my/").content.decode()


def test_a_guardian_gets_the_link_when_the_child_is_promoted_and_the_e_mail_carries_it(
    online: dict[str, Any], methodologist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(online["confirmed"], actor=online["student"])
    promoted = [m for m in mail.outbox if "online.parent@example.test" in m.to]
    assert len(promoted) == 1 and ONLINE in promoted[0].body
    assert _api_link(online["parent"], online["event"]) == ONLINE
    assert _api_link(online["student"], online["event"]) is None  # cancelled: no longer


def test_the_confirmation_e_mail_carries_the_link_and_the_waiting_list_e_mail_does_not(
    make_event: Any, school: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(status="registration_open", format="online", venue_kind="online", online_url=ONLINE, capacity=1)
    first = make_user("first.online@example.test", "student")
    second = make_user("second.online@example.test", "student")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.register(event, actor=first, form="individual", person=_teen(school, "Первый", login=first))
        services.register(event, actor=second, form="individual", person=_teen(school, "Второй", login=second))
    confirmation = next(m for m in mail.outbox if first.email in m.to)
    waiting = next(m for m in mail.outbox if second.email in m.to)
    assert ONLINE in confirmation.body and ONLINE not in waiting.body


def test_a_teacher_who_registered_a_confirmed_team_and_its_members_get_the_link(
    make_event: Any, school: Any, make_user: Any
) -> None:
    event = make_event(status="registration_open", format="mixed", online_url=ONLINE)
    coach = make_user("online.coach@example.test", "teacher")
    people_services.set_affiliation(people_services.ensure_own_person(coach), school, kind="teacher", actor=None)
    member_login = make_user("online.member@example.test", "student")
    services.register(
        event, actor=coach, form="team", team_name="Сеть",
        members=[_teen(school, "Сетевой", login=member_login), _teen(school, "Второй")], institution=school,
    )  # fmt: skip
    assert _api_link(coach, event) == ONLINE and _api_link(member_login, event) == ONLINE
    in_person = make_event(status="registration_open")
    assert _api_link(coach, in_person) is None
