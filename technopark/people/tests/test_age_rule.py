"""Who consents is decided by an age the child cannot change (DOMAIN.md rule 10, issue 12 items 1, 10, 20):
a confirmed date of birth, or what others granted; the consents of a wrong giver end when the date is
corrected; apps above accounts act when a child's consent ends; existing data is classified by migration."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from technopark.people import services
from technopark.people.models import Person
from technopark.people.selectors import counted_age_on, giver_rule, may_process
from technopark.people.services import consent as consent_services

TODAY = timezone.localdate()


def _born(years: int) -> dt.date:
    return dt.date(TODAY.year - years, TODAY.month, min(TODAY.day, 28))


def _own_record(make_user: Any, email: str, *roles: str, typed: dt.date | None = None) -> Person:
    """A login's own record, with a date of birth the person typed themself (if any)."""
    login = make_user(email, *roles)
    person = services.ensure_own_person(login)
    if typed is not None:
        person = services.update_person(person, actor=login, birth_date=typed)
    return person


def test_only_a_confirmed_date_or_what_others_granted_decides_who_consents(db: Any, make_user: Any) -> None:
    child_of_15 = services.create_person(actor=None, last_name="А", first_name="А", birth_date=_born(15))
    teen_of_16 = services.create_person(actor=None, last_name="Б", first_name="Б", birth_date=_born(16))
    assert (giver_rule(child_of_15), giver_rule(teen_of_16)) == ("guardian", "self")
    typed_adult = _own_record(make_user, "typed@example.test", "student", typed=dt.date(2000, 1, 1))
    assert not typed_adult.birth_date_confirmed and giver_rule(typed_adult) == "guardian"
    assert giver_rule(_own_record(make_user, "nodate@example.test", "student")) == "guardian"
    # Adults by what others granted: a role only administrators grant, a guardianship the centre linked.
    assert giver_rule(_own_record(make_user, "teacher@example.test", "teacher")) == "self"
    linked_parent = _own_record(make_user, "parent@example.test", "guardian")
    services.link_guardian(child_of_15, linked_parent, actor=None)
    assert giver_rule(linked_parent) == "self"
    # A guardianship claimed with a code proves nothing: a child could redeem a sibling's code.
    sibling = services.create_person(actor=None, last_name="В", first_name="В", birth_date=_born(8))
    _claim, code = services.issue_claim_code(sibling, claimant="guardian", actor=None)
    claimer = make_user("claimer@example.test")
    services.claim_person(code, user=claimer)
    assert giver_rule(Person.objects.get(user=claimer)) == "guardian"


def test_age_limits_read_a_confirmed_date_and_only_an_adults_own_date(db: Any, make_user: Any) -> None:
    day = TODAY
    assert (
        counted_age_on(services.create_person(actor=None, last_name="А", first_name="А", birth_date=_born(12)), day)
        == 12
    )
    assert counted_age_on(_own_record(make_user, "kid@example.test", "student", typed=_born(18)), day) is None
    assert counted_age_on(_own_record(make_user, "t@example.test", "teacher", typed=_born(40)), day) == 40


def test_a_person_enters_a_missing_date_but_never_changes_a_confirmed_one(db: Any, make_user: Any) -> None:
    login = make_user("kid@example.test", "student")
    person = services.ensure_own_person(login)
    person = services.update_person(person, actor=login, birth_date=_born(12))
    person = services.update_person(person, actor=login, birth_date=_born(13))  # still theirs: unconfirmed
    assert person.birth_date == _born(13) and not person.birth_date_confirmed
    teacher = make_user("teacher@example.test", "teacher")
    with pytest.raises(services.PersonError) as own:
        services.confirm_birth_date(person, actor=login)
    assert own.value.code == "birth_date_own"
    person = services.confirm_birth_date(person, actor=teacher)
    assert person.birth_date_confirmed_by == teacher
    with pytest.raises(services.PersonError) as refused:
        services.update_person(person, actor=login, birth_date=_born(17))
    assert refused.value.code == "birth_date_confirmed"
    with pytest.raises(services.PersonError):
        services.update_person(person, actor=login, birth_date=None)
    person.refresh_from_db()
    assert person.birth_date == _born(13) and person.birth_date_confirmed


@pytest.mark.parametrize(
    ("born", "code"),
    [(dt.date(1800, 1, 1), "birth_date_too_early"), (TODAY + dt.timedelta(days=1), "birth_date_future")],
)
def test_impossible_dates_of_birth_are_refused_by_the_services(db: Any, born: dt.date, code: str) -> None:
    with pytest.raises(services.PersonError) as refused:
        services.create_person(actor=None, last_name="А", first_name="А", birth_date=born)
    assert refused.value.code == code
    person = services.create_person(actor=None, last_name="А", first_name="А", birth_date=dt.date(1900, 1, 1))
    with pytest.raises(services.PersonError):
        services.update_person(person, actor=None, birth_date=born)


@pytest.fixture
def handled(monkeypatch: Any) -> list[tuple[int, str]]:
    calls: list[tuple[int, str]] = []

    def record(subject: Person, *, purpose: str, actor: Any) -> None:
        calls.append((subject.pk, purpose))

    monkeypatch.setattr(consent_services, "CONSENT_ENDED_HANDLERS", [record])
    return calls


