"""Who may see and change institutions, contacts and agreements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeGuard

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from technopark.accounts.access import may_act_as
from technopark.accounts.models import User
from technopark.accounts.roles import Role
from technopark.accounts.typing import AnyUser
from technopark.core.access import get_visible_or_404
from technopark.core.models import BackgroundJob
from technopark.network.models import Agreement, Institution

# Centre staff who keep the registry of the cluster.
NETWORK_MANAGERS = (Role.METHODOLOGIST,)


def may_manage_network(user: AnyUser) -> TypeGuard[User]:
    """Methodologists and administrators create, edit, import and export institutions and agreements."""
    return may_act_as(user, *NETWORK_MANAGERS)


def visible_institutions(user: AnyUser) -> QuerySet[Institution]:
    """The public sees active members of the cluster; network managers see inactive ones too."""
    if may_manage_network(user):
        return Institution.objects.all()
    return Institution.objects.filter(is_active=True)


def access_institution(user: AnyUser, institution_id: int, *, for_write: bool = False) -> Institution:
    if for_write and not may_manage_network(user):
        raise PermissionDenied
    return get_visible_or_404(visible_institutions(user), user=user, pk=institution_id)


def visible_agreements(user: AnyUser) -> QuerySet[Agreement]:
    """Network managers see every agreement; a partner's coordinators and representatives see theirs."""
    if may_manage_network(user):
        return Agreement.objects.all()
    if not user.is_authenticated:
        return Agreement.objects.none()
    return Agreement.objects.filter(institution__coordinators=user)


def access_agreement(user: AnyUser, agreement_id: int, *, for_write: bool = False) -> Agreement:
    if for_write and not may_manage_network(user):
        raise PermissionDenied
    return get_visible_or_404(visible_agreements(user), user=user, pk=agreement_id)


def may_see_contacts(user: AnyUser, institution: Institution) -> bool:
    """Contact persons are for staff and the institution's own coordinators, not for the public."""
    if may_manage_network(user):
        return True
    return bool(getattr(user, "is_authenticated", False)) and institution.coordinators.filter(pk=user.pk).exists()


IMPORT_KIND = "network.import_institutions"  # the BackgroundJob kind of the `tasks` checking and running an import


def visible_import_jobs(user: AnyUser) -> QuerySet[BackgroundJob]:
    """Imports are seen by whoever started them, and by administrators (for support)."""
    jobs = BackgroundJob.objects.filter(kind=IMPORT_KIND)
    if may_act_as(user):
        return jobs
    if not may_manage_network(user):
        return jobs.none()
    return jobs.filter(created_by=user)


def access_import_job(user: AnyUser, job_id: int) -> BackgroundJob:
    return get_visible_or_404(visible_import_jobs(user), user=user, pk=job_id)


def coordinated_institutions(user: AnyUser) -> QuerySet[Institution]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Institution.objects.none()
    return Institution.objects.filter(coordinators=user)


# Whether a login sees anyone in the registry of people, for the link from an institution's page to its people.
# People sit above network (decision 0007), so `PeopleConfig.ready` registers the rule (`visible_persons`).
_people_listers: list[Callable[[Any], bool]] = []


def register_people_lister(check: Callable[[Any], bool]) -> None:
    _people_listers.append(check)


def may_list_people(user: AnyUser) -> bool:
    return any(check(user) for check in _people_listers)
