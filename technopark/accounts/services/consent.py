"""Every write to consent texts and consents (DOMAIN.md rule 4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import Consent, ConsentPurpose, ConsentText, Guardianship, Person
from technopark.accounts.selectors import current_consent_text, giver_rule
from technopark.core.errors import ConflictError, DomainError
from technopark.core.i18n import translated_fields
from technopark.core.services import bump_content_revision, log_action

# Public pages that show names or photos only with a publication consent are cached under this revision too
# (`core.pagecache`, ``also=``): giving or withdrawing a consent takes effect on them at once.
CONSENTS_REVISION = "consents"

TEXT_FIELDS = (*translated_fields("title"), *translated_fields("body"))


class ConsentError(DomainError):
    code = "consent_error"


@transaction.atomic
def create_consent_text(*, actor: Any, purpose: str, **texts: str) -> ConsentText:
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
        created_by=actor if getattr(actor, "pk", None) else None,
        **{name: (texts.get(name) or "").strip() for name in TEXT_FIELDS},
    )
    text.full_clean()
    text.save()
    log_action(text, "accounts.consent_text.created", actor=actor, data={"purpose": purpose, "version": text.version})
    return text


@transaction.atomic
def update_consent_text(text: ConsentText, *, actor: Any, **texts: str) -> ConsentText:
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
def publish_consent_text(text: ConsentText, *, actor: Any) -> ConsentText:
    """Put a draft in force. From now on consents to earlier versions no longer count: people are asked again."""
    text = ConsentText.objects.select_for_update().get(pk=text.pk)
    if text.published_at is not None:
        raise ConflictError(_("This version is already in force."), code="text_published")
    text.published_at = timezone.now()
    text.save(update_fields=["published_at", "updated_at"])
    bump_content_revision(CONSENTS_REVISION)
    log_action(
        text, "accounts.consent_text.published", actor=actor, data={"purpose": text.purpose, "version": text.version}
    )
    return text


def expected_giver_rule(subject: Person, day: dt.date) -> str:
    """Who must consent for ``subject`` on ``day``: ``"guardian"`` under 16, ``"self"`` from the 16th birthday.

    Raises `ConsentError` when the date of birth is unknown (the rule cannot be applied).
    """
    rule = giver_rule(subject, day)
    if not rule:
        raise ConsentError(
            _("The date of birth is not known, so it is unclear who may consent. Add it to the record first."),
            code="birth_date_unknown",
        )
    return rule


@transaction.atomic
def give_consent(
    subject: Person,
    *,
    purpose: str,
    giver: Person,
    actor: Any,
    channel: str = Consent.Channel.ONLINE,
    scan: UploadedFile | None = None,
    at: dt.datetime | None = None,
) -> Consent:
    """Record that ``giver`` consents to processing ``subject``'s data for ``purpose`` under the text in
    force. Under 16 at that moment the giver must be one of the child's guardians; from the 16th birthday,
    the subject themself. Online, ``actor`` is the giver's own login; on paper, staff attach the signed scan.

    Raises `ConsentError` (no text in force, wrong giver, unknown date of birth, missing scan) or
    `ConflictError` (this consent is already on file).
    """
    when = at or timezone.now()
    if purpose not in ConsentPurpose.values:
        raise ConsentError(_("Unknown purpose."), code="unknown_purpose", field="purpose")
    text = current_consent_text(purpose)
    if text is None:
        raise ConsentError(
            _("The centre has not published a consent text for this purpose yet."), code="no_consent_text"
        )
    Person.objects.select_for_update().filter(pk=subject.pk).first()
    rule = expected_giver_rule(subject, timezone.localtime(when).date())
    if rule == "guardian":
        if not Guardianship.objects.filter(child=subject, guardian=giver).exists():
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
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if scan is not None:
        consent.scan = scan
    consent.full_clean()
    consent.save()
    bump_content_revision(CONSENTS_REVISION)
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


@transaction.atomic
def withdraw_consent(consent: Consent, *, actor: Any, at: dt.datetime | None = None) -> Consent:
    """Withdraw a consent (the giver with one click, or staff on a written request). From this moment
    `may_process` answers no for the purpose. Raises `ConflictError` when it is already withdrawn."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ConflictError(_("This consent is already withdrawn."), code="consent_withdrawn")
    consent.withdrawn_at = at or timezone.now()
    consent.withdrawn_by = actor if getattr(actor, "pk", None) else None
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    bump_content_revision(CONSENTS_REVISION)
    log_action(
        consent.subject,
        "accounts.consent.withdrawn",
        actor=actor,
        data={"consent": consent.pk, "purpose": consent.purpose, "giver": consent.giver_id},
    )
    return consent
