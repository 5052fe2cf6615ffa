"""Documents of an event: issuing them in the background (staff), downloading one PDF or an institution's
ZIP, revoking, and the public page that checks a code (`/verify/<code>/`, CONTRACTS.md)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from technopark.accounts.access import signed_in_user, staff_required
from technopark.core.context import site_url
from technopark.core.errors import DomainError
from technopark.core.files import open_stored_file
from technopark.core.models import BackgroundJob
from technopark.core.services import start_job
from technopark.events import pdf, selectors, services
from technopark.events.access import (
    CERTIFICATES_JOB,
    EVENT_MANAGERS,
    access_certificate,
    access_certificates_job,
    access_event,
    may_export_institution,
    may_manage_events,
)
from technopark.events.forms import IssueCertificatesForm, RevokeCertificateForm
from technopark.events.models import Certificate
from technopark.events.services.certificates import HELD_STATUSES, file_name, signatory_of, zip_bytes
from technopark.events.tasks import issue_event_certificates

PAGE_SIZE = 50


@staff_required(*EVENT_MANAGERS)
def certificates_manage(request: HttpRequest, event_id: int) -> HttpResponse:
    """The event's documents: start issuing them, follow the last run, the ZIPs by institution, the list."""
    event = access_event(request.user, event_id, for_write=True)
    language = translation.get_language() or "ru"
    position, name = signatory_of(event, language)
    initial = {"language": language, "signatory_position": position, "signatory_name": name}
    form = IssueCertificatesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if event.status not in HELD_STATUSES:
            form.add_error(None, _("Documents are issued after the event is held."))
        elif not pdf.available():
            form.add_error(None, _("This server cannot make PDF files: the Pango library is not installed."))
        else:
            signatory = (form.cleaned_data["signatory_position"], form.cleaned_data["signatory_name"])
            if signatory != (event.signatory_position, event.signatory_name):
                services.set_signatory(event, position=signatory[0], name=signatory[1], actor=signed_in_user(request))
            job = start_job(
                CERTIFICATES_JOB,
                actor=signed_in_user(request),
                data={
                    "event_id": event.pk,
                    "language": form.cleaned_data["language"],
                    "site_url": site_url(request),
                },
            )
            issue_event_certificates.enqueue(job.pk)
            return redirect("events:certificates-job", job_id=job.pk)
    certificates = event.certificates.select_related("institution").order_by("revoked_at", "kind", "recipient_name")
    kind = request.GET.get("kind", "")
    if kind in Certificate.Kind.values:
        certificates = certificates.filter(kind=kind)
    page = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
    last_job = (
        BackgroundJob.objects.filter(kind=CERTIFICATES_JOB, data__event_id=event.pk).order_by("-created_at").first()
    )
    context = {
        "event": event,
        "form": form,
        "page": page,
        "kinds": Certificate.Kind.choices,
        "kind": kind,
        "institutions": selectors.certificates_by_institution(event),
        "last_job": last_job,
        "may_issue": event.status in HELD_STATUSES,
        "revoke_form": RevokeCertificateForm(),
    }
    return render(request, "events/staff/certificates.html", context, status=400 if form.errors else 200)


def _job_context(job: BackgroundJob) -> dict[str, object]:
    return {
        "job": job,
        "event_id": job.data.get("event_id"),
        "counts": job.data.get("counts"),
        "error": job.data.get("error", ""),
        "poll_url": reverse("events:certificates-progress", kwargs={"job_id": job.pk}),
        "page_url": reverse("events:certificates-job", kwargs={"job_id": job.pk}),
        "result_template": "events/staff/certificates_result.html",
    }


@staff_required(*EVENT_MANAGERS)
def certificates_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access_certificates_job(request.user, job_id)
    event = access_event(request.user, job.data.get("event_id", 0))
    return render(request, "events/staff/certificates_job.html", {**_job_context(job), "event": event})


@staff_required(*EVENT_MANAGERS)
def certificates_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress block alone, for the page's polling."""
    job = access_certificates_job(request.user, job_id)
    return render(request, "core/components/job_progress.html", _job_context(job))


@login_required
def certificate_file(request: HttpRequest, certificate_id: int) -> FileResponse:
    """One document as PDF, for its holder, their guardians and teachers, and event managers."""
    certificate = access_certificate(request.user, certificate_id)
    handle = open_stored_file(certificate.file, owner=certificate)
    response = FileResponse(handle, content_type="application/pdf", filename=file_name(certificate), as_attachment=True)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def certificates_zip(request: HttpRequest, event_id: int, institution_id: int) -> HttpResponse:
    """The valid documents of one institution's people, for its coordinators and event managers."""
    event = access_event(request.user, event_id)
    if not may_export_institution(request.user, institution_id):
        raise PermissionDenied
    certificates = list(event.certificates.filter(revoked_at__isnull=True, institution_id=institution_id))
    if not certificates:
        # An old link or a bookmark from before the documents were issued: say so where the link was.
        messages.info(request, _("There are no documents for this institution's people yet."))
        return redirect("events:event-detail", event_id=event.pk)
    response = HttpResponse(zip_bytes(certificates), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="documents-{event.pk}-{institution_id}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required(*EVENT_MANAGERS)
@require_POST
def certificate_revoke(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = access_certificate(request.user, certificate_id)
    form = RevokeCertificateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the document is revoked."))
    else:
        try:
            services.revoke_certificate(certificate, reason=form.cleaned_data["reason"], actor=signed_in_user(request))
        except DomainError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("Document %(code)s is revoked.") % {"code": certificate.code})
    return redirect("events:certificates", event_id=certificate.event_id)


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public: is the document with this code genuine and valid? Shows what the paper says, with the name
    only as far as a publication consent allows (surname's initial and initials otherwise)."""
    typed = code or request.GET.get("code", "").strip()
    certificate = selectors.find_certificate(typed) if typed else None
    if typed and certificate is not None and typed != certificate.code:
        return redirect("events:verify", code=certificate.code)
    name = ""
    if certificate is not None:
        person = certificate.person
        if may_manage_events(request.user) or selectors.may_show_name(person):
            name = certificate.recipient_name
        else:
            name = " ".join(f"{part[:1]}." for part in (person.last_name, person.first_name, person.patronymic) if part)
    context = {"typed": typed, "certificate": certificate, "name": name}
    response = render(request, "events/verify.html", context, status=404 if typed and certificate is None else 200)
    response["X-Robots-Tag"] = "noindex"
    return response
