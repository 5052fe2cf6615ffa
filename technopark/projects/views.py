"""Project passports: the public gallery and passport pages, the photos and files behind access checks, and
the owners' pages (create, edit, journal, files, contest entries, publish)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from technopark.accounts.access import signed_in_user
from technopark.core.errors import DomainError
from technopark.core.files import content_type_for, open_stored_file
from technopark.core.forms import show_service_error
from technopark.core.pagecache import cache_anonymous_page
from technopark.labs.models import Booking
from technopark.people.access import own_person
from technopark.people.models import Affiliation
from technopark.people.services.consent import CONSENTS_REVISION
from technopark.projects import selectors, services
from technopark.projects.access import (
    access_contest_entry,
    access_project,
    access_project_file,
    access_step,
    access_step_image,
    may_edit_project,
    may_publish_project,
    own_people,
    own_projects,
    supervisor_candidates,
    team_candidates,
    visible_projects,
)
from technopark.projects.forms import EntryForm, FileForm, GalleryForm, ProjectForm, StepForm, UnpublishForm
from technopark.projects.models import PUBLIC_PROJECTS, Project

PAGE_SIZE = 24


@cache_anonymous_page(PUBLIC_PROJECTS, CONSENTS_REVISION)
def gallery(request: HttpRequest) -> HttpResponse:
    """Published projects with filters (direction, lab, stage, year) and a search."""
    form = GalleryForm(request.GET or None, years=selectors.gallery_years())
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
    projects = selectors.gallery(visible_projects(request.user), **filters)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    covers = selectors.covers(page.object_list)
    cards = [(project, covers.get(project.pk)) for project in page.object_list]
    return render(request, "projects/gallery.html", {"form": form, "page_obj": page, "cards": cards})


@cache_anonymous_page(PUBLIC_PROJECTS, CONSENTS_REVISION)
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    """A passport. Its people see everything; others see the published passport with the names and photos of
    children who have no publication consent left out."""
    project = access_project(request.user, project_id)
    editor = may_edit_project(request.user, project)
    own = set() if editor else own_people(request.user)  # a guardian sees their child, consent or not
    steps = list(project.steps.prefetch_related("images"))
    images = [image.pk for step in steps for image in step.images.all()]
    hidden = selectors.hidden_image_ids(images, seen_anyway=own)
    journal = [(step, [image for image in step.images.all() if editor or image.pk not in hidden]) for step in steps]
    context = {
        "project": project,
        "editor": editor,
        "may_publish": may_publish_project(request.user, project),
        "public": selectors.public_team(project, seen_anyway=own),
        "team": list(project.team.all()) if editor else [],
        "journal": journal,
        "hidden_images": hidden if editor else set(),
        "files": list(project.files.all()),
        "equipment": list(project.equipment.select_related("lab")),
        "bookings": list(project.bookings.select_related("equipment", "lab")) if editor else [],
        "entries": selectors.contest_entries(project),
        "own_entries": list(project.contest_entries.all()) if editor else [],
        "unpublish_form": UnpublishForm(),
    }
    return render(request, "projects/detail.html", context)


def step_image(request: HttpRequest, image_id: int) -> FileResponse:
    image = access_step_image(request.user, image_id)
    handle = open_stored_file(image.image, owner=image)
    response = FileResponse(handle, content_type=content_type_for(image.image.name))
    # A photo of children is shown only while their consents allow it, so no browser or proxy keeps a copy
    # that would outlive a withdrawal (decision 0006, point 3).
    response["Cache-Control"] = "private, no-store"
    return response


def file_download(request: HttpRequest, file_id: int) -> FileResponse:
    """Always a download (never shown inline: an SVG or HTML file must not run in the site's pages)."""
    project_file = access_project_file(request.user, file_id)
    handle = open_stored_file(project_file.file, owner=project_file)
    response = FileResponse(handle, as_attachment=True, filename=project_file.name)
    response["Content-Type"] = "application/octet-stream"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_projects(request: HttpRequest) -> HttpResponse:
    projects = own_projects(request.user).select_related("lab").order_by("-updated_at")
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/mine.html", {"page_obj": page})


def _team_bookings(project: Project | None) -> Any:
    """The bookings a project may name: its team's project work and lessons, latest first (at most 200)."""
    if project is None or not project.pk:
        return Booking.objects.none()
    ids = list(
        Booking.objects.filter(person__in=project.team.values("pk"), status=Booking.Status.CONFIRMED)
        .order_by("-starts_at")
        .values_list("pk", flat=True)[:200]
    )
    ids += list(project.bookings.values_list("pk", flat=True))
    return Booking.objects.filter(pk__in=ids).select_related("equipment", "lab", "person").order_by("-starts_at")


def _project_form(request: HttpRequest, project: Project | None, data: Any = None) -> ProjectForm:
    user = signed_in_user(request)
    initial: dict[str, Any] = {}
    if project is None:
        own = own_person(user)
        if own is not None:
            link = Affiliation.objects.filter(person=own).select_related("institution").first()
            initial = {
                "team": [own.pk] if link is None or link.kind == "student" else [],
                "supervisors": [own.pk] if link is not None and link.kind == "teacher" else [],
                "institution": link.institution_id if link else None,
            }
    return ProjectForm(
        data,
        instance=project,
        initial=initial,
        team=team_candidates(user, project),
        supervisors=supervisor_candidates(user, project),
        bookings=_team_bookings(project),
    )


def _form_page(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Project],
    *,
    done: str,
    template: str,
    project: Project | None,
) -> HttpResponse:
    """The pages that add to a passport share one flow: a valid form goes to the service; a refusal is shown on
    the form, which keeps what was typed; success returns to the passport with ``done`` as the message."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(dict(form.cleaned_data))
        except DomainError as error:
            show_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect("projects:detail", project_id=saved.pk)
    if project is not None and form.is_bound:
        project.refresh_from_db()  # the passport's form wrote what was typed into it; the page shows what is saved
    return render(request, template, {"form": form, "project": project})


def _people(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: data.pop(name) for name in names if name in data}


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> Project:
        people = _people(data, ("team", "supervisors", "equipment"))
        return services.create_project(actor=signed_in_user(request), **people, **data)

    form = _project_form(request, None, request.POST or None)
    done = _("The project is saved as a draft. Add journal steps, photos and files.")
    return _form_page(request, form, save, done=done, template="projects/edit.html", project=None)


@login_required
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id, for_write=True)

    def save(data: dict[str, Any]) -> Project:
        people = _people(data, ("team", "supervisors", "equipment", "bookings"))
        return services.update_project(project, actor=signed_in_user(request), **people, **data)

    form = _project_form(request, project, request.POST or None)
    return _form_page(
        request, form, save, done=_("The project is saved."), template="projects/edit.html", project=project
    )


@login_required
def step_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id, for_write=True)
    form = StepForm(
        request.POST or None, request.FILES or None, team=project.team.all(), initial={"day": timezone.localdate()}
    )

    def save(data: dict[str, Any]) -> Project:
        services.add_step(
            project, actor=signed_in_user(request), text=data["text"], day=data["day"], images=form.images()
        )
        return project

    done = _("The step is added to the journal.")
    return _form_page(request, form, save, done=done, template="projects/step_form.html", project=project)


@login_required
@require_POST
def step_delete(request: HttpRequest, step_id: int) -> HttpResponse:
    step = access_step(request.user, step_id)
    services.delete_step(step, actor=signed_in_user(request))
    messages.success(request, _("The step is deleted."))
    return redirect("projects:detail", project_id=step.project_id)


@login_required
def file_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id, for_write=True)

    def save(data: dict[str, Any]) -> Project:
        services.add_file(project, data["file"], actor=signed_in_user(request), description=data["description"])
        return project

    form = FileForm(request.POST or None, request.FILES or None)
    return _form_page(
        request, form, save, done=_("The file is added."), template="projects/file_form.html", project=project
    )


@login_required
@require_POST
def file_delete(request: HttpRequest, file_id: int) -> HttpResponse:
    project_file = access_project_file(request.user, file_id, for_write=True)
    services.delete_file(project_file, actor=signed_in_user(request))
    messages.success(request, _("The file is deleted."))
    return redirect("projects:detail", project_id=project_file.project_id)


@login_required
def entry_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id, for_write=True)

    def save(data: dict[str, Any]) -> Project:
        services.add_contest_entry(project, actor=signed_in_user(request), **data)
        return project

    form = EntryForm(request.POST or None)
    return _form_page(
        request, form, save, done=_("The contest is added."), template="projects/entry_form.html", project=project
    )


@login_required
@require_POST
def entry_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = access_contest_entry(request.user, entry_id)
    services.delete_contest_entry(entry, actor=signed_in_user(request))
    return redirect("projects:detail", project_id=entry.project_id)


@login_required
@require_POST
def project_publish(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id, for_write=True)
    if not may_publish_project(request.user, project):
        raise PermissionDenied
    try:
        if request.POST.get("action") == "unpublish":
            form = UnpublishForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.unpublish_project(project, actor=signed_in_user(request), reason=reason)
            messages.success(request, _("The project is taken out of the gallery."))
        else:
            services.publish_project(project, actor=signed_in_user(request))
            messages.success(request, _("The project is published in the gallery."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("projects:detail", project_id=project.pk)
