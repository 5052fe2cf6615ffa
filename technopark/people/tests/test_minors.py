"""Issue 12 through the pages and the API: a child cannot consent for themself by editing their date of
birth (item 1), a teacher or coordinator cannot make themself a pupil's guardian (item 2), staff see and
revoke how a guardianship was made, merges show what they move (item 15), a 16-year-old withdraws their
guardian's consent, and impossible dates of birth are refused (item 20)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from technopark.accounts.roles import Role
from technopark.core.models import AuditLog
from technopark.network import services
from technopark.people import services as people_services
from technopark.people.models import Affiliation, Consent, Guardianship, Person
from technopark.people.selectors import may_process, persons_with_consent

TODAY = timezone.localdate()


def _years_ago(years: int) -> dt.date:
    """A date of birth that makes someone exactly ``years`` old today (Minsk)."""
    return dt.date(TODAY.year - years, TODAY.month, min(TODAY.day, 28))


@pytest.fixture(autouse=True)
def _clean_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def texts(db: Any) -> None:
    for purpose in ("participation", "publication", "ndtp_transfer"):
        text = people_services.create_consent_text(actor=None, purpose=purpose, title_ru="Согласие", body_ru="Текст")
        people_services.publish_consent_text(text, actor=None)


@pytest.fixture
def school(make_institution: Any) -> Any:
    return make_institution("Гимназия № 1")


@pytest.fixture
def teacher(make_user: Any, school: Any) -> Any:
    login = make_user("teacher@example.test", Role.TEACHER, last_name="Учителева", first_name="Мария")
    people_services.set_affiliation(people_services.ensure_own_person(login), school, kind="teacher", actor=None)
    return login


@pytest.fixture
def staff(make_user: Any) -> Any:
    return make_user("m@example.test", Role.METHODOLOGIST)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def _pupil_with_login(teacher: Any, school: Any, make_user: Any, *, years: int = 15) -> tuple[Person, Any]:
    """A pupil the teacher added through the API (date of birth confirmed), claimed by the pupil's own login."""
    created = _post(
        _client(teacher),
        "/api/v1/persons",
        {
            "institution": school.pk,
            "last_name": "Смирнов",
            "first_name": "Кирилл",
            "birth_date": str(_years_ago(years)),
        },
    )
    assert created.status_code == 201, created.content
    pupil = Person.objects.get(pk=created.json()["id"])
    code = _post(_client(teacher), f"/api/v1/persons/{pupil.pk}/claim-codes", {"claimant": "self"}).json()["code"]
    login = make_user("kirill@example.test")
    assert _post(_client(login), "/api/v1/persons/claim", {"code": code}).status_code == 200
    pupil.refresh_from_db()
    return pupil, login


# --- Item 1: the age that decides who consents is not the child's to change ------------------------------


