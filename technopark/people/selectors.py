"""Reads of people and consents; `may_process` is the consent question every module asks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import groupby
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Collate
from django.utils import timezone

from technopark.accounts.roles import STAFF_ROLES, Role
from technopark.core.text import search_key
from technopark.network.models import Institution
from technopark.people.models import (
    AGE_OF_OWN_CONSENT,
    Affiliation,
    Consent,
    ConsentPurpose,
    ConsentText,
    Guardianship,
    NotDuplicate,
    Person,
)

# --- People ------------------------------------------------------------------------------------------

PERSON_ORDERINGS = {
    "name": ["name_key", "id"],
    "-created": ["-created_at", "-id"],
    "birth_date": ["birth_date", "name_key", "id"],
}


def _name_key() -> Any:
    """search_text compared byte by byte, where the indexes are (see Person.Meta): SQLite compares so by
    default; PostgreSQL does in the C collation, which migration 0002 indexes."""
    return Collate("search_text", "C") if connection.vendor == "postgresql" else F("search_text")


def find_persons(persons: QuerySet[Person], *, q: str = "", sort: str = "name") -> QuerySet[Person]:
    """``persons`` narrowed by a search in ФИО, written as people in Minsk write it, surname first: the
    first word is the beginning of the surname, every further word must occur in the name (ё = е, any
    case); sorted by ФИО (``name``), date of birth or newest first.

    The surname is a range on the indexed name key, so a search of the whole city's registry reads
    only the matching records, already in order.
    """
    persons = persons.alias(name_key=_name_key())
    if q and (key := search_key(q)):
        first, *others = key.split()
        # Every key that starts with "иванова" lies in ["иванова", "иванова" + the highest character).
        persons = persons.filter(name_key__gte=first, name_key__lt=first + "\U0010ffff")
        for word in others:
            persons = persons.filter(search_text__contains=word)
    return persons.order_by(*PERSON_ORDERINGS.get(sort, PERSON_ORDERINGS["name"]))


# Two names at least this similar (difflib ratio of the normalised ФИО) with the same date of birth
# are offered to staff as possible duplicates; equal names always are.
SIMILAR_NAME_RATIO = 0.85


@dataclass(frozen=True)
class DuplicatePair:
    first: Person
    second: Person
    exact: bool


# The pass over the whole registry takes seconds at city scale (430 000 records: ~3 s), so its result is
# kept this long; merged and dismissed pairs drop out at once, new ones appear on the next check.
DUPLICATES_CACHE_SECONDS = 600
DUPLICATES_CACHE_KEY = "accounts:possible-duplicates"


def possible_duplicates(*, limit: int = 100, refresh: bool = False) -> tuple[list[DuplicatePair], dt.datetime]:
    """`find_possible_duplicates`, computed at most every ten minutes (or now with ``refresh``), and the
    time of the check. Pairs merged or marked as different people since then are left out."""
    cached = None if refresh else cache.get(DUPLICATES_CACHE_KEY)
    if cached is None or cached["limit"] < limit:
        cached = {"limit": limit, "at": timezone.now(), "pairs": find_possible_duplicates(limit=limit)}
        cache.set(DUPLICATES_CACHE_KEY, cached, DUPLICATES_CACHE_SECONDS)
    dismissed = set(NotDuplicate.objects.values_list("first_id", "second_id"))
    pairs = [pair for pair in cached["pairs"] if pair[0] not in dismissed][:limit]
    by_id = Person.objects.in_bulk({pk for (a, b), _exact in pairs for pk in (a, b)})
    found = [DuplicatePair(by_id[a], by_id[b], exact) for (a, b), exact in pairs if a in by_id and b in by_id]
    return found, cached["at"]


def find_possible_duplicates(*, limit: int = 100) -> list[tuple[tuple[int, int], bool]]:
    """Pairs of records with the same date of birth and the same or a very similar ФИО (a typo in one of
    the names, ё/е, a missing patronymic), minus pairs staff marked as different people; exact first.

    One ordered pass over (date of birth, id, name key) of every dated record. A slip changes one of the
    three names, so two records are compared only when they share a date and two of the three names
    (any two); the work grows with the number of records, not with its square.
    """
    dismissed = set(NotDuplicate.objects.values_list("first_id", "second_id"))
    found: dict[tuple[int, int], bool] = {}
    rows = Person.objects.filter(birth_date__isnull=False).order_by("birth_date", "id")
    for _day, group in groupby(rows.values_list("birth_date", "id", "search_text").iterator(5000), key=lambda r: r[0]):
        blocks: dict[tuple[int, str, str], list[tuple[int, str]]] = {}
        for _d, pk, key in group:
            words = [*key.split(), "", ""][:3]
            for skipped in (0, 1, 2):
                kept = [word for index, word in enumerate(words) if index != skipped]
                blocks.setdefault((skipped, kept[0], kept[1]), []).append((pk, key))
        for members in blocks.values():
            for i, (first_id, first_key) in enumerate(members):
                for second_id, second_key in members[i + 1 :]:
                    pair = (first_id, second_id)
                    if pair in found or pair in dismissed:
                        continue
                    exact = first_key == second_key
                    if exact or _similar(first_key, second_key):
                        found[pair] = exact
    return sorted(found.items(), key=lambda item: (not item[1], item[0]))[:limit]


def _similar(first: str, second: str) -> bool:
    """Names that differ by a slip: a few letters (difflib ratio), or one lacking the patronymic."""
    shorter, longer = sorted((first.split(), second.split()), key=len)
    if len(shorter) >= 2 and len(longer) == len(shorter) + 1 and longer[: len(shorter)] == shorter:
        return True
    return SequenceMatcher(None, first, second).ratio() >= SIMILAR_NAME_RATIO


def guardians_of(person: Person) -> list[Person]:
    return [link.guardian for link in person.guardianships.select_related("guardian").order_by("id")]


# --- Consent (DOMAIN.md rule 4) ------------------------------------------------------------------------


# Who consents: the person themself, or a guardian for them (`giver_rule`).
SELF = "self"
GUARDIAN = "guardian"

# Roles only an administrator grants (a claim code grants student or guardian, never these): whoever holds
# one is an adult in the centre's eyes, with or without a date of birth on file.
ADULT_ROLES = frozenset({*STAFF_ROLES, Role.TEACHER, Role.COORDINATOR})


def _adult_by_grant_rule() -> Q:
    return (
        Q(affiliations__kind=Affiliation.Kind.TEACHER)
        | Q(user__role_assignments__role__in=ADULT_ROLES)
        | Q(user__coordinated_institutions__isnull=False)
        | Q(wards__source=Guardianship.Source.LINKED)
    )


def is_adult_by_grant(person: Person) -> bool:
    """Whether others made ``person`` an adult in the registry: a teacher's attachment to an institution
    (made by staff or its coordinator, never by the teacher), a role only an administrator grants, the
    coordination of an institution, or a guardianship the centre or a teacher linked (one claimed with a
    code does not count: a child could redeem a sibling's code with their own login). A date the person
    typed themself never does."""
    if person.pk is None:
        return False
    return Person.objects.filter(pk=person.pk).filter(_adult_by_grant_rule()).exists()


def adults_by_grant(person_ids: Iterable[int]) -> set[int]:
    """`is_adult_by_grant` for many people in one query: the ids of those who are."""
    ids = set(person_ids)
    if not ids:
        return set()
    return set(Person.objects.filter(pk__in=ids).filter(_adult_by_grant_rule()).values_list("pk", flat=True))


def _rule_by_age(age: int) -> str:
    return GUARDIAN if age < AGE_OF_OWN_CONSENT else SELF


def giver_rule(person: Person, day: dt.date | None = None, *, adult: bool | None = None) -> str:
    """Who consents for ``person`` on ``day`` (today in Minsk by default), DOMAIN.md rules 4 and 10: by a
    confirmed date of birth, ``"guardian"`` under 16 and ``"self"`` from the 16th birthday; without one (none,
    or only typed by the person), ``"self"`` for an adult by grant (`is_adult_by_grant`; ``adult`` when the
    caller knows it already), ``"guardian"`` for everyone else. A missing date never means "adult"."""
    age = person.confirmed_age_on(day or timezone.localdate())
    if age is not None:
        return _rule_by_age(age)
    if adult is None:
        adult = is_adult_by_grant(person)
    return SELF if adult else GUARDIAN


def counted_age_on(person: Person, day: dt.date, *, adult: bool | None = None) -> int | None:
    """The age that age limits read (an event's age group, a machine's minimum age): by a confirmed date of
    birth. A date the person typed themself counts only for an adult by grant, whose age protects no child;
    None otherwise, and the limit then refuses."""
    age = person.confirmed_age_on(day)
    if age is not None or person.birth_date is None:
        return age
    if adult is None:
        adult = is_adult_by_grant(person)
    return person.age_on(day) if adult else None


def needing_consent_without_it(
    persons: Iterable[Person | None], purpose: str, *, day: dt.date | None = None
) -> set[int]:
    """The ids of ``persons`` for whom a guardian must consent (`giver_rule`) and whose data may not be
    processed for ``purpose`` now: for flags on staff lists and exports, in two queries whatever the count."""
    people = {person.pk: person for person in persons if person is not None}
    if not people:
        return set()
    today = day or timezone.localdate()
    adults = adults_by_grant(pk for pk, person in people.items() if person.confirmed_age_on(today) is None)
    needing = {pk for pk, person in people.items() if giver_rule(person, today, adult=pk in adults) == GUARDIAN}
    if not needing:
        return set()
    allowed = set(persons_with_consent(Person.objects.filter(pk__in=needing), purpose).values_list("pk", flat=True))
    return needing - allowed


def current_consent_text(purpose: str, *, at: dt.datetime | None = None) -> ConsentText | None:
    """The version of the text in force for ``purpose`` (the latest published), or None."""
    texts = ConsentText.objects.filter(purpose=purpose, published_at__isnull=False)
    if at is not None:
        texts = texts.filter(published_at__lte=at)
    return texts.order_by("-version").first()


def may_process(person: Person | int, purpose: str, *, at: dt.datetime | None = None) -> bool:
    """May the centre process ``person``'s data for ``purpose`` now (or at ``at``)?

    The one question every module asks before registering, publishing or passing data on: yes only when a
    consent to the version of the text in force was given (by the right person: a guardian for a child
    under 16, the person themself from 16; `services.give_consent` enforces that) and not withdrawn.
    """
    when = at or timezone.now()
    text = current_consent_text(purpose, at=when)
    if text is None:
        return False
    return (
        Consent.objects.filter(subject=person, text=text, given_at__lte=when)
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=when))
        .exists()
    )


def persons_with_consent(persons: QuerySet[Person], purpose: str) -> QuerySet[Person]:
    """The part of ``persons`` whose data may be processed for ``purpose`` now: `may_process` for a list,
    in one query (galleries and published results hide the rest)."""
    text = current_consent_text(purpose)
    if text is None:
        return persons.none()
    return persons.filter(consents__text=text, consents__withdrawn_at__isnull=True).distinct()


@dataclass(frozen=True)
class ConsentStatus:
    purpose: str
    label: str
    text: ConsentText | None
    active: Consent | None  # the consent to the text in force, if any
    outdated: Consent | None  # a consent to an earlier version, still not withdrawn: asks again

    @property
    def granted(self) -> bool:
        return self.active is not None


def consent_overview(person: Person) -> list[ConsentStatus]:
    """For each purpose: the text in force and this person's consent to it (or to an earlier version)."""
    texts: dict[str, ConsentText] = {}
    for text in ConsentText.objects.filter(published_at__isnull=False).order_by("purpose", "-version"):
        texts.setdefault(text.purpose, text)
    current = list(person.consents.filter(withdrawn_at__isnull=True).select_related("text", "giver"))
    statuses = []
    for purpose, label in ConsentPurpose.choices:
        in_force = texts.get(purpose)
        mine = [c for c in current if c.purpose == purpose]
        active = next((c for c in mine if in_force is not None and c.text_id == in_force.pk), None)
        outdated = next((c for c in mine if active is None), None)
        statuses.append(ConsentStatus(purpose, str(label), in_force, active, outdated))
    return statuses


def consent_history(person: Person) -> QuerySet[Consent]:
    return person.consents.select_related("text", "giver", "recorded_by", "withdrawn_by").order_by("-given_at", "-id")


# --- People -------------------------------------------------------------------------------------------


def find_people(
    persons: QuerySet[Person],
    *,
    q: str = "",
    institution: Institution | int | None = None,
    kind: str = "",
    grade: int | None = None,
    sort: str = "name",
) -> QuerySet[Person]:
    """``persons`` (already narrowed to what the user sees) filtered for the people list, with their
    institutions prefetched and ``may_take_part``: the id of a consent to take part under the text in
    force, or None."""
    persons = find_persons(persons, q=q, sort=sort)
    if institution or kind:
        links = Affiliation.objects.all()
        if institution:
            links = links.filter(institution=institution)
        if kind:
            links = links.filter(kind=kind)
        persons = persons.filter(pk__in=links.values("person_id"))
    if grade:
        persons = persons.filter(grade=grade)
    text = current_consent_text(ConsentPurpose.PARTICIPATION)
    # The id of such a consent, or NULL. A scalar subquery with LIMIT 1, not EXISTS: PostgreSQL would turn
    # EXISTS into a hash of every consent in the city (90 ms) instead of 30 index probes for the page.
    consented = (
        Subquery(
            Consent.objects.filter(subject=OuterRef("pk"), text=text, withdrawn_at__isnull=True)
            .order_by()
            .values("pk")[:1]
        )
        if text is not None
        else Value(None, output_field=IntegerField())
    )
    return persons.annotate(may_take_part=consented).prefetch_related(
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("institution").order_by("kind", "id"))
    )
