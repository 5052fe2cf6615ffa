"""The e-mails about bookings (made, approved, rejected, displaced by maintenance, cancelled when a consent
ended), composed in the background worker after the booking's transaction commits: the services enqueue
`notify_booking` with `core.transactions.email_after_commit`. Also how a moment is written in them and in
the refusals of bookings."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from technopark.labs.models import Booking


def local_moment(moment: dt.datetime) -> str:
    """A moment as Minsk writes it: «28.11.2026 15:00»."""
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


@task()
def notify_booking(booking_id: int, what: str, note: str = "", *, language: str) -> None:
    """Tell about a booking in ``language`` (`send_booking_email`)."""
    with translation.override(language):
        send_booking_email(booking_id, what, note)


def send_booking_email(booking_id: int, what: str, note: str = "") -> None:
    """Tell the holder (and, for a student's booking awaiting approval, the supervising teacher)."""
    booking = (
        Booking.objects.select_related("equipment__lab", "lab", "person", "supervisor", "booked_by")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        return
    when = f"{local_moment(booking.starts_at)}–{timezone.localtime(booking.ends_at):%H:%M}"
    subjects = {
        "created": gettext("Booking: %(equipment)s, %(when)s"),
        "approved": gettext("Booking approved: %(equipment)s, %(when)s"),
        "rejected": gettext("Booking not approved: %(equipment)s, %(when)s"),
        "displaced": gettext("Booking cancelled for maintenance: %(equipment)s, %(when)s"),
        "consent_withdrawn": gettext(
            "Booking cancelled, the consent to take part was withdrawn: %(equipment)s, %(when)s"
        ),
    }
    to = [booking.booked_by.email if booking.booked_by else "", booking.person.email if booking.person else ""]
    waiting = what == "created" and booking.status == Booking.Status.PENDING_APPROVAL
    if waiting and booking.supervisor and booking.supervisor.email:
        to.append(booking.supervisor.email)  # the teacher is asked to approve
    to = [address for address in to if address]
    if not to:
        return
    lines = [
        gettext("Equipment: %(equipment)s") % {"equipment": str(booking.equipment or booking.what)},
        gettext("Lab: %(lab)s") % {"lab": booking.place.name},
        gettext("When: %(when)s") % {"when": when},
        gettext("Status: %(status)s") % {"status": booking.get_status_display()},
    ]
    if note:
        lines.append(gettext("Reason: %(note)s") % {"note": note})
    lines += ["", settings.SITE_URL.rstrip("/") + "/labs/my/"]
    subject = subjects[what] % {"equipment": booking.what, "when": when}
    EmailMessage(subject, "\n".join(lines), to=sorted(set(to))).send()