def test_the_apps_handlers_run_when_a_child_loses_a_consent_not_when_a_16_year_old_withdraws_theirs(
    db: Any, make_user: Any, consent_texts: Any, handled: list[tuple[int, str]]
) -> None:
    parent_login = make_user("parent@example.test", "guardian")
    parent = services.ensure_own_person(parent_login)
    child = services.create_person(actor=None, last_name="Ребёнок", first_name="А", birth_date=_born(12))
    services.link_guardian(child, parent, actor=None)
    consent = services.give_consent(child, purpose="participation", giver=parent, actor=parent_login)
    services.withdraw_consent(consent, actor=parent_login)
    assert handled == [(child.pk, "participation")]
    teen_login = make_user("teen@example.test", "student")
    teen = services.create_person(
        actor=None, user=teen_login, last_name="Подросток", first_name="Б", birth_date=_born(17)
    )
    own = services.give_consent(teen, purpose="participation", giver=teen, actor=teen_login)
    services.withdraw_consent(own, actor=teen_login)
    assert handled == [(child.pk, "participation")]


def test_confirming_a_date_ends_a_guardians_consent_that_the_person_had_to_give_themself(
    db: Any, make_user: Any, consent_texts: Any, django_capture_on_commit_callbacks: Any
) -> None:
    login = make_user("older@example.test", "student")
    person = services.ensure_own_person(login)
    person = services.update_person(person, actor=login, birth_date=_born(17))
    parent_login = make_user("parent@example.test", "guardian")
    parent = services.ensure_own_person(parent_login)
    services.link_guardian(person, parent, actor=None)
    # Unconfirmed, the guardian consented; confirmed, the 17-year-old consents for themself.
    consent = services.give_consent(person, purpose="publication", giver=parent, actor=parent_login)
    staff = make_user("m@example.test", "methodologist")
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_birth_date(person, actor=staff)
    consent.refresh_from_db()
    assert consent.withdrawal_reason == "age_corrected" and not may_process(person, "publication")
    assert {address for message in mail.outbox for address in message.to} == {
        "older@example.test",
        "parent@example.test",
    }
    services.give_consent(person, purpose="publication", giver=person, actor=login)


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_dates_others_set_and_ends_consents_a_child_gave_under_their_own_date() -> None:
    before = [("accounts", "0002_people_and_consent"), ("network", "0004_affiliation")]
    after = [("accounts", "0005_classify_birth_dates"), ("network", "0004_affiliation")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        others = [("core", "0005_verbose_names"), ("contenttypes", "0002_remove_content_type_name")]
        old = executor.loader.project_state(before + others).apps
        User, OldPerson = old.get_model("accounts", "User"), old.get_model("accounts", "Person")
        person_type = old.get_model("contenttypes", "ContentType").objects.get(app_label="accounts", model="person")
        log = old.get_model("core", "AuditLog").objects
        teacher = User.objects.create(email="t@example.test")
        kid_login = User.objects.create(email="kid@example.test")
        parent_login = User.objects.create(email="p@example.test")
        kid = OldPerson.objects.create(
            last_name="Kid", first_name="K", birth_date=dt.date(2000, 1, 1), user=kid_login, created_by=teacher
        )
        log.create(action="accounts.person.changed", actor=kid_login, target_type=person_type, target_id=str(kid.pk),
                   data={"changed": {"birth_date": ["2013-01-01", "2000-01-01"]}})  # fmt: skip
        pupil = OldPerson.objects.create(
            last_name="Pupil", first_name="P", birth_date=dt.date(2014, 2, 2), created_by=teacher
        )
        log.create(action="accounts.person.changed", actor=teacher, target_type=person_type, target_id=str(pupil.pk),
                   data={"changed": {"birth_date": ["2014-01-02", "2014-02-02"]}})  # fmt: skip
        parent = OldPerson.objects.create(last_name="Parent", first_name="P", user=parent_login)
        code = old.get_model("accounts", "ClaimCode").objects.create(
            person=pupil, claimant="guardian", code_hash="x" * 64, expires_at=timezone.now(), created_by=teacher,
            used_by=parent_login, used_at=timezone.now(),
        )  # fmt: skip
        old.get_model("accounts", "Guardianship").objects.create(child=pupil, guardian=parent)
        text = old.get_model("accounts", "ConsentText").objects.create(
            purpose="publication", version=1, title_ru="С", body_ru="Т", published_at=timezone.now()
        )
        consents = old.get_model("accounts", "Consent").objects
        own = consents.create(
            subject=kid, giver=kid, purpose="publication", text=text, given_at=timezone.now(), channel="online"
        )
        by_parent = consents.create(
            subject=pupil, giver=parent, purpose="publication", text=text, given_at=timezone.now(), channel="online"
        )
        earlier = consents.create(
            subject=pupil, giver=parent, purpose="publication", text=text, given_at=timezone.now(), channel="online",
            withdrawn_at=timezone.now(),
        )  # fmt: skip
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after + others).apps
        people = new.get_model("accounts", "Person").objects
        assert people.get(pk=kid.pk).birth_date_confirmed_at is None
        confirmed = people.get(pk=pupil.pk)
        assert confirmed.birth_date_confirmed_at is not None and confirmed.birth_date_confirmed_by_id == teacher.pk
        link = new.get_model("accounts", "Guardianship").objects.get(child=pupil.pk)
        assert link.source == "claim_code" and link.claim_code_id == code.pk
        ended = new.get_model("accounts", "Consent").objects
        assert ended.get(pk=own.pk).withdrawal_reason == "birth_date_unconfirmed"
        assert ended.get(pk=by_parent.pk).withdrawn_at is None
        assert ended.get(pk=earlier.pk).withdrawal_reason == "request"
        assert (
            new.get_model("core", "AuditLog")
            .objects.filter(action="accounts.consent.withdrawn", target_id=str(kid.pk))
            .exists()
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
