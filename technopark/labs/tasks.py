"""Background work of the labs: the e-mails about bookings (made, approved, rejected, displaced by
maintenance), composed in the worker after the request's transaction commits."""

from __future__ import annotations

from django.utils import translation
from django_tasks import task

from technopark.labs.services.bookings import send_booking_email


@task()
def notify_booking(booking_id: int, what: str, note: str, language: str) -> None:
    with translation.override(language):
        send_booking_email(booking_id, what, note)
