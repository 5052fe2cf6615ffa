"""When a child may no longer take part (issue 12, item 10; docs/permissions.md, "Consent").

The participation consent of someone a guardian consents for (`accounts.selectors.giver_rule`) ends —
withdrawn, or ended by a corrected date of birth or a revoked guardianship. From then on the child's data may
not be processed to take part, so what is still to come is undone at once rather than flagged: an individual
registration for an event that has not started is cancelled, and a team's registration loses the child as a
member; each frees its places for the waiting list, as any cancellation does. A class's registration is a
head count, not personal, and stays. Registrations of events that have started or are over stay as the
record of who took part. Whoever registered, the child's guardians and the event's organiser are told.

Accounts may not import events, so `EventsConfig.ready` registers `release_without_consent` with
`accounts.services.register_consent_ended_handler`; `withdraw_consent` calls it in its own transaction.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from technopark.accounts.models import User
from technopark.core.locking import lock_rows
from technopark.core.services import log_action
from technopark.core.transactions import email_after_commit
from technopark.events.models import Event, Registration, TeamMember
from technopark.events.services.mail import notify_consent_release
from technopark.events.services.registrations import promote_waitlist
from technopark.people.models import ConsentPurpose, Person

# Why the registration changed, in the audit record.
WHY = "consent_withdrawn"


def _coming(prefix: str = "") -> Q:
    """Registrations of events that have not started yet (and are not over)."""
    now = timezone.now()
    return (
        Q(**{f"{prefix}status__in": Registration.ACTIVE})
        & Q(**{f"{prefix}event__status__in": Event.UPCOMING})
        & (Q(**{f"{prefix}event__starts_at__isnull": True}) | Q(**{f"{prefix}event__starts_at__gt": now}))
    )


def release_without_consent(subject: Person, *, purpose: str, actor: User | None) -> list[Registration]:
    """Cancel ``subject``'s registrations for events that have not started, or take them out of their teams,
    when their consent to take part has ended. Called by `accounts.services.withdraw_consent` inside its
    transaction (only for someone a guardian consents for, once no consent to take part is left). Returns
    the registrations changed."""
    if purpose != ConsentPurpose.PARTICIPATION:
        return []
    own = Registration.objects.filter(_coming(), person=subject).order_by("event_id", "id")
    teams = TeamMember.objects.filter(_coming("registration__"), person=subject).order_by("registration_id")
    ids = list(dict.fromkeys([*own.values_list("pk", flat=True), *teams.values_list("registration_id", flat=True)]))
    if not ids:
        return []
    # Every event first, then every registration, each in the global order (`core.locking.LOCK_ORDER`): two
    # children's consents ending at once, both in the same two events, queue instead of deadlocking.
    events = {
        event.pk: event
        for event in lock_rows(Event.objects.filter(pk__in=Registration.objects.filter(pk__in=ids).values("event_id")))
    }
    registrations = {
        registration.pk: registration for registration in lock_rows(Registration.objects.filter(pk__in=ids))
    }
    changed = []
    for registration_id in ids:
        registration = registrations[registration_id]
        if _release(registration, events[registration.event_id], subject, actor=actor):
            changed.append(registration)
    return changed


def _release(registration: Registration, event: Event, subject: Person, *, actor: User | None) -> bool:
    """Cancel ``registration`` or take ``subject`` out of its team; both rows are locked. False if it ended
    meanwhile."""
    if registration.status not in Registration.ACTIVE:
        return False
    held = registration.status == Registration.Status.CONFIRMED
    members = list(registration.members.values_list("person_id", flat=True))
    if registration.form == Registration.Form.TEAM and set(members) - {subject.pk}:
        registration.members.filter(person=subject).delete()
        registration.places = max(1, registration.places - 1)
        registration.save(update_fields=["places", "updated_at"])
        log_action(
            event,
            "events.registration.member_removed",
            actor=actor,
            data={"registration": registration.pk, "person": subject.pk, "why": WHY},
        )
        left_team = True
    else:
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        log_action(
            event,
            "events.registration.cancelled",
            actor=actor,
            data={"registration": registration.pk, "person": subject.pk, "why": WHY},
        )
        left_team = False
    if held:
        promote_waitlist(event, actor=actor)
    email_after_commit(notify_consent_release, registration.pk, subject.pk, left_team)
    return True
