"""Every write to a project passport. Callers check access first (`projects.access`); these functions check
the rules: who may be on a team, which bookings a project may name, what a file may be, when it may go public.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core import cache
from technopark.core.errors import DomainError
from technopark.core.files import validate_image
from technopark.core.locking import lock_row
from technopark.core.services import log_action
from technopark.labs.models import Booking, Equipment
from technopark.people.models import Person
from technopark.projects.files import check_project_file
from technopark.projects.models import PUBLIC_PROJECTS, ContestEntry, JournalStep, Project, ProjectFile, StepImage

PROJECT_FIELDS = {"title", "direction", "stage", "summary", "licence", "started_on", "lab", "institution"}
MAX_IMAGES_PER_STEP = 6


class ProjectError(DomainError):
    code = "project_invalid"


def _changed(project: Project) -> None:
    """A published passport changed: the cached public pages go stale."""
    if project.is_published:
        cache.changed(PUBLIC_PROJECTS)


def _set_people(
    project: Project,
    *,
    team: Iterable[Person] | None,
    supervisors: Iterable[Person] | None,
    equipment: Iterable[Equipment] | None,
    bookings: Iterable[Booking] | None,
) -> list[str]:
    changed = []
    if team is not None:
        project.team.set(list(team))
        changed.append("team")
    if supervisors is not None:
        project.supervisors.set(list(supervisors))
        changed.append("supervisors")
    if equipment is not None:
        project.equipment.set(list(equipment))
        changed.append("equipment")
    if bookings is not None:
        bookings = list(bookings)
        team_ids = set(project.team.values_list("pk", flat=True))
        if any(booking.person_id not in team_ids for booking in bookings):
            raise ProjectError(
                _("A project names only bookings of its team members."), code="booking_not_team", field="bookings"
            )
        project.bookings.set(bookings)
        # The machines of the bookings were used too.
        project.equipment.add(*{booking.equipment_id for booking in bookings if booking.equipment_id})
        changed.append("bookings")
    return changed


@transaction.atomic
def create_project(
    *,
    actor: User,
    team: Iterable[Person] = (),
    supervisors: Iterable[Person] = (),
    equipment: Iterable[Equipment] = (),
    bookings: Iterable[Booking] = (),
    **values: Any,
) -> Project:
    """Start a draft passport. The creator's own record joins the team when they are a student and name no one."""
    unknown = set(values) - PROJECT_FIELDS
    if unknown:
        raise ProjectError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    project = Project(created_by=actor, **{k: v.strip() if isinstance(v, str) else v for k, v in values.items()})
    project.full_clean()
    project.save()
    _set_people(project, team=team, supervisors=supervisors, equipment=equipment, bookings=bookings)
    log_action(project, "projects.project.created", actor=actor)
    return project


@transaction.atomic
def update_project(
    project: Project,
    *,
    actor: User,
    team: Iterable[Person] | None = None,
    supervisors: Iterable[Person] | None = None,
    equipment: Iterable[Equipment] | None = None,
    bookings: Iterable[Booking] | None = None,
    **values: Any,
) -> Project:
    """Change the passport's fields and, when given, its team, supervisors, equipment and bookings. Only the
    fields given are written, on the row as it is now (locked): an edit sent from a page read before the
    passport was published or taken back never restores the old status (DOMAIN.md rule 12). Returns the
    passport as saved."""
    unknown = set(values) - PROJECT_FIELDS
    if unknown:
        raise ProjectError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    project = _lock(project)
    for name, value in values.items():
        setattr(project, name, value.strip() if isinstance(value, str) else value)
    project.full_clean()
    project.save(update_fields=[*sorted(values), "updated_at"])
    changed = sorted(values) + _set_people(
        project, team=team, supervisors=supervisors, equipment=equipment, bookings=bookings
    )
    if project.is_published and not project.team.exists():
        raise ProjectError(_("A published project needs at least one team member."), code="team_empty", field="team")
    _changed(project)
    log_action(project, "projects.project.changed", actor=actor, data={"fields": changed})
    return project


def _lock(project: Project) -> Project:
    """The passport's row as it is now, locked until the transaction ends: an edit and a change of its
    publication queue behind each other, and each starts from what the other wrote."""
    return lock_row(Project, project.pk)


@transaction.atomic
def publish_project(project: Project, *, actor: User) -> Project:
    """Put the passport in the public gallery. It needs a team and a summary; names and photos of children
    without a publication consent stay hidden on public pages whatever is published. Writes only the
    publication fields of the locked row; returns the passport as saved."""
    project = _lock(project)
    if not project.team.exists():
        raise ProjectError(_("Add at least one team member before publishing."), code="team_empty")
    if not project.summary.strip():
        raise ProjectError(_("Write a summary before publishing."), code="summary_empty")
    project.status = Project.Status.PUBLISHED
    project.published_at = project.published_at or timezone.now()
    project.save(update_fields=["status", "published_at", "updated_at"])
    cache.changed(PUBLIC_PROJECTS)
    log_action(project, "projects.project.published", actor=actor)
    return project


