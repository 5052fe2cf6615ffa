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

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from technopark.accounts.models import ConsentPurpose, Person
from technopark.core.services import log_action
from technopark.events.models import Event, Registration, TeamMember
from technopark.events.services.registrations import lock_event, promote_waitlist

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


def release_without_consent(subject: Person, *, purpose: str, actor: Any) -> list[Registration]:
    """Cancel ``subject``'s registrations for events that have not started, or take them out of their teams,
    when their consent to take part has ended. Called by `accounts.services.withdraw_consent` inside its
    transaction (only for someone a guardian consents for, once no consent to take part is left). Returns
    the registrations changed."""
    if purpose != ConsentPurpose.PARTICIPATION:
        return []
    changed = []
    own = Registration.objects.filter(_coming(), person=subject).order_by("event_id", "id")
    for registration_id in list(own.values_list("pk", flat=True)):
        if (registration := _release(registration_id, subject, actor=actor)) is not None:
            changed.append(registration)
    teams = TeamMember.objects.filter(_coming("registration__"), person=subject).order_by("registration_id")
    for registration_id in list(teams.values_list("registration_id", flat=True)):
        if (registration := _release(registration_id, subject, actor=actor)) is not None:
            changed.append(registration)
    return changed


def _release(registration_id: int, subject: Person, *, actor: Any) -> Registration | None:
    event = lock_event(Registration.objects.select_related("event").get(pk=registration_id).event)
    registration = Registration.objects.select_for_update().get(pk=registration_id)
    if registration.status not in Registration.ACTIVE:
        return None
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
    _notify_on_commit(registration, subject, left_team=left_team)
    return registration


def _notify_on_commit(registration: Registration, subject: Person, *, left_team: bool) -> None:
    from technopark.events.tasks import notify_consent_release  # the task module imports this one

    language = translation.get_language() or settings.LANGUAGE_CODE
    registration_id, person_id = registration.pk, subject.pk
    transaction.on_commit(lambda: notify_consent_release.enqueue(registration_id, person_id, left_team, language))


def send_release_email(registration_id: int, person_id: int, *, left_team: bool) -> None:
    """Tell whoever registered, the child (if they have an address), the child's guardians and the event's
    organiser that the child no longer takes part. Runs in the worker, in the language of whoever caused it."""
    registration = (
        Registration.objects.select_related("event__created_by", "registered_by").filter(pk=registration_id).first()
    )
    person = Person.objects.select_related("user").filter(pk=person_id).first()
    if registration is None or person is None:
        return
    event = registration.event
    addresses = [
        registration.registered_by.email if registration.registered_by else "",
        event.created_by.email if event.created_by else "",
        person.email,
        person.user.email if person.user else "",
    ]
    for link in person.guardianships.select_related("guardian__user"):
        addresses += [link.guardian.email, link.guardian.user.email if link.guardian.user else ""]
    to = sorted({address.lower() for address in addresses if address})
    if not to:
        return
    if left_team:
        subject = gettext("%(name)s no longer takes part in “%(event)s” with the team “%(team)s”")
    else:
        subject = gettext("Registration cancelled: %(name)s, “%(event)s”")
    values = {"name": person.short_name, "event": event.title, "team": registration.team_name}
    url = settings.SITE_URL.rstrip("/") + reverse("events:event-detail", kwargs={"event_id": event.pk})
    lines = [
        gettext("Event: %(event)s") % values,
        gettext("Who: %(name)s") % values,
        gettext(
            "The consent for %(name)s to take part in the centre's activities is no longer in force, so the "
            "registration for events that have not started is cancelled."
        )
        % values,
    ]
    if left_team:
        lines.append(gettext("The team stays registered without %(name)s.") % values)
    lines += [
        gettext("A guardian can give the consent again on the child's page; then register again if places are left."),
        "",
        url,
    ]
    EmailMessage(subject % values, "\n".join(lines), to=to).send()
