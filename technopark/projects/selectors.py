"""Reads of project passports: the public gallery and its filters, what of a team and its photos may be shown
publicly, and the contest entries of a project (its own records plus those other apps contribute)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import ExtractYear

from technopark.people.models import ConsentPurpose, Person
from technopark.people.selectors import persons_with_consent
from technopark.projects.models import Project, StepImage


def gallery(
    projects: QuerySet[Project],
    *,
    q: str = "",
    direction: str = "",
    lab: str = "",
    stage: str = "",
    year: int | None = None,
) -> QuerySet[Project]:
    """Published ``projects`` matching the filters, newest first."""
    projects = projects.filter(status=Project.Status.PUBLISHED)
    if direction:
        projects = projects.filter(direction=direction)
    if lab:
        projects = projects.filter(lab__code=lab)
    if stage:
        projects = projects.filter(stage=stage)
    if year:
        projects = projects.filter(started_on__year=year)
    for word in q.split()[:5]:
        projects = projects.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    return projects.select_related("lab", "institution").order_by("-published_at", "-pk")


def gallery_years() -> list[int]:
    """The years that published projects started in, newest first (the year filter's choices)."""
    years = (
        Project.objects.filter(status=Project.Status.PUBLISHED)
        .annotate(started_year=ExtractYear("started_on"))
        .order_by("-started_year")
        .values_list("started_year", flat=True)
        .distinct()
    )
    return list(years)


def _consented(people: Iterable[int]) -> set[int]:
    ids = set(people)
    if not ids:
        return set()
    allowed = persons_with_consent(Person.objects.filter(pk__in=ids), ConsentPurpose.PUBLICATION)
    return set(allowed.values_list("pk", flat=True))


def hidden_image_ids(image_ids: Iterable[int], *, seen_anyway: Iterable[int] = ()) -> set[int]:
    """Of ``image_ids``, the photos that show somebody without a publication consent (hidden publicly).
    ``seen_anyway``: the people the viewer sees whatever the consent, themself and their children
    (`projects.access.own_people`): a photo showing only them, or them and people who consented, is not
    hidden from that viewer."""
    pairs = list(
        StepImage.people.through.objects.filter(stepimage_id__in=list(image_ids)).values_list(
            "stepimage_id", "person_id"
        )
    )
    allowed = _consented(person for _image, person in pairs) | set(seen_anyway)
    return {image for image, person in pairs if person not in allowed}


@dataclass(frozen=True)
class PublicTeam:
    names: list[str]  # team members with a publication consent
    hidden: int  # how many more there are whose names are not shown
    supervisors: list[str]


def public_team(project: Project, *, seen_anyway: Iterable[int] = ()) -> PublicTeam:
    """What a public page may say about the people of ``project``: names of the team members who consented
    to publication (and of ``seen_anyway``, as in `hidden_image_ids`), how many others there are, and the
    supervising teachers (adults, named as such)."""
    team = list(project.team.all())
    allowed = _consented(person.pk for person in team) | set(seen_anyway)
    names = [person.full_name for person in team if person.pk in allowed]
    supervisors = [person.full_name for person in project.supervisors.all()]
    return PublicTeam(names=names, hidden=len(team) - len(names), supervisors=supervisors)


def covers(projects: Iterable[Project]) -> dict[int, StepImage]:
    """For each project, its latest photo that may be shown publicly (the gallery card's picture)."""
    ids = [project.pk for project in projects]
    images = list(
        StepImage.objects.filter(step__project_id__in=ids)
        .order_by("-step__day", "-pk")
        .only("pk", "alt", "step__project_id", "step__day")
        .select_related("step")
    )
    hidden = hidden_image_ids(image.pk for image in images)
    result: dict[int, StepImage] = {}
    for image in images:
        if image.pk not in hidden:
            result.setdefault(image.step.project_id, image)
    return result


@dataclass(frozen=True)
class EntryRow:
    """A contest the project took part in, and what it won there."""

    contest: str
    day: dt.date
    award: str
    url: str = ""  # the contest's page on this site, for the centre's own contests


# Apps above this one (events) add the project's entries to their contests: projects may not import them
# (ARCHITECTURE.md dependency direction), so they register a function here when their app is ready.
ENTRY_SOURCES: list[Callable[[Project], list[EntryRow]]] = []


def register_entry_source(source: Callable[[Project], list[EntryRow]]) -> None:
    if source not in ENTRY_SOURCES:
        ENTRY_SOURCES.append(source)


def contest_entries(project: Project) -> list[EntryRow]:
    """The project's contest entries: recorded on the passport and contributed by the registered sources,
    newest first."""
    rows = [EntryRow(entry.contest, entry.day, entry.award) for entry in project.contest_entries.all()]
    for source in ENTRY_SOURCES:
        rows.extend(source(project))
    return sorted(rows, key=lambda row: row.day, reverse=True)
