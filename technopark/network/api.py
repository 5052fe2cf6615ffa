"""The network API. No `from __future__ import annotations` here: django-ninja reads the annotations
of query parameters (`Query[...]`) at import time."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from technopark.core.bounds import MAX_SEARCH_LENGTH, CalendarDate, Id
from technopark.core.models import TEXT_LENGTH
from technopark.core.pagination import Pagination
from technopark.network import selectors, services
from technopark.network.access import (
    access_agreement,
    access_institution,
    may_manage_network,
    visible_agreements,
    visible_institutions,
)
from technopark.network.models import Agreement, District, Institution

router = Router(tags=["network"])


class DistrictOut(Schema):
    id: int
    code: str
    kind: str
    name: str
    name_ru: str
    name_be: str
    name_en: str


class InstitutionOut(Schema):
    id: int
    full_name: str
    short_name: str
    kind: Institution.Kind
    district: DistrictOut
    country: str
    address: str
    website: str
    email: str
    phone: str
    cluster_role: Institution.ClusterRole
    is_active: bool


class InstitutionFilters(Schema):
    q: str = Field("", max_length=MAX_SEARCH_LENGTH, description="Words of the full or short name")
    kind: Institution.Kind | None = None
    district: Id | None = Field(None, description="District id (see /districts)")
    cluster_role: Institution.ClusterRole | None = None
    sort: str = Field("name", pattern="^(name|district|kind|-created)$")


class InstitutionIn(Schema):
    full_name: str = Field(min_length=1, max_length=500)
    short_name: str = Field(min_length=1, max_length=200)
    kind: Institution.Kind
    district: Id
    country: str = Field("", max_length=100)
    address: str = Field("", max_length=300)
    website: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    cluster_role: Institution.ClusterRole


class InstitutionPatch(Schema):
    full_name: str | None = Field(None, min_length=1, max_length=500)
    short_name: str | None = Field(None, min_length=1, max_length=200)
    kind: Institution.Kind | None = None
    district: Id | None = None
    country: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=300)
    website: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    cluster_role: Institution.ClusterRole | None = None
    is_active: bool | None = None


class AgreementOut(Schema):
    id: int
    institution_id: int
    number: str
    signed_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    subject: str
    resources: list[str]
    status: Agreement.Status
    has_scan: bool

    @staticmethod
    def resolve_has_scan(obj: Agreement) -> bool:
        return bool(obj.scan)


class AgreementFilters(Schema):
    status: Agreement.Status | None = Field(None, description="Computed from the dates; 'expiring' = within 60 days")


class AgreementIn(Schema):
    number: str = Field(min_length=1, max_length=50)
    signed_on: CalendarDate
    valid_from: CalendarDate
    valid_until: CalendarDate | None = None
    subject: str = Field(min_length=1, max_length=TEXT_LENGTH)
    resources: list[Agreement.Resource] = []


def _district(district_id: int) -> District:
    return get_object_or_404(District, pk=district_id)


@router.get("/districts", response=list[DistrictOut], url_name="district-list", summary="Districts and regions")
def list_districts(request: HttpRequest) -> Any:
    return District.objects.all()


@router.get("/institutions", response=list[InstitutionOut], url_name="institution-list", summary="Institutions")
@paginate(Pagination)
def list_institutions(request: HttpRequest, filters: Query[InstitutionFilters]) -> Any:
    """Members of the cluster, searchable and filtered like the registry page."""
    values = {key: value for key, value in filters.dict().items() if value not in (None, "")}
    return selectors.find_institutions(visible_institutions(request.auth), **values)  # type: ignore[attr-defined]


@router.get("/institutions/{institution_id}", response=InstitutionOut, url_name="institution-detail")
def get_institution(request: HttpRequest, institution_id: Id) -> Institution:
    return access_institution(request.auth, institution_id)  # type: ignore[attr-defined]


@router.post("/institutions", response={201: InstitutionOut}, url_name="institution-create")
def create_institution(request: HttpRequest, payload: InstitutionIn) -> Status[Institution]:
    """Methodologists and administrators."""
    user = request.auth  # type: ignore[attr-defined]
    if not may_manage_network(user):
        raise PermissionDenied
    values = payload.dict()
    values["district"] = _district(values["district"])
    return Status(201, services.create_institution(actor=user, **values))


@router.patch("/institutions/{institution_id}", response=InstitutionOut, url_name="institution-update")
def update_institution(request: HttpRequest, institution_id: Id, payload: InstitutionPatch) -> Institution:
    user = request.auth  # type: ignore[attr-defined]
    institution = access_institution(user, institution_id, for_write=True)
    values = payload.dict(exclude_unset=True, exclude_none=True)
    active = values.pop("is_active", None)
    if "district" in values:
        values["district"] = _district(values["district"])
    services.update_institution(institution, actor=user, **values)
    if active is not None:
        services.set_institution_active(institution, active, actor=user)
    return institution


@router.get("/agreements", response=list[AgreementOut], url_name="agreement-list", summary="Cooperation agreements")
@paginate(Pagination)
def list_agreements(request: HttpRequest, filters: Query[AgreementFilters]) -> Any:
    """Staff see all; a partner's representatives see their institution's agreements."""
    user = request.auth  # type: ignore[attr-defined]
    return selectors.agreements_by_status(visible_agreements(user), filters.status or "", timezone.localdate())


@router.get("/agreements/{agreement_id}", response=AgreementOut, url_name="agreement-detail")
def get_agreement(request: HttpRequest, agreement_id: Id) -> Agreement:
    return access_agreement(request.auth, agreement_id)  # type: ignore[attr-defined]


@router.post("/institutions/{institution_id}/agreements", response={201: AgreementOut}, url_name="agreement-create")
def create_agreement(request: HttpRequest, institution_id: Id, payload: AgreementIn) -> Status[Agreement]:
    user = request.auth  # type: ignore[attr-defined]
    institution = access_institution(user, institution_id, for_write=True)
    return Status(201, services.create_agreement(institution, actor=user, **payload.dict()))
