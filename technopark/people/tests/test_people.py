"""People in the registry: guardianship, claim codes, duplicates and merging."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache

from technopark.core.errors import ConflictError
from technopark.core.models import AuditLog
from technopark.people import services
from technopark.people.models import ClaimCode, Consent, Guardianship, Person
from technopark.people.selectors import find_persons, possible_duplicates


@pytest.fixture(autouse=True)
def _clear_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def _person(
    last: str = "Иванова",
    first: str = "Анна",
    patronymic: str = "Сергеевна",
    born: dt.date | None = dt.date(2012, 5, 1),
    **fields: Any,
) -> Person:
    return services.create_person(
        actor=None, last_name=last, first_name=first, patronymic=patronymic, birth_date=born, **fields
    )


def test_names_and_phones_are_stored_as_people_in_minsk_write_them(db: Any) -> None:
    person = _person("  Ёлкина ", "Мария", phone="8 029 123 45 67")
    assert person.full_name == "Ёлкина Мария Сергеевна" and person.short_name == "Ёлкина М. С."
    assert person.phone == "+375 29 123-45-67"
    assert list(find_persons(Person.objects.all(), q="елкина мар")) == [person]


def test_a_date_of_birth_in_the_future_is_refused(db: Any) -> None:
    with pytest.raises(services.PersonError):
        _person(born=dt.date(2099, 1, 1))


def test_a_child_has_at_most_two_guardians(db: Any) -> None:
    child = _person()
    services.link_guardian(child, _person("Мама", "А", born=None), actor=None)
    services.link_guardian(child, _person("Папа", "Б", born=None), actor=None)
    with pytest.raises(services.PersonError) as refused:
        services.link_guardian(child, _person("Дед", "В", born=None), actor=None)
    assert refused.value.code == "too_many_guardians"
    with pytest.raises(services.PersonError):
        services.link_guardian(child, child, actor=None)


def test_a_guardian_claims_a_record_with_a_single_use_code(db: Any, make_user: Any) -> None:
    child = _person()
    _claim, code = services.issue_claim_code(child, claimant="guardian", actor=None)
    assert len(code) == 14 and ClaimCode.objects.get().code_hash != code
    parent = make_user("parent@example.test", first_name="Ольга", last_name="Иванова")
    services.claim_person(code.lower().replace("-", " "), user=parent)
    assert Guardianship.objects.get().guardian.user == parent
    assert "guardian" in type(parent).objects.get(pk=parent.pk).roles
    other = make_user("other@example.test")
    with pytest.raises(services.PersonError) as refused:
        services.claim_person(code, user=other)
    assert refused.value.code == "claim_code_invalid"
    assert AuditLog.objects.filter(action="accounts.person.claimed").count() == 1
    assert AuditLog.objects.filter(action="accounts.claim_code.failed").count() == 1


def test_a_student_claims_their_own_record(db: Any, make_user: Any) -> None:
    child = _person()
    _claim, code = services.issue_claim_code(child, claimant="self", actor=None)
    login = make_user("anna@example.test")
    services.claim_person(code, user=login)
    child.refresh_from_db()
    assert child.user == login and "student" in type(login).objects.get(pk=login.pk).roles
    with pytest.raises(services.PersonError):
        services.issue_claim_code(child, claimant="self", actor=None)


def test_an_expired_or_replaced_code_does_not_work(db: Any, make_user: Any) -> None:
    child = _person()
    _claim, first = services.issue_claim_code(child, claimant="guardian", actor=None)
    _claim, second = services.issue_claim_code(child, claimant="guardian", actor=None)
    login = make_user("parent@example.test")
    with pytest.raises(services.PersonError):
        services.claim_person(first, user=login)
    ClaimCode.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(services.PersonError):
        services.claim_person(second, user=login)
    assert not Guardianship.objects.exists()


def test_codes_cannot_be_guessed_by_trying_many(db: Any, make_user: Any) -> None:
    child = _person()
    _claim, code = services.issue_claim_code(child, claimant="guardian", actor=None)
    login = make_user("guesser@example.test")
    for attempt in range(services.claims.MAX_FAILED_CLAIMS_PER_HOUR):
        with pytest.raises(services.PersonError):
            services.claim_person(f"AAAA-AAAA-{attempt:04d}", user=login)
    with pytest.raises(services.PersonError) as refused:
        services.claim_person(code, user=login)
    assert refused.value.code == "claim_throttled"
    assert not Guardianship.objects.exists()


def test_duplicates_are_found_by_name_and_date_of_birth(db: Any) -> None:
    first = _person()
    same = _person("Иванова", "Анна", "Сергеевна")
    typo = _person("Иваннова", "Анна", "Сергеевна")
    no_patronymic = _person("Иванова", "Анна", "")
    _person("Иванова", "Анна", "Сергеевна", born=dt.date(2012, 5, 2))
    _person("Петров", "Олег", "")
    pairs = {(p.first.pk, p.second.pk): p.exact for p in possible_duplicates()[0]}
    assert pairs[(first.pk, same.pk)] is True
    assert pairs[(first.pk, typo.pk)] is False
    assert (first.pk, no_patronymic.pk) in pairs
    # Every pair of the four with the same birthday but the typo without a patronymic (two differences).
    assert len(pairs) == 5 and (typo.pk, no_patronymic.pk) not in pairs
    services.mark_not_duplicate(typo, first, actor=None)
    assert (first.pk, typo.pk) not in {(p.first.pk, p.second.pk) for p in possible_duplicates()[0]}
    # A record added after the check appears when staff check again.
    late = _person("Иванова", "Анна", "Сергеевнa")
    assert late.pk not in {p.second.pk for p in possible_duplicates()[0]}
    assert late.pk in {p.second.pk for p in possible_duplicates(refresh=True)[0]}


def test_merging_moves_every_link_and_is_audited(db: Any, make_user: Any, consent_texts: Any) -> None:
    keep = _person(phone="")
    duplicate = _person(phone="+375291234567", email="anna@example.test")
    parent = services.ensure_own_person(make_user("parent@example.test"))
    other_parent = _person("Иванов", "Сергей", born=None)
    services.link_guardian(keep, parent, actor=None)
    services.link_guardian(duplicate, parent, actor=None)
    services.link_guardian(duplicate, other_parent, actor=None)
    consent = services.give_consent(duplicate, purpose="participation", giver=parent, actor=parent.user)
    services.issue_claim_code(duplicate, claimant="self", actor=None)
    staff = make_user("m@example.test", "methodologist")
    merged = services.merge_persons(keep, duplicate, actor=staff)
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert {g.guardian for g in merged.guardianships.all()} == {parent, other_parent}
    assert Consent.objects.get(pk=consent.pk).subject == merged
    assert merged.claim_codes.count() == 1
    assert merged.phone == "+375 29 123-45-67" and merged.email == "anna@example.test"
    record = AuditLog.objects.get(action="accounts.person.merged")
    assert record.actor == staff and record.data["removed"]["id"] == duplicate.pk
    assert record.data["moved"]["people.Guardianship.child"] == 1
    assert record.data["dropped"]["people.Guardianship.child"] == 1


def test_merging_moves_a_login_but_never_two(db: Any, make_user: Any) -> None:
    keep, duplicate = _person(), _person()
    duplicate.user = make_user("anna@example.test")
    duplicate.save()
    merged = services.merge_persons(keep, duplicate, actor=None)
    assert merged.user.email == "anna@example.test"
    third = _person()
    third.user = make_user("anna2@example.test")
    third.save()
    with pytest.raises(services.PersonError) as refused:
        services.merge_persons(merged, third, actor=None)
    assert refused.value.code == "both_have_logins"


def test_a_link_cannot_be_doubled(db: Any) -> None:
    child, parent = _person(), _person("Мама", "А", born=None)
    services.link_guardian(child, parent, actor=None)
    with pytest.raises(ConflictError):
        services.link_guardian(child, parent, actor=None)