@transaction.atomic
def unpublish_project(project: Project, *, actor: User, reason: str = "") -> Project:
    """Take the passport back to a draft (it leaves the gallery at once). Writes only the status of the
    locked row; returns the passport as saved."""
    project = _lock(project)
    project.status = Project.Status.DRAFT
    project.save(update_fields=["status", "updated_at"])
    cache.changed(PUBLIC_PROJECTS)
    log_action(project, "projects.project.unpublished", actor=actor, data={"reason": reason} if reason else {})
    return project


@transaction.atomic
def add_step(
    project: Project,
    *,
    actor: User,
    text: str,
    day: Any = None,
    images: Iterable[tuple[UploadedFile, str, Iterable[Person]]] = (),
) -> JournalStep:
    """Add a journal step with photos: (file, what it shows, who can be recognised on it). Every photo is
    checked by content; the people must be on the team. Nothing is saved if one photo is refused."""
    step = JournalStep(project=project, text=text.strip(), author=actor, day=day or timezone.localdate())
    step.full_clean()
    step.save()
    images = list(images)
    if len(images) > MAX_IMAGES_PER_STEP:
        raise ProjectError(
            _("At most %(count)s photos per step.") % {"count": MAX_IMAGES_PER_STEP}, code="too_many_images"
        )
    team_ids = set(project.team.values_list("pk", flat=True))
    for number, (upload, alt, people) in enumerate(images, start=1):
        people = list(people)
        if any(person.pk not in team_ids for person in people):
            raise ProjectError(_("Only team members can be marked on a photo."), code="not_team")
        if not alt.strip():
            raise ProjectError(
                _("Photo %(number)s: say what it shows (for people who cannot see it).") % {"number": number},
                code="alt_missing",
            )
        try:
            validate_image(upload)
        except ValidationError as exc:
            raise ProjectError(
                _("Photo %(number)s: %(error)s") % {"number": number, "error": " ".join(exc.messages)}, code=exc.code
            ) from exc
        image = StepImage.objects.create(step=step, image=upload, alt=alt.strip()[:300])
        image.people.set(people)
    _changed(project)
    log_action(project, "projects.step.added", actor=actor, data={"step": step.pk, "images": len(images)})
    return step


@transaction.atomic
def delete_step(step: JournalStep, *, actor: User) -> None:
    project = step.project
    files = [image.image for image in step.images.all()]
    step_id = step.pk
    step.delete()
    _changed(project)
    log_action(project, "projects.step.deleted", actor=actor, data={"step": step_id})
    transaction.on_commit(lambda: [stored.delete(save=False) for stored in files])


@transaction.atomic
def add_file(project: Project, upload: UploadedFile, *, actor: User, description: str = "") -> ProjectFile:
    """Attach a file after its content and size check (`projects.files.check_project_file`)."""
    try:
        kind, name = check_project_file(upload)
    except ValidationError as exc:
        raise ProjectError(" ".join(exc.messages), code=exc.code or "file_invalid", field="file") from exc
    project_file = ProjectFile.objects.create(
        project=project, file=upload, kind=kind, name=name, size=upload.size or 0,
        description=description.strip()[:300], uploaded_by=actor,
    )  # fmt: skip
    _changed(project)
    log_action(project, "projects.file.added", actor=actor, data={"file": project_file.pk, "name": name})
    return project_file


@transaction.atomic
def delete_file(project_file: ProjectFile, *, actor: User) -> None:
    project = project_file.project
    stored, name = project_file.file, project_file.name
    project_file.delete()
    _changed(project)
    log_action(project, "projects.file.deleted", actor=actor, data={"name": name})
    transaction.on_commit(lambda: stored.delete(save=False))


@transaction.atomic
def add_contest_entry(project: Project, *, actor: User, contest: str, day: Any, award: str = "") -> ContestEntry:
    """Record a contest outside this platform (the centre's own contests come from their registrations)."""
    entry = ContestEntry(project=project, contest=contest.strip(), day=day, award=award.strip())
    entry.full_clean()
    entry.save()
    _changed(project)
    log_action(project, "projects.entry.added", actor=actor, data={"contest": entry.contest, "award": entry.award})
    return entry


@transaction.atomic
def delete_contest_entry(entry: ContestEntry, *, actor: User) -> None:
    project = entry.project
    contest = entry.contest
    entry.delete()
    _changed(project)
    log_action(project, "projects.entry.deleted", actor=actor, data={"contest": contest})
