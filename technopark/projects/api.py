"""The projects API: the public gallery and passports, and for their owners creating and editing a passport,
adding journal steps and publishing. No `from __future__ import annotations` here: django-ninja reads the
annotations of query parameters (`Query[...]`) at import time."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.pagination import paginate

from technopark.accounts.models import User
from technopark.core.bounds import EARLIEST_DATE, LATEST_DATE, MAX_SEARCH_LENGTH, CalendarDate, Id, patch_values
from technopark.core.models import Direction
from technopark.core.pagination import Pagination
from technopark.labs.models import Lab
from technopark.projects import selectors, services
from technopark.projects.access import (
    access_project,
    may_edit_project,
    may_publish_project,
    own_people,
    team_candidates,
    visible_projects,
)
from technopark.projects.models import Project

# The largest team one request may name; every member is looked up.
MAX_TEAM = 50

router = Router(tags=["projects"])


class ImageOut(Schema):
    url: str
    alt: str


class StepOut(Schema):
    day: dt.date
    text: str
    images: list[ImageOut]


class FileOut(Schema):
    name: str
    kind: str
    size: int
    url: str


class EntryOut(Schema):
    contest: str
    day: dt.date
    award: str


class _ProjectFields(Schema):
    id: int
    title: str
    direction: Direction
    stage: Project.Stage
    status: Project.Status
    summary: str
    lab: str | None = Field(None, description="The lab's code")
    institution: str | None
    year: int
    licence: Project.Licence


class ProjectCardOut(_ProjectFields):
    @staticmethod
    def resolve_lab(obj: Project) -> str | None:
        return obj.lab.code if obj.lab else None

    @staticmethod
    def resolve_institution(obj: Project) -> str | None:
        return (obj.institution.short_name or obj.institution.full_name) if obj.institution else None


class ProjectOut(_ProjectFields):
    team: list[str] = Field(description="Names of team members who consented to publication")
    team_hidden: int = Field(description="How many team members are not named (no consent to publication)")
    supervisors: list[str]
    steps: list[StepOut]
    files: list[FileOut]
    equipment: list[int] = Field(description="Ids of the equipment used (see /equipment)")
    contests: list[EntryOut]


class GalleryFilters(Schema):
    q: str = Field("", max_length=MAX_SEARCH_LENGTH, description="Words of the title or summary")
    direction: Direction | None = None
    lab: str = Field("", max_length=20, description="A lab's code")
    stage: Project.Stage | None = None
    year: int | None = Field(None, ge=EARLIEST_DATE.year, le=LATEST_DATE.year)


class ProjectIn(Schema):
    title: str = Field(max_length=200)
    direction: Direction
    stage: Project.Stage = Project.Stage.IDEA
    summary: str = Field("", max_length=5000)
    licence: Project.Licence = Project.Licence.CC_BY
    lab: str | None = Field(None, description="A lab's code")
    team: list[Id] | None = Field(
        None, max_length=MAX_TEAM, description="Person ids; the caller's own record when omitted on create"
    )


class ProjectPatch(Schema):
    title: str | None = Field(None, max_length=200)
    direction: Direction | None = None
    stage: Project.Stage | None = None
    summary: str | None = Field(None, max_length=5000)
    licence: Project.Licence | None = None
    lab: str | None = None
    team: list[Id] | None = Field(None, max_length=MAX_TEAM)


class StepIn(Schema):
    text: str = Field(min_length=1, max_length=5000)
    day: CalendarDate | None = None


class PublishIn(Schema):
    published: bool


def _signed_in(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User) or not user.is_authenticated:
        raise AuthenticationError
    return user


def _detail(request: HttpRequest, project: Project) -> dict[str, Any]:
    """A passport as the caller may see it: owners everything, others the public view (consents applied)."""
    editor = may_edit_project(request.auth, project)  # type: ignore[attr-defined]
    own = set() if editor else own_people(request.auth)  # type: ignore[attr-defined]
    public = selectors.public_team(project, seen_anyway=own)
    steps = list(project.steps.prefetch_related("images"))
    hidden = selectors.hidden_image_ids((image.pk for step in steps for image in step.images.all()), seen_anyway=own)
    return {
        "id": project.pk,
        "title": project.title,
        "direction": project.direction,
        "stage": project.stage,
        "status": project.status,
        "summary": project.summary,
        "lab": ProjectCardOut.resolve_lab(project),
        "institution": ProjectCardOut.resolve_institution(project),
        "year": project.year,
        "licence": project.licence,
        "team": [p.full_name for p in project.team.all()] if editor else public.names,
        "team_hidden": 0 if editor else public.hidden,
        "supervisors": public.supervisors,
        "steps": [
            {
                "day": step.day,
                "text": step.text,
                "images": [
                    {"url": reverse("projects:image", kwargs={"image_id": image.pk}), "alt": image.alt}
                    for image in step.images.all()
                    if editor or image.pk not in hidden
                ],
            }
            for step in steps
        ],
        "files": [
            {"name": f.name, "kind": f.kind, "size": f.size, "url": reverse("projects:file", kwargs={"file_id": f.pk})}
            for f in project.files.all()
        ],
        "equipment": list(project.equipment.values_list("pk", flat=True)),
        "contests": [
            {"contest": e.contest, "day": e.day, "award": e.award} for e in selectors.contest_entries(project)
        ],
    }


def _values(request: HttpRequest, payload: Schema, project: Project | None) -> dict[str, Any]:
    user = _signed_in(request)
    values = patch_values(payload.dict(exclude_unset=True), Project)
    if "lab" in values:
        values["lab"] = get_object_or_404(Lab, code=values["lab"]) if values["lab"] else None
    if values.get("team") is not None:
        allowed = {person.pk: person for person in team_candidates(user, project)}
        if any(pk not in allowed for pk in values["team"]):
            raise PermissionDenied
        values["team"] = [allowed[pk] for pk in values["team"]]
    else:
        values.pop("team", None)
    return values


@router.get("/projects", response=list[ProjectCardOut], url_name="project-list", summary="The project gallery")
@paginate(Pagination)
def list_projects(request: HttpRequest, filters: Query[GalleryFilters]) -> Any:
    """Published project passports, newest first, filtered like the gallery page."""
    return selectors.gallery(
        visible_projects(request.auth),  # type: ignore[attr-defined]
        q=filters.q,
        direction=filters.direction or "",
        lab=filters.lab,
        stage=filters.stage or "",
        year=filters.year,
    )


@router.get("/projects/{int:project_id}", response=ProjectOut, url_name="project-detail")
def get_project(request: HttpRequest, project_id: Id) -> dict[str, Any]:
    """A published passport (a draft for its team, supervisors and staff). Names and photos of children
    without a consent to publication are left out for everybody else."""
    project = access_project(request.auth, project_id)  # type: ignore[attr-defined]
    return _detail(request, project)


@router.post("/projects", response={201: ProjectOut}, url_name="project-create")
def create_project(request: HttpRequest, payload: ProjectIn) -> Status[Any]:
    """Start a draft passport; the caller's own record is its team unless ``team`` names others."""
    user = _signed_in(request)
    values = _values(request, payload, None)
    if "team" not in values:
        values["team"] = list(team_candidates(user).filter(user=user))
    project = services.create_project(actor=user, **values)
    return Status(201, _detail(request, project))


