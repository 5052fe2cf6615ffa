"""Background work of events: the e-mails about registrations (with the QR code for the entrance).

Composing them (recipients, texts, a QR image) takes longer than the registration itself, so the
request only enqueues this task after its transaction commits and answers at once.
"""

from __future__ import annotations

from django.utils import translation
from django_tasks import task

from technopark.events.services.registrations import send_registration_email, send_results_email


@task()
def notify_registration(registration_id: int, promoted: bool, language: str) -> None:
    with translation.override(language):
        send_registration_email(registration_id, promoted=promoted)


@task()
def notify_results(event_id: int, language: str) -> None:
    with translation.override(language):
        send_results_email(event_id)
