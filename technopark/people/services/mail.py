"""The e-mail about a consent the services ended without its giver asking (a corrected date of birth, a revoked
guardianship), composed in the background worker after the transaction commits: `withdraw_consent` enqueues
`notify_consent_ended` with `core.transactions.email_after_commit`."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task

from technopark.people.models import Consent, Person
from technopark.people.selectors import guardians_of


@task()
def notify_consent_ended(consent_id: int, *, language: str) -> None:
    with translation.override(language):
        send_consent_ended_email(consent_id)


def _addresses(person: Person) -> list[str]:
    return [address for address in (person.email, person.user.email if person.user else "") if address]


def send_consent_ended_email(consent_id: int) -> None:
    """The e-mail about a consent the services ended (`withdraw_consent` with a reason other than a
    request), in the language active."""
    consent = Consent.objects.select_related("subject__user", "giver__user", "text").filter(pk=consent_id).first()
    if consent is None:
        return
    people = [consent.subject, consent.giver, *guardians_of(consent.subject)]
    to = sorted({address.lower() for person in people for address in _addresses(person)})
    if not to:
        return
    subject = gettext("A consent is no longer in force: %(name)s") % {"name": consent.subject.short_name}
    lines = [
        gettext("Whose data: %(name)s") % {"name": consent.subject.full_name},
        gettext("Purpose: %(purpose)s") % {"purpose": consent.get_purpose_display()},
        gettext("Given by: %(name)s") % {"name": consent.giver.full_name},
        gettext("Why: %(reason)s") % {"reason": consent.get_withdrawal_reason_display()},
        "",
        gettext(
            "If the data should still be processed for this purpose, the person who may consent now gives "
            "the consent again on the record's page."
        ),
    ]
    EmailMessage(subject, "\n".join(lines), to=to).send()
