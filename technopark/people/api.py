"""The network API. No `from __future__ import annotations` here: django-ninja reads the annotations
of query parameters (`Query[...]`) at import time."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.pagination import paginate

from technopark.core.access import get_visible_or_404
from technopark.core.bounds import MAX_SEARCH_LENGTH, Id, patch_values
from technopark.core.pagination import Pagination
from technopark.people import selectors, services
from technopark.people.access import (
    access_consent,
    access_person,
    institutions_for_people,
    may_confirm_birth_date,
    may_issue_claim_code,
    may_manage_people,
    own_person,
    visible_consents,
    visible_persons,
)
from technopark.people.models import Affiliation, ClaimCode, Consent, ConsentPurpose, ConsentText, Guardianship, Person
from technopark.people.selectors import current_consent_text

# The people endpoints keep the tag they had when network served them, so the OpenAPI document stays the same.
router = Router(tags=["network"])


# --- People (scoped by `people.access.visible_persons`) ------------------------------------------------


class AffiliationOut(Schema):
    id: int
    institution_id: int
    institution: str
    kind: Affiliation.Kind
    position: str

    @staticmethod
    def resolve_institution(obj: Affiliation) -> str:
        return obj.institution.short_name


class PersonOut(Schema):
    id: int
    last_name: str
    first_name: str
    patronymic: str
    full_name: str
    birth_date: dt.date | None
    birth_date_confirmed: bool = Field(
        description="Set or confirmed by staff, a teacher, the coordinator or a guardian; only then does the date "
        "count for the consent rule and age limits"
    )
    grade: int | None
    qualification_category: str
    email: str
    phone: str
    has_login: bool
    affiliations: list[AffiliationOut]

    @staticmethod
    def resolve_has_login(obj: Person) -> bool:
        return obj.user_id is not None

    @staticmethod
    def resolve_affiliations(obj: Person) -> list[Affiliation]:
        return list(obj.affiliations.all())


class PersonListOut(PersonOut):
    may_take_part: bool = Field(description="A consent to take part, under the text in force, is on file")

    @staticmethod
    def resolve_may_take_part(obj: Person) -> bool:
        return obj.may_take_part is not None  # type: ignore[attr-defined]


class PersonFilters(Schema):
    q: str = Field(
        "",
        max_length=MAX_SEARCH_LENGTH,
        description="The surname or its beginning, then words of the name and patronymic",
    )
    institution: Id | None = Field(None, description="Institution id")
    kind: Affiliation.Kind | None = None
    grade: int | None = Field(None, ge=1, le=11)
    sort: str = Field("name", pattern="^(name|birth_date|-created)$")


class StudentIn(Schema):
    institution: Id
    last_name: str = Field(min_length=1, max_length=150)
    first_name: str = Field(min_length=1, max_length=150)
    patronymic: str = Field("", max_length=150)
    birth_date: dt.date
    grade: int | None = Field(None, ge=1, le=11)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)


class PersonPatch(Schema):
    last_name: str | None = Field(None, min_length=1, max_length=150)
    first_name: str | None = Field(None, min_length=1, max_length=150)
    patronymic: str | None = Field(None, max_length=150)
    birth_date: dt.date | None = None
    grade: int | None = Field(None, ge=1, le=11)
    qualification_category: Person.Category | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)


class GuardianIn(Schema):
    last_name: str = Field(min_length=1, max_length=150)
    first_name: str = Field(min_length=1, max_length=150)
    patronymic: str = Field("", max_length=150)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)


class ClaimCodeIn(Schema):
    claimant: ClaimCode.Claimant


class ClaimCodeOut(Schema):
    code: str = Field(description="Shown once; only a hash is stored")
    claimant: ClaimCode.Claimant
    expires_at: dt.datetime


class ClaimIn(Schema):
    code: str = Field(min_length=1, max_length=40)


class MergeIn(Schema):
    keep: Id = Field(description="The record that stays")
    duplicate: Id = Field(description="The record merged into it and deleted")


class MergeRowOut(Schema):
    model: str
    id: int
    what: str


class MergePreviewOut(Schema):
    moved: list[MergeRowOut] = Field(description="Rows that move to the record that stays")
    dropped: list[MergeRowOut] = Field(description="Rows dropped because the record that stays has the same")
    filled: list[str] = Field(description="Empty fields of the record that stays filled from the duplicate")
    ended_consents: list[MergeRowOut] = Field(
        description="Consents that end: their giver does not match the kept record's date of birth"
    )

    @staticmethod
    def resolve_moved(obj: Any) -> list[dict[str, Any]]:
        return obj.moved_rows

    @staticmethod
    def resolve_dropped(obj: Any) -> list[dict[str, Any]]:
        return obj.dropped_rows


class GuardianshipOut(Schema):
    guardian_id: int
    guardian: str
    phone: str
    email: str
    linked_at: dt.datetime
    source: Guardianship.Source | None = Field(description="How the link was made (staff only)")
    linked_by: str | None = Field(description="The login that made the link (staff only)")
    claim_code_issued_by: str | None = Field(description="Who issued the code it was claimed with (staff only)")


class ConsentOut(Schema):
    id: int
    subject_id: int
    giver_id: int
    giver: str
    purpose: ConsentPurpose
    text_version: int
    given_at: dt.datetime
    channel: Consent.Channel
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str = Field(description="Empty while active; 'request', or why the services ended it")
    active: bool

    @staticmethod
    def resolve_giver(obj: Consent) -> str:
        return obj.giver.full_name

    @staticmethod
    def resolve_text_version(obj: Consent) -> int:
        return obj.text.version

    @staticmethod
    def resolve_active(obj: Consent) -> bool:
        return obj.withdrawn_at is None


class ConsentIn(Schema):
    purpose: ConsentPurpose


class ConsentFilters(Schema):
    purpose: ConsentPurpose | None = None
    active: bool | None = Field(None, description="true: not withdrawn; false: withdrawn")
    subject: Id | None = Field(None, description="Person id")


class ConsentTextOut(Schema):
    id: int
    purpose: ConsentPurpose
    version: int
    title: str
    body: str
    published_at: dt.datetime


def _signed_in(request: HttpRequest) -> Any:
    """The caller of an endpoint about people: a 401 for anonymous callers, before any lookup."""
    user = request.auth  # type: ignore[attr-defined]
    if not user.is_authenticated:
        raise AuthenticationError
    return user


def _people(queryset: Any) -> Any:
    return queryset.prefetch_related(
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("institution").order_by("kind", "id"))
    )


@router.get("/persons", response=list[PersonListOut], url_name="person-list", summary="People")
@paginate(Pagination)
def list_persons(request: HttpRequest, filters: Query[PersonFilters]) -> Any:
    """Whom the caller sees: staff everyone; a teacher the students of their institutions; a coordinator
    the people of theirs; a guardian their children; everyone their own record."""
    values = {key: value for key, value in filters.dict().items() if value not in (None, "")}
    return selectors.find_people(visible_persons(_signed_in(request)), **values)


@router.get("/persons/{int:person_id}", response=PersonOut, url_name="person-detail")
def get_person(request: HttpRequest, person_id: Id) -> Person:
    """404 both for a record that does not exist and for one the caller may not see."""
    user = _signed_in(request)
    return _people(visible_persons(user)).get(pk=access_person(user, person_id).pk)


@router.post("/persons", response={201: PersonOut}, url_name="person-create")
def create_student(request: HttpRequest, payload: StudentIn) -> Status[Person]:
    """A teacher, a coordinator or staff add a student of an institution they keep (no login)."""
    user = _signed_in(request)
    institutions = institutions_for_people(user)
    if not institutions.exists():
        raise PermissionDenied
    institution = get_visible_or_404(institutions, user=user, pk=payload.institution)
    values = payload.dict(exclude={"institution"})
    return Status(201, services.add_student(institution, actor=user, **values))


@router.patch("/persons/{int:person_id}", response=PersonOut, url_name="person-update")
def update_person(request: HttpRequest, person_id: Id, payload: PersonPatch) -> Person:
    user = _signed_in(request)
    person = access_person(user, person_id, for_write=True)
    return services.update_person(person, actor=user, **patch_values(payload.dict(exclude_unset=True), Person))


@router.post("/persons/{int:person_id}/birth-date/confirm", response=PersonOut, url_name="birth-date-confirm")
def confirm_birth_date(request: HttpRequest, person_id: Id) -> Person:
    """Confirm a date of birth the person typed themself: whoever may edit the record but the person
    (staff, the coordinator, the student's teacher, a guardian). Only a confirmed date counts for consent."""
    user = _signed_in(request)
    person = access_person(user, person_id)
    if not may_confirm_birth_date(user, person):
        raise PermissionDenied
    services.confirm_birth_date(person, actor=user)
    return _people(visible_persons(user)).get(pk=person.pk)


@router.post("/persons/claim", response=PersonOut, url_name="person-claim")
def claim_person(request: HttpRequest, payload: ClaimIn) -> Person:
    """Claim a record with the code a teacher handed out (as the student, or as a guardian)."""
    return services.claim_person(payload.code, user=_signed_in(request))


@router.post("/persons/{int:person_id}/claim-codes", response={201: ClaimCodeOut}, url_name="claim-code-create")
def create_claim_code(request: HttpRequest, person_id: Id, payload: ClaimCodeIn) -> Status[dict[str, Any]]:
    user = _signed_in(request)
    person = access_person(user, person_id)
    if not may_issue_claim_code(user, person):
        raise PermissionDenied
    claim, code = services.issue_claim_code(person, claimant=payload.claimant, actor=user)
    return Status(201, {"code": code, "claimant": claim.claimant, "expires_at": claim.expires_at})


@router.post("/persons/{int:person_id}/guardians", response={201: PersonOut}, url_name="guardian-create")
def add_guardian(request: HttpRequest, person_id: Id, payload: GuardianIn) -> Status[Person]:
    """A guardian without a login, linked to the child (staff, the coordinator, the student's teacher)."""
    user = _signed_in(request)
    person = access_person(user, person_id)
    if not may_issue_claim_code(user, person):
        raise PermissionDenied
    return Status(201, services.add_guardian(person, actor=user, **payload.dict()))


def _guardianship_out(link: Guardianship, *, staff: bool) -> dict[str, Any]:
    issuer = link.claim_code.created_by if link.claim_code is not None else None
    return {
        "guardian_id": link.guardian_id,
        "guardian": link.guardian.full_name,
        "phone": link.guardian.phone,
        "email": link.guardian.email,
        "linked_at": link.created_at,
        "source": link.source if staff else None,
        "linked_by": (link.created_by.email if link.created_by else "") if staff else None,
        "claim_code_issued_by": (issuer.email if issuer else "") if staff and link.claim_code_id else None,
    }


@router.get("/persons/{int:person_id}/guardians", response=list[GuardianshipOut], url_name="guardian-list")
def list_guardians(request: HttpRequest, person_id: Id) -> list[dict[str, Any]]:
    """The child's guardians, for whoever sees the record; staff also see how each link was made (by whom,
    or with whose code)."""
    user = _signed_in(request)
    person = access_person(user, person_id)
    links = person.guardianships.select_related("guardian", "created_by", "claim_code__created_by").order_by("id")
    staff = may_manage_people(user)
    return [_guardianship_out(link, staff=staff) for link in links]


@router.delete("/persons/{int:person_id}/guardians/{int:guardian_id}", response={204: None}, url_name="guardian-delete")
def revoke_guardian(request: HttpRequest, person_id: Id, guardian_id: Id) -> Status[None]:
    """Staff revoke a guardianship (audited); the consents the former guardian gave for the child end."""
    user = _signed_in(request)
    if not may_manage_people(user):
        raise PermissionDenied
    person = access_person(user, person_id)
    link = get_object_or_404(Guardianship.objects.select_related("guardian"), child=person, guardian_id=guardian_id)
    services.unlink_guardian(link, actor=user)
    return Status(204, None)


@router.post("/persons/merge/preview", response=MergePreviewOut, url_name="person-merge-preview")
def preview_merge(request: HttpRequest, payload: MergeIn) -> Any:
    """What merging ``duplicate`` into ``keep`` would move, drop and end, before staff confirm it; changes
    nothing (the merge runs in a transaction that is rolled back)."""
    user = _signed_in(request)
    if not may_manage_people(user):
        raise PermissionDenied
    keep = access_person(user, payload.keep)
    duplicate = access_person(user, payload.duplicate)
    return services.preview_merge(keep, duplicate, actor=user)


@router.post("/persons/merge", response=PersonOut, url_name="person-merge")
def merge_persons(request: HttpRequest, payload: MergeIn) -> Person:
    """Staff merge a duplicate into the record that stays; every link moves (audited)."""
    user = _signed_in(request)
    if not may_manage_people(user):
        raise PermissionDenied
    keep = access_person(user, payload.keep)
    duplicate = access_person(user, payload.duplicate)
    return services.merge_persons(keep, duplicate, actor=user)


@router.get("/persons/{int:person_id}/consents", response=list[ConsentOut], url_name="person-consents")
def list_person_consents(request: HttpRequest, person_id: Id) -> Any:
    """A person's consents and their history: staff see all, a giver the ones they gave."""
    user = _signed_in(request)
    person = access_person(user, person_id)
    return visible_consents(user).filter(subject=person).select_related("text", "giver").order_by("-given_at", "-id")


@router.post("/persons/{int:person_id}/consents", response={201: ConsentOut}, url_name="consent-create")
def give_consent(request: HttpRequest, person_id: Id, payload: ConsentIn) -> Status[Consent]:
    """The caller consents online: for their child under 16 as a guardian, or for themself from 16."""
    user = _signed_in(request)
    person = access_person(user, person_id)
    giver = own_person(user)
    if giver is None:
        raise PermissionDenied
    return Status(201, services.give_consent(person, purpose=payload.purpose, giver=giver, actor=user))


@router.post("/consents/{consent_id}/withdraw", response=ConsentOut, url_name="consent-withdraw")
def withdraw_consent(request: HttpRequest, consent_id: Id) -> Consent:
    """One call, as easy as giving: the giver (or staff on a written request)."""
    user = _signed_in(request)
    consent = access_consent(user, consent_id, for_write=True)
    return services.withdraw_consent(consent, actor=user)


@router.get("/consents", response=list[ConsentOut], url_name="consent-list")
@paginate(Pagination)
def list_consents(request: HttpRequest, filters: Query[ConsentFilters]) -> Any:
    """Staff read every consent; anyone else the consents they gave."""
    consents = visible_consents(_signed_in(request)).select_related("text", "giver")
    if filters.purpose:
        consents = consents.filter(purpose=filters.purpose)
    if filters.active is not None:
        consents = consents.filter(withdrawn_at__isnull=filters.active)
    if filters.subject:
        consents = consents.filter(subject_id=filters.subject)
    return consents.order_by("-given_at", "-id")


@router.get(
    "/consent-texts", response=list[ConsentTextOut], url_name="consent-text-list", summary="Consent texts in force"
)
def list_consent_texts(request: HttpRequest) -> list[ConsentText]:
    """The version of each purpose's text that is in force (public: people read it before consenting)."""
    texts = [current_consent_text(purpose) for purpose in ConsentPurpose.values]
    return [text for text in texts if text is not None]
