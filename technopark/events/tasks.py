"""Background work of events: the e-mails about registrations (with the QR code for the entrance), the
reminders of the day before, and issuing an event's documents.

Composing an e-mail (recipients, texts, a QR image) takes longer than the registration itself, so the
request only enqueues this task after its transaction commits and answers at once. Issuing documents for
a whole event takes minutes; the staff page follows its progress (`core.BackgroundJob`).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from technopark.core.errors import DomainError
from technopark.core.models import BackgroundJob
from technopark.core.services import report_progress, set_job_state
from technopark.events.access import CERTIFICATES_JOB
from technopark.events.models import Event
from technopark.events.services.certificates import issue_certificates
from technopark.events.services.consent import send_release_email
from technopark.events.services.mail import (
    send_member_left_email,
    send_registration_email,
    send_reminder_email,
    send_results_email,
)


@task()
def notify_registration(registration_id: int, promoted: bool, language: str) -> None:
    with translation.override(language):
        send_registration_email(registration_id, promoted=promoted)


@task()
def notify_member_left(registration_id: int, person_id: int, language: str) -> None:
    with translation.override(language):
        send_member_left_email(registration_id, person_id)


@task()
def notify_results(event_id: int, language: str) -> None:
    with translation.override(language):
        send_results_email(event_id)


@task()
def remind_registration(registration_id: int, session_id: int, language: str) -> None:
    with translation.override(language):
        send_reminder_email(registration_id, session_id)


@task()
def issue_event_certificates(job_id: int) -> None:
    """Issue the documents of the job's event, reporting progress to the job; the result is the counts."""
    job = BackgroundJob.objects.select_related("created_by").get(pk=job_id, kind=CERTIFICATES_JOB)
    language = job.data.get("language", "ru")
    with translation.override(language):
        event = Event.objects.get(pk=job.data["event_id"])
        try:
            counts = issue_certificates(
                event,
                actor=job.created_by,
                language=language,
                progress=lambda done, total: report_progress(job, done=done, total=total),
            )
        except DomainError as error:
            set_job_state(job, BackgroundJob.Status.FAILED, data={**job.data, "error": str(error.message)})
        except Exception:
            # The page must not wait forever; what was issued stays, and a new run finishes the rest.
            message = _("The work stopped on an error. The documents made so far are kept; start it again.")
            set_job_state(job, BackgroundJob.Status.FAILED, data={**job.data, "error": str(message)})
            raise
        else:
            set_job_state(job, BackgroundJob.Status.DONE, data={**job.data, "counts": counts})


@task()
def notify_consent_release(registration_id: int, person_id: int, left_team: bool, language: str) -> None:
    with translation.override(language):
        send_release_email(registration_id, person_id, left_team=left_team)
