from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from technopark.accounts.access import signed_in_user, staff_required
from technopark.accounts.roles import Role
from technopark.accounts.selectors import active_user_with_email
from technopark.core.access import get_visible_or_404
from technopark.core.errors import DomainError
from technopark.core.files import content_type_for, open_stored_file
from technopark.core.forms import show_service_error
from technopark.core.models import BackgroundJob
from technopark.core.pagecache import cache_anonymous_page
from technopark.core.services import set_job_state, start_job
from technopark.network import selectors, services, tabular
from technopark.network.access import (
    IMPORT_KIND,
    access_agreement,
    access_import_job,
    access_institution,
    may_list_people,
    may_manage_network,
    may_see_contacts,
    visible_agreements,
    visible_import_jobs,
    visible_institutions,
)
from technopark.network.forms import (
    AgreementFilterForm,
    AgreementForm,
    ContactForm,
    CoordinatorForm,
    ImportForm,
    InstitutionFilterForm,
    InstitutionForm,
)
from technopark.network.models import Contact
from technopark.network.tasks import check_institution_import, run_institution_import

PAGE_SIZE = 25
MANAGERS = (Role.METHODOLOGIST,)


# --- Public: the registry ------------------------------------------------------------------------


@cache_anonymous_page(services.PUBLIC_REGISTRY)
def institution_list(request: HttpRequest) -> HttpResponse:
    form = InstitutionFilterForm(request.GET or None)
    institutions = selectors.find_institutions(visible_institutions(request.user), **form.filters())
    page = Paginator(institutions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/institution_list.html",
        {"form": form, "page_obj": page, "may_manage": may_manage_network(request.user)},
    )


