"""Who sees a registration and its files.

Issue 12 item 8: a lab manager reads the registry, but registrations, their QR codes, documents and answer
files are only for those who made them or act for their participants.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from technopark.accounts import services as account_services
from technopark.core.models import AuditLog
from technopark.events import services
from technopark.events.models import Answer, Certificate
from technopark.network import services as network_services
from technopark.network.models import District


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
    person = network_services.add_student(school, actor=None, last_name=name, first_name="Иван", birth_date=born)
    if login is not None:
        person.user = login
        person.email = login.email
        person.save()
    if guardian is not None:
        account_services.link_guardian(person, account_services.ensure_own_person(guardian), actor=None)
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
    teacher = account_services.ensure_own_person(personas["teacher"])
    network_services.set_affiliation(teacher, school, kind="teacher", actor=None)
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
