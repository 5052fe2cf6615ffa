"""Every write to consent texts and consents (DOMAIN.md rule 4)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core import cache
from technopark.core.errors import ConflictError, DomainError
from technopark.core.i18n import translated_fields
from technopark.core.locking import lock_row, lock_rows
from technopark.core.services import log_action
from technopark.core.transactions import email_after_commit
from technopark.people.models import Consent, ConsentPurpose, ConsentText, Guardianship, Person, WithdrawalReason
from technopark.people.selectors import GUARDIAN, SELF, current_consent_text, giver_rule, is_adult_by_grant, may_process
from technopark.people.services.mail import notify_consent_ended

# Public pages that show names or photos only with a publication consent are cached under this revision too
# (`core.pagecache`, ``also=``): giving or withdrawing a consent takes effect on them at once.
CONSENTS_REVISION = "consents"

TEXT_FIELDS = (*translated_fields("title"), *translated_fields("body"))


class ConsentError(DomainError):
    code = "consent_error"


@transaction.atomic
def create_consent_text(*, actor: User | AnonymousUser | None, purpose: str, **texts: str) -> ConsentText:
    """A new draft version of the text for ``purpose``; it asks nobody until it is published."""
    if purpose not in ConsentPurpose.values:
        raise ConsentError(_("Unknown purpose."), code="unknown_purpose", field="purpose")
    if ConsentText.objects.filter(purpose=purpose, published_at__isnull=True).exists():
        raise ConflictError(
            _("There is already a draft for this purpose; edit or publish it."), code="draft_exists", field="purpose"
        )
    latest = ConsentText.objects.filter(purpose=purpose).aggregate(latest=Max("version"))["latest"] or 0
    text = ConsentText(
        purpose=purpose,
        version=latest + 1,
        created_by=actor if isinstance(actor, User) else None,
        **{name: (texts.get(name) or "").strip() for name in TEXT_FIELDS},
    )
    text.full_clean()
    text.save()
    log_action(text, "accounts.consent_text.created", actor=actor, data={"purpose": purpose, "version": text.version})
    return text


@transaction.atomic
def update_consent_text(text: ConsentText, *, actor: User | AnonymousUser | None, **texts: str) -> ConsentText:
    """Edit a draft. A published version is what people agreed to and never changes."""
    if text.published_at is not None:
        raise ConflictError(
            _("A published text cannot be changed; write a new version instead."), code="text_published"
        )
    for name in TEXT_FIELDS:
        if name in texts:
            setattr(text, name, (texts[name] or "").strip())
    text.full_clean()
    text.save(update_fields=[*TEXT_FIELDS, "updated_at"])
    log_action(text, "accounts.consent_text.changed", actor=actor, data={"version": text.version})
    return text


@transaction.atomic
def publish_consent_text(text: ConsentText, *, actor: User | AnonymousUser | None) -> ConsentText:
    """Put a draft in force. From now on consents to earlier versions no longer count: people are asked again."""
    text = lock_row(ConsentText, text.pk)
    if text.published_at is not None:
        raise ConflictError(_("This version is already in force."), code="text_published")
    text.published_at = timezone.now()
    text.save(update_fields=["published_at", "updated_at"])
    cache.changed(CONSENTS_REVISION)
    log_action(
        text, "accounts.consent_text.published", actor=actor, data={"purpose": text.purpose, "version": text.version}
    )
    return text


@transaction.atomic
def give_consent(
    subject: Person,
    *,
    purpose: str,
    giver: Person,
    actor: User | AnonymousUser | None,
    channel: str = Consent.Channel.ONLINE,
    scan: UploadedFile | None = None,
    at: dt.datetime | None = None,
) -> Consent:
    """Record that ``giver`` consents to processing ``subject``'s data for ``purpose`` under the text in
    force. Who may is `selectors.giver_rule` on that day: one of the child's guardians under 16 by a
    confirmed date of birth, and without a confirmed date unless others made the subject an adult (a teacher,
    staff); the subject themself from the 16th birthday. Online, ``actor`` is the giver's own login; on
    paper, staff attach the signed scan.

    Raises `ConsentError` (no text in force, wrong giver, missing scan) or `ConflictError` (this consent is
    already on file).
    """
    when = at or timezone.now()
    if purpose not in ConsentPurpose.values:
        raise ConsentError(_("Unknown purpose."), code="unknown_purpose", field="purpose")
    text = current_consent_text(purpose)
    if text is None:
        raise ConsentError(
            _("The centre has not published a consent text for this purpose yet."), code="no_consent_text"
        )
    subject = lock_row(Person, subject.pk)
    rule = giver_rule(subject, timezone.localtime(when).date())
    if rule == GUARDIAN:
        if not Guardianship.objects.filter(child=subject, guardian=giver).exists():
            if giver.pk == subject.pk and not subject.birth_date_confirmed:
                raise ConsentError(
                    _(
                        "Your date of birth is not confirmed yet, so a guardian gives this consent. Ask your "
                        "teacher or guardian to confirm the date of birth on your record."
                    ),
                    code="guardian_required",
                    field="giver",
                )
            raise ConsentError(
                _("For a child under 16 the consent is given by a guardian (legal representative)."),
                code="guardian_required",
                field="giver",
            )
    elif giver.pk != subject.pk:
        raise ConsentError(
            _("From the age of 16 a person gives consent for themselves."), code="self_required", field="giver"
        )
    if channel == Consent.Channel.ONLINE:
        if giver.user_id is None or giver.user_id != getattr(actor, "pk", None):
            raise ConsentError(
                _("Online consent is given only by the person consenting, signed in with their own login."),
                code="online_by_giver_only",
            )
        if scan is not None:
            raise ConsentError(_("An online consent has no scan."), code="scan_not_expected", field="scan")
    elif channel == Consent.Channel.PAPER:
        if scan is None:
            raise ConsentError(_("Attach the scan of the signed consent."), code="scan_required", field="scan")
    else:
        raise ConsentError(_("Unknown channel."), code="unknown_channel", field="channel")
    if Consent.objects.filter(subject=subject, text=text, withdrawn_at__isnull=True).exists():
        raise ConflictError(_("This consent is already on file."), code="consent_exists")
    consent = Consent(
        subject=subject,
        giver=giver,
        purpose=purpose,
        text=text,
        given_at=when,
        channel=channel,
        recorded_by=actor if isinstance(actor, User) else None,
    )
    if scan is not None:
        consent.scan = scan
    consent.full_clean()
    consent.save()
    cache.changed(CONSENTS_REVISION)
    log_action(
        subject,
        "accounts.consent.given",
        actor=actor,
        data={
            "consent": consent.pk,
            "purpose": purpose,
            "version": text.version,
            "giver": giver.pk,
            "channel": channel,
        },
    )
    return consent


# --- When a consent ends -------------------------------------------------------------------------------


class ConsentEndedHandler(Protocol):
    def __call__(self, subject: Person, *, purpose: str, actor: User | None) -> object: ...


# Apps above accounts act when a child may no longer take part (events cancel the child's coming
# registrations, labs their bookings). Accounts may not import them (ARCHITECTURE.md dependency direction),
# so they register a handler here in their `AppConfig.ready` (the provider pattern of decision 0006).
CONSENT_ENDED_HANDLERS: list[ConsentEndedHandler] = []


def register_consent_ended_handler(handler: ConsentEndedHandler) -> None:
    if handler not in CONSENT_ENDED_HANDLERS:
        CONSENT_ENDED_HANDLERS.append(handler)


@transaction.atomic
def withdraw_consent(
    consent: Consent,
    *,
    actor: User | AnonymousUser | None,
    at: dt.datetime | None = None,
    reason: str = WithdrawalReason.REQUEST,
) -> Consent:
    """End a consent: withdrawn by its giver (one click), by the subject from their 16th birthday, or by staff
    on a written request (``reason`` "request"); ended by the services when the date of birth is corrected or
    the giver's guardianship revoked (the other reasons, and then the giver, the subject and the guardians are
    told by e-mail). From this moment `may_process` answers no for the purpose; when the subject needs a
    guardian's consent, the handlers registered by other apps run in the same transaction (item 10 of issue
    12: a child's coming registrations and bookings are cancelled).

    Raises `ConflictError` when it is already withdrawn.
    """
    if reason not in WithdrawalReason.values:
        raise ConsentError(_("Unknown reason."), code="unknown_reason")
    consent = lock_row(Consent.objects.select_related("subject"), consent.pk)
    if consent.withdrawn_at is not None:
        raise ConflictError(_("This consent is already withdrawn."), code="consent_withdrawn")
    consent.withdrawn_at = at or timezone.now()
    consent.withdrawn_by = actor if isinstance(actor, User) else None
    consent.withdrawal_reason = reason
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    cache.changed(CONSENTS_REVISION)
    log_action(
        consent.subject,
        "accounts.consent.withdrawn",
        actor=actor,
        data={"consent": consent.pk, "purpose": consent.purpose, "giver": consent.giver_id, "reason": reason},
    )
    if reason != WithdrawalReason.REQUEST:
        # The giver, the subject and the subject's guardians are told after the commit, and why.
        email_after_commit(notify_consent_ended, consent.pk)
    subject = consent.subject
    if giver_rule(subject) == GUARDIAN and not may_process(subject, consent.purpose):
        for handler in CONSENT_ENDED_HANDLERS:
            handler(subject, purpose=consent.purpose, actor=actor if isinstance(actor, User) else None)
    return consent


def _rightful_giver(consent: Consent, rule: str, guardians: set[int]) -> bool:
    if rule == SELF:
        return consent.giver_id == consent.subject_id
    return consent.giver_id in guardians


@transaction.atomic
def end_consents_of_wrong_givers(person: Person, *, actor: User | AnonymousUser | None) -> list[Consent]:
    """After the date of birth of ``person`` is corrected or confirmed: end (reason "age corrected") every
    active consent whose giver is not the one `selectors.giver_rule` names for the day it was given, e.g. a
    15-year-old's own consent given while the record said 2000. Returns the consents ended."""
    guardians = set(Guardianship.objects.filter(child=person).values_list("guardian_id", flat=True))
    person = Person.objects.get(pk=person.pk)
    adult = is_adult_by_grant(person)
    ended = []
    # Every active consent at once, before what ends with each (`core.locking.LOCK_ORDER`).
    active = lock_rows(Consent.objects.filter(subject=person, withdrawn_at__isnull=True))
    for consent in sorted(active, key=lambda c: (c.given_at, c.pk)):
        rule = giver_rule(person, timezone.localtime(consent.given_at).date(), adult=adult)
        if not _rightful_giver(consent, rule, guardians):
            ended.append(withdraw_consent(consent, actor=actor, reason=WithdrawalReason.AGE_CORRECTED))
    return ended


@transaction.atomic
def end_consents_of_guardian(child: Person, guardian: Person, *, actor: User | AnonymousUser | None) -> list[Consent]:
    """When a guardianship is revoked: end (reason "guardianship revoked") every active consent the former
    guardian gave for ``child`` — a wrong guardian's consent must not outlive the link. Returns them."""
    consents = lock_rows(Consent.objects.filter(subject=child, giver=guardian, withdrawn_at__isnull=True))
    return [
        withdraw_consent(consent, actor=actor, reason=WithdrawalReason.GUARDIANSHIP_REVOKED) for consent in consents
    ]
