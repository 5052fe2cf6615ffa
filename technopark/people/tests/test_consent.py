"""The consent rule (DOMAIN.md rule 4): who consents, for what, under which text version, until when."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from technopark.core.errors import ConflictError
from technopark.core.models import AuditLog
from technopark.people import services
from technopark.people.models import Consent, ConsentPurpose, Person
from technopark.people.selectors import consent_overview, may_process, persons_with_consent

MINSK = ZoneInfo("Europe/Minsk")
PARTICIPATION = ConsentPurpose.PARTICIPATION


@pytest.fixture
def family(make_user: Any, consent_texts: Any) -> dict[str, Any]:
    parent_login = make_user("parent@example.test", "guardian", first_name="Ольга", last_name="Петрова")
    parent = services.ensure_own_person(parent_login)
    child = services.create_person(actor=None, last_name="Петров", first_name="Иван", birth_date=dt.date(2012, 3, 15))
    services.link_guardian(child, parent, actor=None)
    return {"parent_login": parent_login, "parent": parent, "child": child}


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=MINSK)


def test_a_guardian_consents_online_for_a_child_under_16(family: dict[str, Any]) -> None:
    child, parent = family["child"], family["parent"]
    assert not may_process(child, PARTICIPATION)
    consent = services.give_consent(child, purpose=PARTICIPATION, giver=parent, actor=family["parent_login"])
    assert may_process(child, PARTICIPATION)
    assert not may_process(child, ConsentPurpose.PUBLICATION)
    assert consent.channel == Consent.Channel.ONLINE and consent.text.version == 1
    record = AuditLog.objects.get(action="accounts.consent.given")
    assert record.data["purpose"] == PARTICIPATION and record.data["giver"] == parent.pk


def test_the_day_before_the_16th_birthday_only_a_guardian_may_consent(family: dict[str, Any], make_user: Any) -> None:
    child, parent = family["child"], family["parent"]
    child.user = make_user("ivan@example.test", "student")
    child.save()
    eve = _at(dt.date(2028, 3, 14))
    with pytest.raises(services.ConsentError) as refused:
        services.give_consent(child, purpose=PARTICIPATION, giver=child, actor=child.user, at=eve)
    assert refused.value.code == "guardian_required"
    services.give_consent(child, purpose=PARTICIPATION, giver=parent, actor=family["parent_login"], at=eve)


def test_on_the_16th_birthday_the_person_consents_for_themself(family: dict[str, Any], make_user: Any) -> None:
    child, parent = family["child"], family["parent"]
    child.user = make_user("ivan@example.test", "student")
    child.save()
    birthday = _at(dt.date(2028, 3, 15))
    with pytest.raises(services.ConsentError) as refused:
        services.give_consent(child, purpose=PARTICIPATION, giver=parent, actor=family["parent_login"], at=birthday)
    assert refused.value.code == "self_required"
    services.give_consent(child, purpose=PARTICIPATION, giver=child, actor=child.user, at=birthday)
    assert may_process(child, PARTICIPATION, at=birthday + dt.timedelta(hours=1))


def test_the_birthday_is_counted_in_minsk_time(family: dict[str, Any], make_user: Any) -> None:
    child = family["child"]
    child.user = make_user("ivan@example.test", "student")
    child.save()
    # 22:30 UTC on the 14th is already 01:30 on the 15th in Minsk: the 16th birthday.
    late = dt.datetime(2028, 3, 14, 22, 30, tzinfo=dt.UTC)
    services.give_consent(child, purpose=PARTICIPATION, giver=child, actor=child.user, at=late)


def test_a_withdrawn_consent_stops_processing_from_that_moment(family: dict[str, Any]) -> None:
    child = family["child"]
    consent = services.give_consent(child, purpose=PARTICIPATION, giver=family["parent"], actor=family["parent_login"])
    services.withdraw_consent(consent, actor=family["parent_login"])
    assert not may_process(child, PARTICIPATION)
    assert may_process(child, PARTICIPATION, at=consent.given_at)
    with pytest.raises(ConflictError):
        services.withdraw_consent(consent, actor=family["parent_login"])
    assert AuditLog.objects.filter(action="accounts.consent.withdrawn").count() == 1
    # Given again after withdrawal: a new record, the history keeps both.
    services.give_consent(child, purpose=PARTICIPATION, giver=family["parent"], actor=family["parent_login"])
    assert may_process(child, PARTICIPATION)
    assert child.consents.count() == 2


def test_a_new_text_version_asks_again(family: dict[str, Any]) -> None:
    child = family["child"]
    services.give_consent(child, purpose=PARTICIPATION, giver=family["parent"], actor=family["parent_login"])
    draft = services.create_consent_text(actor=None, purpose=PARTICIPATION, title_ru="Согласие", body_ru="Новый текст")
    assert may_process(child, PARTICIPATION), "a draft asks nobody"
    services.publish_consent_text(draft, actor=None)
    assert not may_process(child, PARTICIPATION)
    status = next(s for s in consent_overview(child) if s.purpose == PARTICIPATION)
    assert status.outdated is not None and status.active is None and status.text.version == 2
    services.give_consent(child, purpose=PARTICIPATION, giver=family["parent"], actor=family["parent_login"])
    assert may_process(child, PARTICIPATION)


def test_a_published_text_never_changes(consent_texts: Any) -> None:
    with pytest.raises(ConflictError):
        services.update_consent_text(consent_texts[PARTICIPATION], actor=None, body_ru="Другой текст")


def test_nobody_else_consents_online_for_a_child(family: dict[str, Any], make_user: Any) -> None:
    stranger = services.ensure_own_person(make_user("stranger@example.test", "guardian"))
    with pytest.raises(services.ConsentError) as refused:
        services.give_consent(family["child"], purpose=PARTICIPATION, giver=stranger, actor=stranger.user)
    assert refused.value.code == "guardian_required"
    # A guardian's consent clicked by someone else's login is not the guardian's.
    with pytest.raises(services.ConsentError) as refused:
        services.give_consent(family["child"], purpose=PARTICIPATION, giver=family["parent"], actor=stranger.user)
    assert refused.value.code == "online_by_giver_only"
    assert not Consent.objects.exists()


def test_staff_record_a_paper_consent_with_its_scan(
    family: dict[str, Any], make_user: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    staff = make_user("m@example.test", "methodologist")
    with pytest.raises(services.ConsentError):
        services.give_consent(
            family["child"], purpose=PARTICIPATION, giver=family["parent"], actor=staff, channel="paper"
        )
    scan = SimpleUploadedFile("document.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    consent = services.give_consent(
        family["child"], purpose=PARTICIPATION, giver=family["parent"], actor=staff, channel="paper", scan=scan
    )
    assert consent.scan.name.startswith("consents/") and consent.recorded_by == staff
    assert may_process(family["child"], PARTICIPATION)


def test_without_a_confirmed_date_of_birth_only_an_adult_by_grant_consents_for_themself(
    consent_texts: Any, make_user: Any
) -> None:
    teacher = make_user("t@example.test", "teacher")
    adult = services.ensure_own_person(teacher)
    assert adult.birth_date is None
    services.give_consent(adult, purpose=PARTICIPATION, giver=adult, actor=teacher)
    # A student's login without a date of birth is not "an adult": a guardian consents.
    student = make_user("s@example.test", "student")
    child = services.ensure_own_person(student)
    with pytest.raises(services.ConsentError) as refused:
        services.give_consent(child, purpose=PARTICIPATION, giver=child, actor=student)
    assert refused.value.code == "guardian_required"
    assert not may_process(child, PARTICIPATION)


def test_without_a_text_in_force_nothing_may_be_processed(db: Any) -> None:
    person = services.create_person(actor=None, last_name="А", first_name="Б", birth_date=dt.date(2000, 1, 1))
    assert not may_process(person, PARTICIPATION)
    with pytest.raises(services.ConsentError):
        services.give_consent(person, purpose=PARTICIPATION, giver=person, actor=None, channel="paper", scan=None)


def test_the_list_variant_agrees_with_may_process(family: dict[str, Any]) -> None:
    other = services.create_person(actor=None, last_name="Сидоров", first_name="Пётр", birth_date=dt.date(2013, 1, 1))
    services.give_consent(family["child"], purpose=PARTICIPATION, giver=family["parent"], actor=family["parent_login"])
    allowed = set(persons_with_consent(Person.objects.all(), PARTICIPATION))
    assert allowed == {p for p in (family["child"], other, family["parent"]) if may_process(p, PARTICIPATION)}


def test_someone_born_on_29_february_turns_16_on_1_march() -> None:
    from technopark.people.models import age_on

    born = dt.date(2012, 2, 29)
    assert age_on(born, dt.date(2028, 2, 28)) == 15
    assert age_on(born, dt.date(2028, 2, 29)) == 16
    assert age_on(born, dt.date(2029, 2, 28)) == 16
    assert age_on(dt.date(2013, 2, 28), dt.date(2029, 2, 27)) == 15


def test_methodologists_write_a_new_version_and_publish_it_on_the_pages(make_user: Any, consent_texts: Any) -> None:
    from django.test import Client

    from technopark.people.models import ConsentText

    client = Client()
    client.force_login(make_user("m@example.test", "methodologist"))
    form = client.get("/staff/consent-texts/new/?purpose=participation")
    assert form.status_code == 200 and "Согласие: participation" in form.content.decode()  # starts from v1
    empty = client.post("/staff/consent-texts/new/", {"purpose": "participation", "title_ru": "Новая редакция"})
    assert empty.status_code == 400 and 'value="Новая редакция"' in empty.content.decode()
    created = client.post(
        "/staff/consent-texts/new/", {"purpose": "participation", "title_ru": "Новая редакция", "body_ru": "Текст v2"}
    )
    draft = ConsentText.objects.get(purpose="participation", version=2)
    assert created.status_code == 302 and draft.published_at is None
    assert (
        client.post(f"/staff/consent-texts/{draft.pk}/", {"title_ru": "Редакция 2", "body_ru": "Текст v2"}).status_code
        == 302
    )
    assert client.post(f"/staff/consent-texts/{draft.pk}/publish/").status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None and draft.title_ru == "Редакция 2"
    listing = client.get("/staff/consent-texts/").content.decode()
    assert "Редакция 2" in listing
    # A published version shows its text and no form.
    assert b'<form method="post" class="form' not in client.get(f"/staff/consent-texts/{draft.pk}/").content
    assert AuditLog.objects.filter(action="accounts.consent_text.published", target_id=str(draft.pk)).exists()


def test_the_api_lists_the_texts_in_force(client: Any, consent_texts: Any) -> None:
    body = client.get("/api/v1/consent-texts").json()
    assert {text["purpose"] for text in body} == set(ConsentPurpose.values)
    assert all(text["version"] == 1 for text in body)
