"""Who may see and change a project passport.

Everybody sees published passports (with children's names and photos filtered by consent, see
`selectors.public_team`). A draft is seen by its team, its supervising teachers, the guardians of its
students, whoever created it and centre staff. The team, the supervisors and the creator edit it; publishing
is for a supervising teacher or staff, so that what goes public about children passes an adult.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from technopark.accounts.access import may_act_as
from technopark.accounts.models import User
from technopark.accounts.roles import Role
from technopark.accounts.typing import AnyUser
from technopark.core.access import deny, get_visible_or_404
from technopark.labs.access import approving_teachers, booking_candidates
from technopark.people.access import own_person, self_and_children_ids
from technopark.people.models import Person
from technopark.projects.models import ContestEntry, JournalStep, Project, ProjectFile, StepImage

PROJECT_STAFF = (Role.LAB_MANAGER, Role.METHODOLOGIST)


def may_manage_projects(user: AnyUser) -> bool:
    return may_act_as(user, *PROJECT_STAFF)


def _own_project_ids(user: User) -> QuerySet[Project]:
    """Ids of the projects whose team or supervisors hold ``user``'s record or their children's, or that they
    created. A union of small id lists: an OR over three joins scans every project."""
    people = self_and_children_ids(user)
    team = Project.objects.filter(team__in=people).order_by().values("pk")
    supervised = Project.objects.filter(supervisors__user=user).order_by().values("pk")
    created = Project.objects.filter(created_by=user).order_by().values("pk")
    return team.union(supervised, created)  # type: ignore[return-value]


def visible_projects(user: AnyUser) -> QuerySet[Project]:
    """Published projects for everybody; drafts for their people (see the module's docstring) and staff."""
    published = Project.objects.filter(status=Project.Status.PUBLISHED)
    if may_manage_projects(user):
        return Project.objects.all()
    if not user.is_authenticated:
        return published
    own = list(_own_project_ids(user).values_list("pk", flat=True))
    return Project.objects.filter(Q(status=Project.Status.PUBLISHED) | Q(pk__in=own))


def own_projects(user: AnyUser) -> QuerySet[Project]:
    """The projects of "My projects": those of the user, their children, those they supervise or created."""
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(pk__in=list(_own_project_ids(user).values_list("pk", flat=True)))


def may_edit_project(user: AnyUser, project: Project) -> bool:
    """Staff, the creator, a team member and a supervising teacher (guardians only look)."""
    if may_manage_projects(user):
        return True
    if not user.is_authenticated:
        return False
    if project.created_by_id == user.pk:
        return True
    return project.team.filter(user=user).exists() or project.supervisors.filter(user=user).exists()


def may_publish_project(user: AnyUser, project: Project) -> bool:
    """A supervising teacher named on the project, or staff."""
    return may_manage_projects(user) or (user.is_authenticated and project.supervisors.filter(user=user).exists())


def access_project(user: AnyUser, project_id: int, *, for_write: bool = False) -> Project:
    """A project ``user`` sees (404 otherwise, audited); ``for_write`` also needs `may_edit_project` (403)."""
    project = get_visible_or_404(visible_projects(user).select_related("lab", "institution"), user=user, pk=project_id)
    if for_write and not may_edit_project(user, project):
        raise PermissionDenied
    return project


def _part_of_project(queryset: QuerySet[Any], user: AnyUser, pk: int, *, for_write: bool) -> Any:
    """A step, file or contest entry of a project the user sees (404 otherwise, audited); ``for_write`` also
    needs `may_edit_project` (403)."""
    part = get_visible_or_404(
        queryset.filter(project__in=visible_projects(user)).select_related("project"), user=user, pk=pk
    )
    if for_write and not may_edit_project(user, part.project):
        raise PermissionDenied
    return part


def access_step(user: AnyUser, step_id: int) -> JournalStep:
    """A journal step of a project the user may edit."""
    step: JournalStep = _part_of_project(JournalStep.objects.all(), user, step_id, for_write=True)
    return step


def access_project_file(user: AnyUser, file_id: int, *, for_write: bool = False) -> ProjectFile:
    project_file: ProjectFile = _part_of_project(ProjectFile.objects.all(), user, file_id, for_write=for_write)
    return project_file


def access_contest_entry(user: AnyUser, entry_id: int) -> ContestEntry:
    """A contest entry of a project the user may edit."""
    entry: ContestEntry = _part_of_project(ContestEntry.objects.all(), user, entry_id, for_write=True)
    return entry


def own_people(user: AnyUser) -> set[int]:
    """Whom ``user`` sees on a passport whatever the publication consent: their own record and their children
    (a guardian sees their child's photo in the draft they read, issue 12 item 20). Empty for anonymous
    visitors, so the public pages are the same for all of them."""
    if not user.is_authenticated:
        return set()
    return set(self_and_children_ids(user))


def access_step_image(user: AnyUser, image_id: int) -> StepImage:
    """A photo the user may see, of a passport they see: any photo of a project they may edit; otherwise only
    a photo whose recognisable people all have a publication consent or are the user or their children
    (`own_people`; DOMAIN.md rules 4 and 9). 404 otherwise, audited."""
    from technopark.projects.selectors import hidden_image_ids

    image = get_visible_or_404(
        StepImage.objects.filter(step__project__in=visible_projects(user)).select_related("step__project"),
        user=user,
        pk=image_id,
    )
    if not may_edit_project(user, image.step.project) and image.pk in hidden_image_ids(
        [image.pk], seen_anyway=own_people(user)
    ):
        deny(user, target=image, reason="no publication consent")
    return image


def team_candidates(user: User, project: Project | None = None) -> QuerySet[Person]:
    """Whom the user may put on a team: the current team, themself, their children and (teachers and
    coordinators) their institution's students; staff also keep whoever is there."""
    ids = set(booking_candidates(user).values_list("pk", flat=True))
    if project is not None and project.pk:
        ids |= set(project.team.values_list("pk", flat=True))
    return Person.objects.filter(pk__in=ids).order_by("last_name", "first_name")


def supervisor_candidates(user: User, project: Project | None = None) -> QuerySet[Person]:
    """Teachers of the user's (or their children's) institutions with a login, the user themself when a
    teacher, and the current supervisors."""
    ids = set(approving_teachers(user).values_list("pk", flat=True))
    if may_act_as(user, Role.TEACHER):
        own = own_person(user)
        ids |= {own.pk} if own is not None else set()
    if project is not None and project.pk:
        ids |= set(project.supervisors.values_list("pk", flat=True))
    return Person.objects.filter(pk__in=ids).order_by("last_name", "first_name")
