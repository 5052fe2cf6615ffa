"""The e-mails of events: about a registration (with the QR code for the entrance), a member who left a team,
the reminder of the day before, the news that results are published, and a child who no longer takes part
because a consent ended. Each is a task the services enqueue after their transaction commits
(`core.transactions.email_after_commit`): composing an e-mail (recipients, texts, a QR image) takes longer than
the registration itself, so the request answers at once and the worker writes the e-mail later, in the language
of whoever caused it. The QR code and its check-in address live here too, as the e-mails and the pages both
show them."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from technopark.events.models import Event, EventSession, Registration
from technopark.people.models import Person


@task()
def notify_registration(registration_id: int, promoted: bool = False, *, language: str) -> None:
    with translation.override(language):
        send_registration_email(registration_id, promoted=promoted)


@task()
def notify_member_left(registration_id: int, person_id: int, *, language: str) -> None:
    with translation.override(language):
        send_member_left_email(registration_id, person_id)


@task()
def notify_results(event_id: int, *, language: str) -> None:
    with translation.override(language):
        send_results_email(event_id)


@task()
def remind_registration(registration_id: int, session_id: int, *, language: str) -> None:
    with translation.override(language):
        send_reminder_email(registration_id, session_id)


@task()
def notify_consent_release(registration_id: int, person_id: int, left_team: bool, *, language: str) -> None:
    with translation.override(language):
        send_release_email(registration_id, person_id, left_team=left_team)


def _recipients(registration: Registration) -> list[str]:
    """Who hears about a registration: the person who made it, the participant and their guardians."""
    addresses = []
    if registration.registered_by_id and registration.registered_by:
        addresses.append(registration.registered_by.email)
    people = [registration.person] if registration.person else list(
        Person.objects.filter(team_memberships__registration=registration)
    )  # fmt: skip
    for person in people:
        if person is None:
            continue
        if person.email:
            addresses.append(person.email)
        for link in person.guardianships.select_related("guardian"):
            if link.guardian.email:
                addresses.append(link.guardian.email)
    return list(dict.fromkeys(a.lower() for a in addresses if a))


def send_registration_email(registration_id: int, *, promoted: bool = False) -> None:
    """Tell whoever registered, the participants and their guardians what became of a registration; a
    confirmation carries the QR code for the entrance. Runs in the worker, in the registrant's language."""
    reg = Registration.objects.select_related("event", "person", "registered_by").filter(pk=registration_id).first()
    if reg is None:
        return
    to = _recipients(reg)
    if not to:
        return
    if promoted:
        subject = gettext("A place is free: you are registered for “%(event)s”")
    elif reg.status == Registration.Status.CONFIRMED:
        subject = gettext("Registration confirmed: “%(event)s”")
    elif reg.status == Registration.Status.WAITLISTED:
        subject = gettext("On the waiting list: “%(event)s”")
    else:
        subject = gettext("Registration received, awaiting approval: “%(event)s”")
    url = settings.SITE_URL.rstrip("/") + reverse("events:event-detail", kwargs={"event_id": reg.event_id})
    lines = [
        gettext("Event: %(event)s") % {"event": reg.event.title},
        gettext("Who: %(who)s") % {"who": reg.label},
        gettext("Status: %(status)s") % {"status": reg.get_status_display()},
        "",
        url,
    ]
    link = online_link(reg)
    if link:
        lines[3:3] = [gettext("Online: %(url)s") % {"url": link}]
    message = EmailMessage(subject % {"event": reg.event.title}, "\n".join(lines), to=to)
    if reg.status == Registration.Status.CONFIRMED:
        message.body += "\n\n" + gettext("Show the attached QR code at the entrance.")
        message.attach("qr.png", check_in_qr(reg, kind="png"), "image/png")
    message.send()


def online_link(registration: Registration) -> str:
    """The event's online link for the e-mails about a confirmed registration of an online or mixed event
    (they go to whoever registered, the participants and their guardians: all of whom the link is for,
    `events.access.online_link_registrations`); empty otherwise."""
    event = registration.event
    if registration.status != Registration.Status.CONFIRMED or event.format == Event.Format.IN_PERSON:
        return ""
    return event.online_url


