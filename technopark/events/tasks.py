"""Background jobs of events that the staff pages start: issuing an event's documents, which takes minutes;
the page follows its progress (`core.BackgroundJob`). The e-mails the services enqueue after a commit are
tasks of `services.mail` (decision 0009: services never import this module, which runs services)."""

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
                site_url=job.data.get("site_url"),
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