@cache_anonymous_page(services.PUBLIC_REGISTRY)
def institution_detail(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = access_institution(request.user, institution_id)
    show_contacts = may_see_contacts(request.user, institution)
    agreements = visible_agreements(request.user).filter(institution=institution)
    return render(
        request,
        "network/institution_detail.html",
        {
            "institution": institution,
            "may_manage": may_manage_network(request.user),
            "show_contacts": show_contacts,
            "contacts": institution.contacts.all() if show_contacts else [],
            "coordinators": institution.coordinators.order_by("last_name", "email") if show_contacts else [],
            "agreements": agreements,
            "summary": selectors.institution_summary(institution),
            "people": selectors.institution_people_counts(institution) if show_contacts else None,
            "may_list_people": show_contacts and may_list_people(request.user),
            "coordinator_form": CoordinatorForm(),
        },
    )


@staff_required(*MANAGERS)
def institution_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The filtered list as XLSX or CSV, in the import template's columns."""
    if file_format not in ("xlsx", "csv"):
        raise Http404
    form = InstitutionFilterForm(request.GET or None)
    institutions = selectors.find_institutions(visible_institutions(request.user), **form.filters())
    rows = (tabular.institution_row(institution) for institution in institutions.iterator(chunk_size=500))
    stamp = timezone.localdate().isoformat()
    if file_format == "xlsx":
        response = HttpResponse(tabular.xlsx_bytes(rows), content_type=content_type_for("x.xlsx"))
    else:
        response = HttpResponse(tabular.csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="institutions-{stamp}.{file_format}"'
    return response


# --- Staff: institutions, contacts, coordinators ------------------------------------------------------


@staff_required(*MANAGERS)
def institution_create(request: HttpRequest) -> HttpResponse:
    form = InstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            institution = services.create_institution(actor=signed_in_user(request), **form.service_fields())
        except (DomainError, ValidationError) as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The institution is added to the registry."))
            return redirect("network:institution-detail", institution_id=institution.pk)
    status = 400 if form.errors else 200
    return render(request, "network/staff/institution_form.html", {"form": form, "institution": None}, status=status)


@staff_required(*MANAGERS)
def institution_edit(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = access_institution(request.user, institution_id, for_write=True)
    if request.method == "POST":
        form = InstitutionForm(request.POST)
        if form.is_valid():
            try:
                services.update_institution(institution, actor=signed_in_user(request), **form.service_fields())
            except (DomainError, ValidationError) as error:
                show_service_error(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("network:institution-detail", institution_id=institution.pk)
    else:
        form = InstitutionForm(initial=model_to_dict(institution, fields=InstitutionForm.Meta.fields))
    status = 400 if form.errors else 200
    context = {"form": form, "institution": institution}
    return render(request, "network/staff/institution_form.html", context, status=status)


@require_POST
@staff_required(*MANAGERS)
def institution_set_active(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = access_institution(request.user, institution_id, for_write=True)
    active = request.POST.get("active") == "1"
    services.set_institution_active(institution, active, actor=signed_in_user(request))
    messages.success(
        request, _("The institution is back in the cluster.") if active else _("The institution is marked inactive.")
    )
    return redirect("network:institution-detail", institution_id=institution.pk)


@require_POST
@staff_required(*MANAGERS)
def coordinator_add(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = access_institution(request.user, institution_id, for_write=True)
    form = CoordinatorForm(request.POST)
    if form.is_valid():
        user = active_user_with_email(form.cleaned_data["email"])
        if user is None:
            messages.error(request, _("No active user with this e-mail: they must sign up first."))
        else:
            try:
                services.add_coordinator(institution, user, actor=signed_in_user(request))
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("%(name)s now acts for the institution.") % {"name": user})
    else:
        messages.error(request, _("Enter the e-mail address of a registered user."))
    return redirect("network:institution-detail", institution_id=institution.pk)


@require_POST
@staff_required(*MANAGERS)
def coordinator_remove(request: HttpRequest, institution_id: int, user_id: int) -> HttpResponse:
    institution = access_institution(request.user, institution_id, for_write=True)
    user = get_visible_or_404(institution.coordinators.all(), user=request.user, pk=user_id)
    services.remove_coordinator(institution, user, actor=signed_in_user(request))
    messages.success(request, _("%(name)s no longer acts for the institution.") % {"name": user})
    return redirect("network:institution-detail", institution_id=institution.pk)


@staff_required(*MANAGERS)
def contact_create(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = access_institution(request.user, institution_id, for_write=True)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_contact(institution, actor=signed_in_user(request), **form.service_fields())
        except (DomainError, ValidationError) as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The contact person is added."))
            return redirect("network:institution-detail", institution_id=institution.pk)
    context = {"form": form, "institution": institution, "contact": None}
    return render(request, "network/staff/contact_form.html", context, status=400 if form.errors else 200)


def _access_contact(request: HttpRequest, contact_id: int) -> Contact:
    contact = get_visible_or_404(Contact.objects.select_related("institution"), user=request.user, pk=contact_id)
    access_institution(request.user, contact.institution_id, for_write=True)
    return contact


@staff_required(*MANAGERS)
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _access_contact(request, contact_id)
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                services.update_contact(contact, actor=signed_in_user(request), **form.service_fields())
            except (DomainError, ValidationError) as error:
                show_service_error(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("network:institution-detail", institution_id=contact.institution_id)
    else:
        form = ContactForm(initial=model_to_dict(contact, fields=ContactForm.Meta.fields))
    context = {"form": form, "institution": contact.institution, "contact": contact}
    return render(request, "network/staff/contact_form.html", context, status=400 if form.errors else 200)


@require_POST
@staff_required(*MANAGERS)
def contact_delete(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _access_contact(request, contact_id)
    institution_id = contact.institution_id
    services.delete_contact(contact, actor=signed_in_user(request))
    messages.success(request, _("The contact person is removed."))
    return redirect("network:institution-detail", institution_id=institution_id)


# --- Agreements ------------------------------------------------------------------------------------------


@staff_required(*MANAGERS)
def agreement_list(request: HttpRequest) -> HttpResponse:
    form = AgreementFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    today = timezone.localdate()
    agreements = selectors.agreements_by_status(visible_agreements(request.user), status, today)
    page = Paginator(agreements, PAGE_SIZE).get_page(request.GET.get("page"))
    expiring = selectors.agreements_by_status(visible_agreements(request.user), "expiring", today).count()
    return render(
        request, "network/staff/agreement_list.html", {"form": form, "page_obj": page, "expiring_count": expiring}
    )


@staff_required(*MANAGERS)
def agreement_create(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = access_institution(request.user, institution_id, for_write=True)
    form = AgreementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_agreement(institution, actor=signed_in_user(request), **form.service_fields())
        except (DomainError, ValidationError) as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The agreement is recorded."))
            return redirect("network:institution-detail", institution_id=institution.pk)
    context = {"form": form, "institution": institution, "agreement": None}
    return render(request, "network/staff/agreement_form.html", context, status=400 if form.errors else 200)


@staff_required(*MANAGERS)
def agreement_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_agreement(request.user, agreement_id, for_write=True)
    if request.method == "POST":
        form = AgreementForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.update_agreement(agreement, actor=signed_in_user(request), **form.service_fields())
            except (DomainError, ValidationError) as error:
                show_service_error(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("network:institution-detail", institution_id=agreement.institution_id)
    else:
        form = AgreementForm(initial=model_to_dict(agreement, fields=AgreementForm.Meta.fields))
    context = {"form": form, "institution": agreement.institution, "agreement": agreement}
    return render(request, "network/staff/agreement_form.html", context, status=400 if form.errors else 200)


@require_POST
@staff_required(*MANAGERS)
def agreement_delete(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_agreement(request.user, agreement_id, for_write=True)
    institution_id = agreement.institution_id
    services.delete_agreement(agreement, actor=signed_in_user(request))
    messages.success(request, _("The agreement is deleted."))
    return redirect("network:institution-detail", institution_id=institution_id)


def agreement_scan(request: HttpRequest, agreement_id: int) -> FileResponse:
    """The signed scan, for those who may see the agreement (DOMAIN.md rule 8)."""
    agreement = access_agreement(request.user, agreement_id)
    handle = open_stored_file(agreement.scan, owner=agreement)
    response = FileResponse(handle, content_type=content_type_for(agreement.scan.name))
    response["Cache-Control"] = "private, no-store"
    return response


# --- Import ------------------------------------------------------------------------------------------


@staff_required(*MANAGERS)
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = upload.name
        upload.name = "import." + ("xlsx" if name.lower().endswith(".xlsx") else "csv")
        # The check runs in the worker; it speaks the language of the person who uploaded the file.
        job = start_job(
            IMPORT_KIND, actor=request.user, input_file=upload, input_name=name, data={"language": get_language()}
        )
        check_institution_import.enqueue(job.pk)
        return redirect("network:import-job", job_id=job.pk)
    recent = visible_import_jobs(request.user)[:5]
    context = {"form": form, "recent": recent}
    return render(request, "network/staff/import_start.html", context, status=400 if form.errors else 200)


@staff_required(*MANAGERS)
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(tabular.template_bytes(), content_type=content_type_for("x.xlsx"))
    response["Content-Disposition"] = 'attachment; filename="institutions-template.xlsx"'
    return response


def _job_context(request: HttpRequest, job: BackgroundJob) -> dict[str, object]:
    plan = job.data.get("plan", {})
    return {
        "job": job,
        "plan": plan,
        "problems": plan.get("problems", []),
        # Updates first: they change what is in the registry, so each is shown field by field.
        "preview": sorted(plan.get("rows", []), key=lambda row: {"update": 0, "create": 1}.get(row["action"], 2))[:200],
        "error": job.data.get("error", ""),
        "summary": job.data.get("summary"),
        "poll_url": reverse("network:import-progress", kwargs={"job_id": job.pk}),
        "page_url": reverse("network:import-job", kwargs={"job_id": job.pk}),
        "result_template": "network/staff/import_result.html",
    }


@staff_required(*MANAGERS)
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access_import_job(request.user, job_id)
    return render(request, "network/staff/import_job.html", _job_context(request, job))


@staff_required(*MANAGERS)
def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress block alone, for the page's polling."""
    job = access_import_job(request.user, job_id)
    return render(request, "core/components/job_progress.html", _job_context(request, job))


@require_POST
@staff_required(*MANAGERS)
def import_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access_import_job(request.user, job_id)
    if job.status != BackgroundJob.Status.WAITING:
        messages.error(request, _("This import is not waiting for confirmation."))
        return redirect("network:import-job", job_id=job.pk)
    set_job_state(job, BackgroundJob.Status.RUNNING)
    run_institution_import.enqueue(job.pk)
    return redirect("network:import-job", job_id=job.pk)