def test_a_15_year_old_cannot_make_themself_16_through_the_api_to_consent_to_publication(
    teacher: Any, school: Any, make_user: Any, texts: Any
) -> None:
    pupil, login = _pupil_with_login(teacher, school, make_user)
    child = _client(login)
    # The attack of the probe: the date set to 2000, the consent given, the date set back.
    changed = child.patch(
        f"/api/v1/persons/{pupil.pk}",
        json.dumps({"birth_date": "2000-01-01"}),
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert changed.status_code == 400 and changed.json()["code"] == "birth_date_confirmed"
    assert "ask your teacher or guardian" in changed.json()["detail"]
    consent = _post(child, f"/api/v1/persons/{pupil.pk}/consents", {"purpose": "publication"})
    assert consent.status_code == 400 and consent.json()["code"] == "guardian_required"
    # Emptying the date does not skip the rule either.
    emptied = _patch(child, f"/api/v1/persons/{pupil.pk}", {"birth_date": None})
    assert emptied.status_code == 400 and emptied.json()["code"] == "birth_date_confirmed"
    pupil.refresh_from_db()
    assert pupil.birth_date == _years_ago(15) and pupil.birth_date_confirmed
    assert not Consent.objects.exists() and not may_process(pupil, "publication")
    assert child.get(f"/api/v1/persons/{pupil.pk}").json()["birth_date_confirmed"] is True
    # Other fields of their own record stay theirs to change.
    assert _patch(child, f"/api/v1/persons/{pupil.pk}", {"phone": "+375291234567"}).status_code == 200


def test_the_form_refuses_a_change_of_ones_own_confirmed_date_of_birth(
    teacher: Any, school: Any, make_user: Any
) -> None:
    pupil, login = _pupil_with_login(teacher, school, make_user)
    child = _client(login)
    form = child.get(f"/people/{pupil.pk}/edit/")
    assert form.status_code == 200 and "readonly" in form.content.decode()
    fields = {"last_name": "Смирнов", "first_name": "Кирилл", "birth_date": "2000-01-01"}
    response = child.post(f"/people/{pupil.pk}/edit/", fields)
    assert response.status_code == 400
    assert response.context["form"].errors["birth_date"]
    pupil.refresh_from_db()
    assert pupil.birth_date == _years_ago(15)


def test_a_date_a_child_types_themself_counts_only_once_a_teacher_confirms_it(
    teacher: Any, school: Any, make_user: Any, staff: Any, texts: Any
) -> None:
    # A pupil who signed up on their own: a record without a date of birth, then attached to the school.
    login = make_user("alone@example.test", Role.STUDENT)
    pupil = people_services.ensure_own_person(login)
    people_services.set_affiliation(pupil, school, kind="student", actor=staff)
    child = _client(login)
    typed = _patch(child, f"/api/v1/persons/{pupil.pk}", {"birth_date": "2000-01-01"})
    refused = _post(child, f"/api/v1/persons/{pupil.pk}/consents", {"purpose": "publication"})
    assert refused.status_code == 400 and refused.json()["code"] == "guardian_required"
    assert typed.status_code == 200 and typed.json()["birth_date_confirmed"] is False
    # The pupil cannot confirm their own date; the teacher sees the date is unconfirmed and corrects it.
    assert _post(child, f"/api/v1/persons/{pupil.pk}/birth-date/confirm").status_code == 403
    page = _client(teacher).get(f"/people/{pupil.pk}/").content.decode()
    assert f"/people/{pupil.pk}/birth-date/confirm/" in page
    corrected = _patch(_client(teacher), f"/api/v1/persons/{pupil.pk}", {"birth_date": str(_years_ago(12))})
    assert corrected.status_code == 200 and corrected.json()["birth_date_confirmed"] is True
    record = AuditLog.objects.filter(action="accounts.person.changed", target_id=str(pupil.pk)).latest("id")
    assert record.data["changed"]["birth_date"] == ["2000-01-01", str(_years_ago(12))]
    assert record.data["changed"]["birth_date_confirmed"] == [False, True] and record.actor == teacher


def test_a_teacher_confirms_a_typed_date_on_the_page_and_then_it_decides(
    teacher: Any, school: Any, make_user: Any, staff: Any, texts: Any
) -> None:
    login = make_user("older@example.test", Role.STUDENT)
    pupil = people_services.ensure_own_person(login)
    people_services.set_affiliation(pupil, school, kind="student", actor=staff)
    assert _patch(_client(login), f"/api/v1/persons/{pupil.pk}", {"birth_date": str(_years_ago(17))}).status_code == 200
    assert _client(teacher).post(f"/people/{pupil.pk}/birth-date/confirm/").status_code == 302
    pupil.refresh_from_db()
    assert pupil.birth_date_confirmed and pupil.birth_date_confirmed_by == teacher
    assert AuditLog.objects.filter(action="accounts.person.birth_date_confirmed", actor=teacher).exists()
    given = _post(_client(login), f"/api/v1/persons/{pupil.pk}/consents", {"purpose": "publication"})
    assert given.status_code == 201
    # Confirmed now, it is no longer the pupil's to change.
    assert _patch(_client(login), f"/api/v1/persons/{pupil.pk}", {"birth_date": "2000-01-01"}).status_code == 400


def test_a_consent_given_under_a_wrong_age_ends_when_the_teacher_corrects_it(
    teacher: Any, school: Any, make_user: Any, texts: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # The teacher typed the year wrong: the 13-year-old looked 26 and consented for themself.
    pupil, login = _pupil_with_login(teacher, school, make_user, years=26)
    pupil.email = "kirill@example.test"
    pupil.save()
    mother = people_services.add_guardian(
        pupil, actor=teacher, last_name="Смирнова", first_name="Анна", email="mother@example.test"
    )
    given = _post(_client(login), f"/api/v1/persons/{pupil.pk}/consents", {"purpose": "publication"})
    assert given.status_code == 201
    assert pupil in persons_with_consent(Person.objects.all(), "publication")
    with django_capture_on_commit_callbacks(execute=True):
        corrected = _patch(_client(teacher), f"/api/v1/persons/{pupil.pk}", {"birth_date": str(_years_ago(13))})
    assert corrected.status_code == 200
    consent = Consent.objects.get(pk=given.json()["id"])
    assert consent.withdrawn_at is not None and consent.withdrawal_reason == "age_corrected"
    assert not may_process(pupil, "publication")
    assert pupil not in persons_with_consent(Person.objects.all(), "publication")
    ended = AuditLog.objects.get(action="accounts.consent.withdrawn")
    assert ended.actor == teacher and ended.data["reason"] == "age_corrected"
    told = [message for message in mail.outbox if "mother@example.test" in message.to]
    assert len(told) == 1 and "kirill@example.test" in told[0].to
    # Under 16 now, the pupil cannot consent again; the guardian can (on paper here: no login yet).
    again = _post(_client(login), f"/api/v1/persons/{pupil.pk}/consents", {"purpose": "publication"})
    assert again.status_code == 400 and again.json()["code"] == "guardian_required"
    assert Guardianship.objects.filter(child=pupil, guardian=mother).exists()


# --- Item 2: the code's issuer, the child's teachers and the institution's staff are never its guardians ---


def test_a_teacher_cannot_redeem_a_guardian_code_they_issued_on_the_claim_page(
    teacher: Any, school: Any, make_user: Any, texts: Any
) -> None:
    child = people_services.add_student(
        school, actor=teacher, last_name="Петрова", first_name="Ксения", birth_date=_years_ago(12)
    )
    issued = _client(teacher).post(f"/people/{child.pk}/claim-code/", {"claimant": "guardian"})
    code = issued.context["code"]
    response = _client(teacher).post("/people/claim/", {"code": code})
    assert response.status_code == 400
    assert response.context["form"].errors["code"]
    assert not Guardianship.objects.filter(child=child).exists()
    refusal = AuditLog.objects.get(action="accounts.claim_code.refused")
    assert refusal.actor == teacher and refusal.data["reason"] == "issuer"
    # Consenting for the child is refused as before; the code still works for the real parent.
    consent = _post(_client(teacher), f"/api/v1/persons/{child.pk}/consents", {"purpose": "publication"})
    assert consent.status_code == 400 and not Consent.objects.exists()
    parent = make_user("parent@example.test")
    assert _client(parent).post("/people/claim/", {"code": code}).status_code == 302
    assert Guardianship.objects.get(child=child).guardian.user == parent


def test_the_childs_teacher_and_coordinator_cannot_redeem_a_code_staff_issued_through_the_api(
    teacher: Any, school: Any, make_user: Any, staff: Any
) -> None:
    child = people_services.add_student(
        school, actor=teacher, last_name="Петрова", first_name="Ксения", birth_date=_years_ago(12)
    )
    coordinator = make_user("coord@example.test", Role.COORDINATOR)
    services.add_coordinator(school, coordinator, actor=staff)
    for login in (teacher, coordinator):
        code = _post(_client(staff), f"/api/v1/persons/{child.pk}/claim-codes", {"claimant": "guardian"}).json()["code"]
        response = _post(_client(login), "/api/v1/persons/claim", {"code": code})
        assert response.status_code == 400 and response.json()["code"] == "guardian_claim_refused"
    assert not Guardianship.objects.filter(child=child).exists()
    reasons = sorted(
        AuditLog.objects.filter(action="accounts.claim_code.refused").values_list("data__reason", flat=True)
    )
    assert reasons == ["coordinator", "teacher"]


def test_staff_see_how_a_guardianship_was_made_and_revoke_it_with_its_consents(
    teacher: Any, school: Any, make_user: Any, staff: Any, texts: Any, django_capture_on_commit_callbacks: Any
) -> None:
    child = people_services.add_student(
        school, actor=teacher, last_name="Петрова", first_name="Ксения", birth_date=_years_ago(12)
    )
    code = _post(_client(teacher), f"/api/v1/persons/{child.pk}/claim-codes", {"claimant": "guardian"}).json()["code"]
    claimant = make_user("claimant@example.test")
    assert _post(_client(claimant), "/api/v1/persons/claim", {"code": code}).status_code == 200
    consent = _post(_client(claimant), f"/api/v1/persons/{child.pk}/consents", {"purpose": "publication"}).json()
    page = _client(staff).get(f"/people/{child.pk}/").content.decode()
    assert "claimant@example.test" in page and "teacher@example.test" in page
    listed = _client(staff).get(f"/api/v1/persons/{child.pk}/guardians").json()
    assert listed[0]["source"] == "claim_code" and listed[0]["claim_code_issued_by"] == "teacher@example.test"
    assert listed[0]["linked_by"] == "claimant@example.test"
    # The teacher sees the guardian, not how the link was made, and cannot revoke it.
    assert _client(teacher).get(f"/api/v1/persons/{child.pk}/guardians").json()[0]["source"] is None
    guardian_id = listed[0]["guardian_id"]
    assert _client(teacher).delete(f"/api/v1/persons/{child.pk}/guardians/{guardian_id}").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        revoked = _client(staff).delete(f"/api/v1/persons/{child.pk}/guardians/{guardian_id}")
    assert revoked.status_code == 204 and not Guardianship.objects.filter(child=child).exists()
    ended = Consent.objects.get(pk=consent["id"])
    assert ended.withdrawal_reason == "guardianship_revoked" and not may_process(child, "publication")
    unlinked = AuditLog.objects.get(action="accounts.guardian.unlinked")
    assert unlinked.actor == staff and unlinked.data["source"] == "claim_code"
    assert any("claimant@example.test" in message.to for message in mail.outbox)


def test_staff_revoke_a_guardianship_on_the_childs_page(teacher: Any, school: Any, make_user: Any, staff: Any) -> None:
    child = people_services.add_student(
        school, actor=teacher, last_name="Петрова", first_name="Ксения", birth_date=_years_ago(12)
    )
    mother = people_services.add_guardian(child, actor=teacher, last_name="Петрова", first_name="Ольга")
    page = _client(staff).get(f"/people/{child.pk}/").content.decode()
    assert f"/people/{child.pk}/guardians/{mother.pk}/remove/" in page and "teacher@example.test" in page
    assert _client(staff).post(f"/people/{child.pk}/guardians/{mother.pk}/remove/").status_code == 302
    assert not Guardianship.objects.filter(child=child).exists()


# --- Item 15: a merge keeps both schools and says what it will do -----------------------------------------


def test_the_api_previews_a_merge_and_the_merge_keeps_both_schools(
    make_institution: Any, teacher: Any, school: Any, staff: Any
) -> None:
    centre = make_institution("ЦДО «Маяк»", kind="additional")
    first = people_services.add_student(
        school, actor=teacher, last_name="Орлов", first_name="Илья", birth_date=_years_ago(11)
    )
    second = people_services.add_student(
        centre, actor=staff, last_name="Орлов", first_name="Илья", birth_date=_years_ago(11)
    )
    body = {"keep": first.pk, "duplicate": second.pk}
    assert _post(_client(teacher), "/api/v1/persons/merge/preview", body).status_code == 403
    preview = _post(_client(staff), "/api/v1/persons/merge/preview", body)
    assert preview.status_code == 200
    moved = [row["what"] for row in preview.json()["moved"]]
    assert any("ЦДО «Маяк»" in what for what in moved) and preview.json()["dropped"] == []
    assert Person.objects.filter(pk=second.pk).exists()
    assert _post(_client(staff), "/api/v1/persons/merge", body).status_code == 200
    assert set(Affiliation.objects.filter(person=first).values_list("institution", flat=True)) == {school.pk, centre.pk}


# --- Item 20: from 16 one withdraws one's guardian's consent; impossible dates are refused -----------------


def test_from_the_16th_birthday_the_person_withdraws_the_consent_their_guardian_gave(
    teacher: Any, school: Any, make_user: Any, texts: Any
) -> None:
    pupil, login = _pupil_with_login(teacher, school, make_user, years=16)
    mother_login = make_user("mother@example.test", Role.GUARDIAN)
    mother = people_services.ensure_own_person(mother_login)
    people_services.link_guardian(pupil, mother, actor=teacher)
    year_ago = timezone.now() - dt.timedelta(days=366)
    publication = people_services.give_consent(
        pupil, purpose="publication", giver=mother, actor=mother_login, at=year_ago
    )
    transfer = people_services.give_consent(
        pupil, purpose="ndtp_transfer", giver=mother, actor=mother_login, at=year_ago
    )
    child = _client(login)
    page = child.get(f"/people/{pupil.pk}/").content.decode()
    assert f"/people/consents/{publication.pk}/withdraw/" in page
    assert child.post(f"/people/consents/{publication.pk}/withdraw/").status_code == 302
    withdrawn = child.post(f"/api/v1/consents/{transfer.pk}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawal_reason"] == "request"
    assert not may_process(pupil, "publication") and not may_process(pupil, "ndtp_transfer")


def test_before_16_the_child_cannot_withdraw_their_guardians_consent(
    teacher: Any, school: Any, make_user: Any, texts: Any
) -> None:
    pupil, login = _pupil_with_login(teacher, school, make_user, years=15)
    mother_login = make_user("mother@example.test", Role.GUARDIAN)
    mother = people_services.ensure_own_person(mother_login)
    people_services.link_guardian(pupil, mother, actor=teacher)
    consent = people_services.give_consent(pupil, purpose="publication", giver=mother, actor=mother_login)
    assert _client(login).post(f"/api/v1/consents/{consent.pk}/withdraw").status_code == 404
    assert may_process(pupil, "publication")


@pytest.mark.parametrize("born", ["1800-01-01", "1899-12-31", str(TODAY + dt.timedelta(days=1))])
def test_impossible_dates_of_birth_are_refused_by_the_api_and_the_form(teacher: Any, school: Any, born: str) -> None:
    api = _client(teacher)
    created = _post(
        api,
        "/api/v1/persons",
        {"institution": school.pk, "last_name": "Старый", "first_name": "Пётр", "birth_date": born},
    )
    assert created.status_code == 400 and created.json()["code"] in {"birth_date_too_early", "birth_date_future"}
    child = people_services.add_student(
        school, actor=teacher, last_name="Юный", first_name="Пётр", birth_date=_years_ago(10)
    )
    changed = _patch(api, f"/api/v1/persons/{child.pk}", {"birth_date": born})
    assert changed.status_code == 400 and changed.json()["code"] in {"birth_date_too_early", "birth_date_future"}
    page = api.post(f"/people/{child.pk}/edit/", {"last_name": "Юный", "first_name": "Пётр", "birth_date": born})
    assert page.status_code == 400 and page.context["form"].errors["birth_date"]
    child.refresh_from_db()
    assert child.birth_date == _years_ago(10)
    assert not Person.objects.filter(last_name="Старый").exists()
