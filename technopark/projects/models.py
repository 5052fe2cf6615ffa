"""Project passports (DOMAIN.md: the gallery of what students build): a team's project from the idea to a
finished prototype, with its journal, files, the equipment and bookings it used, and its contest entries."""

from __future__ import annotations

import uuid
from typing import Any, TypeAlias

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.core.files import random_upload_name
from technopark.core.models import BoundedTextField, Direction, TimeStampedModel

# The cache scope of the public gallery and passport pages kept in the page cache (`core.cache`).
PUBLIC_PROJECTS = "projects"


# Choices named after their model (EventKind rather than a nested Event.Kind, which stays as an alias): the
# API's OpenAPI document names components by class name, and ten classes called Kind shared one.
class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Project(TimeStampedModel):
    """A project passport. A draft is seen by its team, supervisors and staff; a published one by everybody,
    with the names and photos of children who have no publication consent hidden."""

    class Stage(models.TextChoices):
        IDEA = "idea", _("Idea")
        DEVELOPMENT = "development", _("In development")
        PROTOTYPE = "prototype", _("Prototype")
        FINISHED = "finished", _("Finished")

    Status: TypeAlias = ProjectStatus

    class Licence(models.TextChoices):
        CC_BY = "cc-by-4.0", _("CC BY 4.0: anyone may reuse it, naming the authors")
        CC_BY_SA = "cc-by-sa-4.0", _("CC BY-SA 4.0: reuse naming the authors, under the same licence")
        CC_BY_NC = "cc-by-nc-4.0", _("CC BY-NC 4.0: reuse naming the authors, not for profit")
        MIT = "mit", _("MIT (for code)")
        GPL = "gpl-3.0", _("GNU GPL 3.0 (for code)")
        RESERVED = "all-rights-reserved", _("All rights reserved")

    title = models.CharField(_("title"), max_length=200)
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.IDEA)
    summary = BoundedTextField(
        _("summary"), max_length=5000, blank=True, help_text=_("What it is, whom it helps, how it works")
    )
    licence = models.CharField(_("licence"), max_length=24, choices=Licence.choices, default=Licence.CC_BY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    lab = models.ForeignKey(
        "labs.Lab", verbose_name=_("lab"), null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    institution = models.ForeignKey(
        "network.Institution", verbose_name=_("institution"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="projects",
    )  # fmt: skip
    team = models.ManyToManyField("people.Person", verbose_name=_("team"), related_name="projects", blank=True)
    supervisors = models.ManyToManyField(
        "people.Person", verbose_name=_("supervising teachers"), related_name="supervised_projects", blank=True
    )
    equipment = models.ManyToManyField(
        "labs.Equipment", verbose_name=_("equipment used"), related_name="projects", blank=True
    )
    bookings = models.ManyToManyField(
        "labs.Booking", verbose_name=_("bookings used"), related_name="projects", blank=True
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "-published_at"], name="project_gallery")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def year(self) -> int:
        return self.started_on.year


class JournalStep(TimeStampedModel):
    """One entry of the project's journal: what was done on a day, with photos."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="steps")
    day = models.DateField(_("date"), default=timezone.localdate)
    text = BoundedTextField(_("what was done"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("journal step")
        verbose_name_plural = _("journal steps")
        ordering = ["day", "pk"]

    def __str__(self) -> str:
        return f"{self.project}: {self.day:%d.%m.%Y}"


def step_image_path(instance: Any, filename: str) -> str:
    return random_upload_name("projects/images", filename)


class StepImage(models.Model):
    """A photo of a journal step. ``people`` are the team members one can recognise on it: on public pages the
    photo is shown only when each of them has a publication consent (DOMAIN.md rules 4 and 9)."""

    step = models.ForeignKey(JournalStep, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("photo"), upload_to=step_image_path)
    alt = models.CharField(_("what the photo shows"), max_length=300)
    people = models.ManyToManyField(
        "people.Person", verbose_name=_("who can be recognised"), related_name="project_photos", blank=True
    )

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.alt


def project_file_path(instance: Any, filename: str) -> str:
    """``projects/files/<year>/<random>.<ext>``: only the extension found valid by the content check survives."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"projects/files/{timezone.now():%Y}/{uuid.uuid4().hex}.{ext}"


class ProjectFileKind(models.TextChoices):
    MODEL = "model", _("3D model")
    CAD = "cad", _("Drawing or CAD file")
    CODE = "code", _("Program code")
    ARCHIVE = "archive", _("Archive")
    DOCUMENT = "document", _("Document")


class ProjectFile(TimeStampedModel):
    """A file of the project (a model for printing, a drawing, a code archive, a document), checked by content
    and size when uploaded (`projects.files.check_project_file`) and served only through an access-checked view."""

    Kind: TypeAlias = ProjectFileKind

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=project_file_path)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("file name"), max_length=120)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("project file")
        verbose_name_plural = _("project files")
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class ContestEntry(models.Model):
    """A contest the project took part in outside this platform (entries to the centre's own contests come from
    their registrations and published results)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="contest_entries"
    )
    contest = models.CharField(_("contest"), max_length=300)
    day = models.DateField(_("date"))
    award = models.CharField(_("award"), max_length=200, blank=True, help_text=_("e.g. Diploma of the II degree"))

    class Meta:
        verbose_name = _("contest entry")
        verbose_name_plural = _("contest entries")
        ordering = ["-day", "pk"]

    def __str__(self) -> str:
        return f"{self.project}: {self.contest}"
