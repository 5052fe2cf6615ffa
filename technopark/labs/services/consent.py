"""When a child may no longer take part (issue 12, item 10; docs/permissions.md, "Consent").

Equipment that needs an authorisation needs a guardian's consent to take part as well (`bookings.check_rules`).
When that consent of a child ends, the child's bookings of such equipment that have not started are
cancelled, their units freed at once, and whoever booked is told by e-mail; bookings already started or
over stay as the record of use. Accounts may not import labs, so `LabsConfig.ready` registers
`release_bookings_without_consent` with `accounts.services.register_consent_ended_handler`.
"""

from __future__ import annotations

from django.utils import timezone

from technopark.accounts.models import User
from technopark.core.locking import lock_rows
from technopark.core.transactions import email_after_commit
from technopark.labs.models import Booking
from technopark.labs.services.bookings import cancel_booking
from technopark.labs.services.mail import notify_booking
from technopark.people.models import ConsentPurpose, Person

# Why the booking was cancelled, in the audit record and the e-mail's subject.
WHY = "consent_withdrawn"


def release_bookings_without_consent(subject: Person, *, purpose: str, actor: User | None) -> list[Booking]:
    """Cancel ``subject``'s coming bookings of equipment that needs an authorisation, once their consent to take
    part has ended. Called by `accounts.services.withdraw_consent` inside its transaction. Returns them."""
    if purpose != ConsentPurpose.PARTICIPATION:
        return []
    coming = Booking.objects.filter(
        person=subject,
        status__in=Booking.HOLDING,
        starts_at__gt=timezone.now(),
        equipment__requires_authorisation=True,
    )
    # All of them at once, in the global order: `cancel_booking` then finds each one locked already.
    cancelled = []
    for booking in sorted(lock_rows(coming), key=lambda b: (b.starts_at, b.pk)):
        cancelled.append(cancel_booking(booking, actor=actor, any_time=True, reason=WHY))
        email_after_commit(notify_booking, booking.pk, WHY)
    return cancelled
