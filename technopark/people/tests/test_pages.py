"""People of the cluster through the pages and the API: who sees whom, class lists, claim codes,
online consent and withdrawal, merging duplicates."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from technopark.accounts import services as account_services
from technopark.accounts.roles import Role
from technopark.core.models import AuditLog
from technopark.network import services
from technopark.people import services as people_services
from technopark.people.access import visible_persons
from technopark.people.models import Affiliation, Consent, Guardianship, Person
from technopark.people.selectors import may_process


@pytest.fixture(autouse=True)
def _clean_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def texts(db: Any) -> None:
    for purpose in ("participation", "publication", "ndtp_transfer"):
        text = people_services.create_consent_text(
            actor=None, purpose=purpose, title_ru=f"Согласие {purpose}", body_ru="Текст согласия"
        )
        people_services.publish_consent_text(text, actor=None)


@pytest.fixture
def school(make_institution: Any) -> Any:
    return make_institution("Гимназия № 1")


@pytest.fixture
def other_school(make_institution: Any) -> Any:
    return make_institution("Лицей № 2")


@pytest.fixture
def teacher(make_user: Any, school: Any) -> Any:
    login = make_user("teacher@example.test", Role.TEACHER, last_name="Учителева", first_name="Мария")
    person = people_services.ensure_own_person(login)
    people_services.set_affiliation(person, school, kind="teacher", position="Учитель физики", actor=None)
    return login


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _student(
    institution: Any, last: str = "Иванов", first: str = "Иван", born: dt.date = dt.date(2013, 5, 1), **fields: Any
) -> Person:
    return people_services.add_student(
        institution, actor=None, last_name=last, first_name=first, birth_date=born, **fields
    )


def test_each_role_sees_only_its_people(make_user: Any, school: Any, other_school: Any, teacher: Any) -> None:
    mine = _student(school, "Свой", "Ученик")
    theirs = _student(other_school, "Чужой", "Ученик")
    colleague = people_services.create_person(actor=None, last_name="Коллега", first_name="Ольга")
    people_services.set_affiliation(colleague, school, kind="teacher", actor=None)
    parent_login = make_user("parent@example.test", Role.GUARDIAN)
    people_services.link_guardian(theirs, people_services.ensure_own_person(parent_login), actor=None)
    coordinator = make_user("coord@example.test")
    services.add_coordinator(other_school, coordinator, actor=None)
    teacher_person = teacher.person
    # A teacher: the students of their school (not its other teachers, not other schools).
    assert set(visible_persons(teacher)) == {mine, teacher_person}
    # A guardian: their child and themself.
    assert set(visible_persons(parent_login)) == {theirs, parent_login.person}
    # A coordinator: everyone attached to their institution.
    assert set(visible_persons(coordinator)) == {theirs}
    # Staff who keep the registry, and lab managers: everyone.
    assert visible_persons(make_user("m@example.test", Role.METHODOLOGIST)).count() == Person.objects.count()
    assert visible_persons(make_user("l@example.test", Role.LAB_MANAGER)).count() == Person.objects.count()
    # Anyone else: nobody. And a teacher who lost the role sees no students.
    assert not visible_persons(make_user("x@example.test", Role.STUDENT)).exists()
    account_services.revoke_role(teacher, Role.TEACHER, actor=None)
    teacher.refresh_from_db()
    teacher.__dict__.pop("roles", None)
    assert set(visible_persons(teacher)) == {teacher_person}


def test_a_hidden_record_answers_like_a_missing_one_and_is_audited(
    make_user: Any, other_school: Any, teacher: Any
) -> None:
    theirs = _student(other_school)
    client = _client(teacher)
    hidden = client.get(f"/people/{theirs.pk}/")
    missing = client.get("/people/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert client.get(f"/api/v1/persons/{theirs.pk}").json() == client.get("/api/v1/persons/999999").json()
    assert AuditLog.objects.filter(action="core.access.denied", target_id=str(theirs.pk)).count() == 2


def test_a_teacher_adds_a_class_of_25_in_one_form(school: Any, teacher: Any) -> None:
    data: dict[str, Any] = {"institution": school.pk, "grade": "7", "row-TOTAL_FORMS": "35", "row-INITIAL_FORMS": "0"}
    for i in range(25):
        data |= {
            f"row-{i}-last_name": f"Ученик{i:02d}",
            f"row-{i}-first_name": "Пётр",
            f"row-{i}-birth_date": "2013-09-01",
        }
    response = _client(teacher).post("/people/new/class/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    students = Affiliation.objects.filter(institution=school, kind="student")
    assert students.count() == 25
    assert set(Person.objects.filter(affiliations__in=students).values_list("grade", flat=True)) == {7}
    listed = _client(teacher).get(response["Location"])
    assert "Ученик24 Пётр" in listed.content.decode()


def test_a_class_list_with_a_bad_row_saves_nothing_and_keeps_the_rows(school: Any, teacher: Any) -> None:
    _student(school, "Сидоров", "Олег", dt.date(2013, 1, 1))
    data: dict[str, Any] = {"institution": school.pk, "grade": "7", "row-TOTAL_FORMS": "35", "row-INITIAL_FORMS": "0"}
    data |= {"row-0-last_name": "Новый", "row-0-first_name": "Ученик", "row-0-birth_date": "01.02.2013"}
    data |= {"row-1-last_name": "Сидоров", "row-1-first_name": "Олег", "row-1-birth_date": "2013-01-01"}
    incomplete = data | {"row-2-last_name": "Безымянный"}
    response = _client(teacher).post("/people/new/class/", incomplete)
    body = response.content.decode()
    assert response.status_code == 400
    assert 'value="Новый"' in body and 'value="Безымянный"' in body
    assert body.count("Обязательное поле") >= 2  # name and date of birth of row 3
    response = _client(teacher).post("/people/new/class/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Строка 2" in body and "уже в списке этого учреждения" in body
    assert Person.objects.filter(last_name="Новый").count() == 0


def test_a_teacher_cannot_add_students_to_another_school(school: Any, other_school: Any, teacher: Any) -> None:
    client = _client(teacher)
    response = client.post(
        "/people/new/",
        {"institution": other_school.pk, "last_name": "А", "first_name": "Б", "birth_date": "2013-01-01"},
    )
    assert response.status_code == 400 and not Person.objects.filter(last_name="А").exists()
    api = client.post(
        "/api/v1/persons",
        json.dumps({"institution": other_school.pk, "last_name": "А", "first_name": "Б", "birth_date": "2013-01-01"}),
        content_type="application/json",
    )
    assert api.status_code == 404


def test_a_guardian_claims_consents_online_and_withdraws_through_the_pages(
    make_user: Any, school: Any, teacher: Any, texts: Any
) -> None:
    child = _student(school, "Петрова", "Ксения")
    page = _client(teacher).post(f"/people/{child.pk}/claim-code/", {"claimant": "guardian"})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    code = page.context["code"]
    parent = make_user("parent@example.test", last_name="Петрова", first_name="Ольга")
    client = _client(parent)
    assert client.get(f"/people/{child.pk}/").status_code == 404
    claimed = client.post("/people/claim/", {"code": code})
    assert claimed.status_code == 302 and claimed["Location"].endswith(f"/people/{child.pk}/")
    record = client.get(f"/people/{child.pk}/").content.decode()
    assert "Петрова Ксения" in record and f"/people/{child.pk}/consents/participation/" in record
    assert client.post(f"/people/{child.pk}/consents/participation/").status_code == 302
    assert may_process(child, "participation")
    consent = Consent.objects.get(subject=child)
    assert consent.giver.user == parent and consent.channel == "online"
    assert client.post(f"/people/consents/{consent.pk}/withdraw/").status_code == 302
    assert not may_process(child, "participation")
    history = client.get(f"/people/{child.pk}/").content.decode()
    assert "Петрова Ольга" in history  # the history names who gave it


def test_a_wrong_code_keeps_what_was_typed_and_says_why(make_user: Any) -> None:
    response = _client(make_user("someone@example.test")).post("/people/claim/", {"code": "ABCD-EFGH-JKMN"})
    assert response.status_code == 400
    assert 'value="ABCD-EFGH-JKMN"' in response.content.decode()


def test_the_api_runs_the_same_flow(make_user: Any, school: Any, teacher: Any, texts: Any) -> None:
    api = _client(teacher)
    created = api.post(
        "/api/v1/persons",
        json.dumps(
            {
                "institution": school.pk,
                "last_name": "Зайцева",
                "first_name": "Ева",
                "birth_date": "2014-02-03",
                "grade": 6,
                "phone": "80291234567",
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    person = created.json()
    assert person["phone"] == "+375 29 123-45-67" and person["affiliations"][0]["kind"] == "student"
    listed = api.get("/api/v1/persons", {"q": "зайцева", "grade": 6}).json()
    assert listed["count"] == 1 and listed["items"][0]["may_take_part"] is False
    code = api.post(
        f"/api/v1/persons/{person['id']}/claim-codes",
        json.dumps({"claimant": "guardian"}),
        content_type="application/json",
    ).json()["code"]
    parent = _client(make_user("parent@example.test"))
    assert (
        parent.post("/api/v1/persons/claim", json.dumps({"code": code}), content_type="application/json").status_code
        == 200
    )
    given = parent.post(
        f"/api/v1/persons/{person['id']}/consents",
        json.dumps({"purpose": "participation"}),
        content_type="application/json",
    )
    assert given.status_code == 201 and given.json()["active"] is True
    again = parent.post(
        f"/api/v1/persons/{person['id']}/consents",
        json.dumps({"purpose": "participation"}),
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "consent_exists"
    assert api.get("/api/v1/persons", {"q": "зайцева"}).json()["items"][0]["may_take_part"] is True
    withdrawn = parent.post(f"/api/v1/consents/{given.json()['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    assert not may_process(Person.objects.get(pk=person["id"]), "participation")


def test_the_teacher_cannot_consent_for_a_child(school: Any, teacher: Any, texts: Any) -> None:
    child = _student(school)
    response = _client(teacher).post(
        f"/api/v1/persons/{child.pk}/consents",
        json.dumps({"purpose": "participation"}),
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "guardian_required"
    assert not Consent.objects.exists()


def test_staff_merge_duplicates_on_the_page(make_user: Any, school: Any, other_school: Any, texts: Any) -> None:
    staff = make_user("m@example.test", Role.METHODOLOGIST)
    first = _student(school, "Иванов", "Иван", patronymic="Иванович")
    second = _student(other_school, "Иваанов", "Иван", patronymic="Иванович", phone="+375 29 765-43-21")
    parent = people_services.create_person(actor=None, last_name="Иванова", first_name="Анна")
    people_services.link_guardian(second, parent, actor=None)
    client = _client(staff)
    duplicates = client.get("/staff/people/duplicates/").content.decode()
    assert f"/staff/people/merge/{first.pk}/{second.pk}/" in duplicates
    preview = client.get(f"/staff/people/merge/{first.pk}/{second.pk}/")
    assert preview.status_code == 200
    # Before confirming, staff read what moves: the other school and the guardian, and nothing is dropped.
    shown = preview.context["summary"]
    assert {row["what"] for row in shown.moved_rows} >= {
        "Иваанов Иван Иванович — Лицей № 2 (Учащийся)",
        "Иванова Анна → Иваанов Иван Иванович",
    }
    assert shown.dropped_rows == [] and "Лицей № 2" in preview.content.decode()
    assert Person.objects.filter(pk=second.pk).exists(), "the preview changes nothing"
    assert client.post(f"/staff/people/merge/{first.pk}/{second.pk}/").status_code == 302
    assert not Person.objects.filter(pk=second.pk).exists()
    first.refresh_from_db()
    assert first.phone == "+375 29 765-43-21"
    assert Guardianship.objects.get(child=first).guardian == parent
    # Students of two schools stay at both (neither school's teacher loses the student); staff detach one.
    assert set(first.affiliations.values_list("institution", flat=True)) == {school.pk, other_school.pk}
    record = AuditLog.objects.get(action="accounts.person.merged", actor=staff)
    assert "Иваанов Иван Иванович — Лицей № 2 (Учащийся)" in {row["what"] for row in record.data["moved_rows"]}
    assert "Иваанов" not in client.get("/staff/people/duplicates/").content.decode()


def test_staff_record_a_paper_consent_and_only_the_right_people_open_the_scan(
    make_user: Any, school: Any, teacher: Any, texts: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    staff = make_user("m@example.test", Role.METHODOLOGIST)
    child = _student(school, born=dt.date(2008, 1, 1))  # 16 or older: signs for themself
    scan = SimpleUploadedFile("скан.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = _client(staff).post(
        f"/people/{child.pk}/consents/paper/",
        {"purpose": "ndtp_transfer", "giver": child.pk, "given_on": "2026-11-01", "scan": scan},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    consent = Consent.objects.get()
    assert consent.channel == "paper" and consent.given_at.date() == dt.date(2026, 11, 1)
    assert _client(staff).get(f"/people/consents/{consent.pk}/scan/").status_code == 200
    assert _client(teacher).get(f"/people/consents/{consent.pk}/scan/").status_code == 404
    bad = _client(staff).post(
        f"/people/{child.pk}/consents/paper/",
        {
            "purpose": "publication",
            "giver": child.pk,
            "given_on": "2026-11-01",
            "scan": SimpleUploadedFile("x.pdf", b"not a pdf"),
        },
    )
    assert bad.status_code == 400 and Consent.objects.count() == 1


def test_a_coordinator_attaches_a_teacher_to_their_institution(make_user: Any, school: Any, other_school: Any) -> None:
    coordinator = make_user("coord@example.test")
    services.add_coordinator(school, coordinator, actor=None)
    new_teacher = make_user("new.teacher@example.test", Role.TEACHER)
    person = people_services.ensure_own_person(new_teacher)
    # The coordinator does not see the new teacher yet; staff attach them, or the coordinator does
    # for a person already at the school.
    staff = make_user("m@example.test", Role.METHODOLOGIST)
    assert (
        _client(staff)
        .post(
            f"/people/{person.pk}/affiliations/", {"institution": school.pk, "kind": "teacher", "position": "Учитель"}
        )
        .status_code
        == 302
    )
    assert Affiliation.objects.filter(person=person, institution=school, kind="teacher").exists()
    client = _client(coordinator)
    assert (
        client.post(
            f"/people/{person.pk}/affiliations/", {"institution": other_school.pk, "kind": "teacher"}
        ).status_code
        == 302
    )
    assert not Affiliation.objects.filter(person=person, institution=other_school).exists()


def test_through_the_api_a_teacher_adds_25_students_and_staff_merge_a_duplicate(
    make_user: Any, school: Any, teacher: Any
) -> None:
    api = _client(teacher)
    ids = []
    for i in range(25):
        body = {
            "institution": school.pk,
            "last_name": f"Учеников{i:02d}",
            "first_name": "Лев",
            "birth_date": "2013-03-03",
            "grade": 7,
        }
        response = api.post("/api/v1/persons", json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    again = api.post("/api/v1/persons", json.dumps(body), content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "student_exists"
    assert api.get("/api/v1/persons", {"grade": 7, "kind": "student"}).json()["count"] == 25
    duplicate = people_services.create_person(
        actor=None, last_name="Учеников00", first_name="Лев", birth_date=dt.date(2013, 3, 3), phone="+375291110000"
    )
    staff = _client(make_user("m@example.test", Role.METHODOLOGIST))
    merged = staff.post(
        "/api/v1/persons/merge",
        json.dumps({"keep": ids[0], "duplicate": duplicate.pk}),
        content_type="application/json",
    )
    assert merged.status_code == 200 and merged.json()["phone"] == "+375 29 111-00-00"
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    refused = api.post(
        "/api/v1/persons/merge", json.dumps({"keep": ids[0], "duplicate": ids[1]}), content_type="application/json"
    )
    assert refused.status_code == 403 and Person.objects.filter(pk=ids[1]).exists()


def test_a_teacher_adds_a_guardian_without_a_login_and_staff_record_their_paper_consent(
    make_user: Any, school: Any, teacher: Any, texts: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    child = _student(school, "Белова", "Милана", born=dt.date(2015, 9, 1))
    client = _client(teacher)
    bad = client.post(
        f"/people/{child.pk}/guardians/new/", {"last_name": "Белова", "first_name": "Ирина", "phone": "12"}
    )
    assert bad.status_code == 400 and 'value="Ирина"' in bad.content.decode()
    added = client.post(
        f"/people/{child.pk}/guardians/new/", {"last_name": "Белова", "first_name": "Ирина", "phone": "80447654321"}
    )
    assert added.status_code == 302
    mother = Guardianship.objects.get(child=child).guardian
    assert mother.user is None and mother.phone == "+375 44 765-43-21"
    staff = _client(make_user("m@example.test", Role.METHODOLOGIST))
    scan = SimpleUploadedFile("consent.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = staff.post(
        f"/people/{child.pk}/consents/paper/",
        {"purpose": "participation", "giver": mother.pk, "given_on": "2026-11-02", "scan": scan},
    )
    assert response.status_code == 302 and may_process(child, "participation")
    # The child signing for themself at 11 is refused, and nothing is recorded.
    scan = SimpleUploadedFile("consent.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    refused = staff.post(
        f"/people/{child.pk}/consents/paper/",
        {"purpose": "publication", "giver": child.pk, "given_on": "2026-11-02", "scan": scan},
    )
    assert refused.status_code == 400 and Consent.objects.count() == 1
    assert staff.post(f"/people/{child.pk}/guardians/{mother.pk}/remove/").status_code == 302
    assert not Guardianship.objects.filter(child=child).exists()
    assert AuditLog.objects.filter(action="accounts.guardian.unlinked").exists()