def send_member_left_email(registration_id: int, person_id: int) -> None:
    """Tell whoever registered a team and its supervising teachers that a member left it (`leave_team`)."""
    reg = (
        Registration.objects.select_related("event", "registered_by")
        .prefetch_related("supervisors__user", "members__person")
        .filter(pk=registration_id)
        .first()
    )
    person = Person.objects.filter(pk=person_id).first()
    if reg is None or person is None:
        return
    addresses = [reg.registered_by.email] if reg.registered_by else []
    for supervisor in reg.supervisors.all():
        addresses.append(supervisor.email or (supervisor.user.email if supervisor.user else ""))
    to = list(dict.fromkeys(a.lower() for a in addresses if a))
    if not to:
        return
    values = {"name": person.full_name, "team": reg.team_name, "event": reg.event.title}
    lines = [
        gettext("%(name)s has left the team “%(team)s” for “%(event)s”.") % values,
        "",
    ]
    if reg.status == Registration.Status.CANCELLED:
        lines.append(gettext("Nobody is left in the team, so its registration is cancelled."))
    else:
        members = ", ".join(member.person.short_name for member in reg.members.all())
        lines += [
            gettext("The team now: %(members)s") % {"members": members},
            gettext("Status: %(status)s") % {"status": reg.get_status_display()},
        ]
    lines += ["", settings.SITE_URL.rstrip("/") + reverse("events:my-registrations")]
    subject = gettext("A member left the team “%(team)s”: “%(event)s”") % values
    EmailMessage(subject, "\n".join(lines), to=to).send()


def check_in_url(registration: Registration) -> str:
    """The address the participant's QR code opens: the check-in page for staff."""
    path = reverse("events:check-in", kwargs={"code": registration.code})
    return settings.SITE_URL.rstrip("/") + path


def check_in_qr(registration: Registration, *, kind: str = "svg") -> bytes:
    """The QR code of `check_in_url`, as SVG (pages) or PNG (e-mail)."""
    buffer = io.BytesIO()
    segno.make(check_in_url(registration), error="m").save(buffer, kind=kind, scale=6 if kind == "png" else 4, border=2)
    return buffer.getvalue()


def send_results_email(event_id: int) -> None:
    """Tell everyone with a confirmed registration (and whoever registered them) that results are out."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return
    url = settings.SITE_URL.rstrip("/") + reverse("events:event-results", kwargs={"event_id": event.pk})
    addresses: list[str] = []
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).select_related(
        "person", "registered_by"
    )
    for registration in confirmed:
        addresses += _recipients(registration)
    subject = gettext("Results are published: “%(event)s”") % {"event": event.title}
    body = gettext("The results of “%(event)s” are published:") % {"event": event.title} + "\n" + url
    for address in dict.fromkeys(addresses):
        EmailMessage(subject, body, to=[address]).send()


def send_reminder_email(registration_id: int, session_id: int) -> None:
    """One reminder: what, when and where tomorrow, with the online link for confirmed participants."""
    reg = Registration.objects.select_related("event", "person", "registered_by").filter(pk=registration_id).first()
    session = EventSession.objects.filter(pk=session_id).first()
    if reg is None or session is None or reg.status != Registration.Status.CONFIRMED:
        return
    to = _recipients(reg)
    if not to:
        return
    event = reg.event
    starts = timezone.localtime(session.starts_at)
    url = settings.SITE_URL.rstrip("/") + reverse("events:event-detail", kwargs={"event_id": event.pk})
    lines = [
        gettext("Tomorrow: %(event)s") % {"event": event.title},
        gettext("When: %(date)s at %(time)s") % {"date": f"{starts:%d.%m.%Y}", "time": f"{starts:%H:%M}"},
        gettext("Who: %(who)s") % {"who": reg.label},
    ]
    if event.venue_label():
        lines.append(gettext("Where: %(place)s") % {"place": event.venue_label()})
    if event.online_url:
        lines.append(gettext("Online: %(url)s") % {"url": event.online_url})
    lines += ["", gettext("Show the attached QR code at the entrance."), url]
    message = EmailMessage(
        gettext("Reminder: “%(event)s” is tomorrow") % {"event": event.title}, "\n".join(lines), to=to
    )
    message.attach("qr.png", check_in_qr(reg, kind="png"), "image/png")
    message.send()


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