@router.patch("/projects/{int:project_id}", response=ProjectOut, url_name="project-update")
def update_project(request: HttpRequest, project_id: Id, payload: ProjectPatch) -> dict[str, Any]:
    """Change a passport's fields (its team, supervisors and staff)."""
    user = _signed_in(request)
    project = access_project(user, project_id, for_write=True)
    saved = services.update_project(project, actor=user, **_values(request, payload, project))
    return _detail(request, saved)


@router.post("/projects/{int:project_id}/steps", response={201: ProjectOut}, url_name="project-step-create")
def add_step(request: HttpRequest, project_id: Id, payload: StepIn) -> Status[Any]:
    """Add a journal step (text; photos are added on the page)."""
    user = _signed_in(request)
    project = access_project(user, project_id, for_write=True)
    services.add_step(project, actor=user, text=payload.text, day=payload.day)
    return Status(201, _detail(request, project))


@router.post("/projects/{int:project_id}/publication", response=ProjectOut, url_name="project-publication")
def set_publication(request: HttpRequest, project_id: Id, payload: PublishIn) -> dict[str, Any]:
    """Publish (``{"published": true}``) or take back to a draft; a supervising teacher or staff only."""
    user = _signed_in(request)
    project = access_project(user, project_id, for_write=True)
    if not may_publish_project(user, project):
        raise PermissionDenied
    if payload.published:
        saved = services.publish_project(project, actor=user)
    else:
        saved = services.unpublish_project(project, actor=user)
    return _detail(request, saved)
