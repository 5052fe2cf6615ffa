"""Certificates of an event (DOMAIN.md: certificates): who gets which document, issuing them as PDFs,
revoking them, and the ZIP of one institution's documents.

Who gets what, once the event is held:

- a confirmed registration with a result: each participant (the person, or every team member) gets a
  winner's diploma for the I, II, III degree or laureate, a participation certificate for "participant";
- a confirmed registration without a result that was checked in at least once: a participation certificate,
  or, for a teachers' course, a certificate of completion with the academic hours of the sessions attended;
- every supervising teacher of a registration that earned a document: one letter of gratitude per event.

Issuing is idempotent: a document that is still right is kept, a changed one (another award, other hours,
a corrected name) is revoked and issued anew with a new code, one no longer due is revoked. Each document is
written in its own short transaction, so that a long run for a big event does not hold the database (on
SQLite a long write would stop registrations); a run that stops half-way is finished by running it again.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from technopark.core.errors import DomainError
from technopark.core.services import log_action
from technopark.events import pdf
from technopark.events.models import Attendance, Certificate, Event, Registration, Result
from technopark.network.models import Institution
from technopark.people.models import Person

# Events past these statuses may have documents.
HELD_STATUSES = (Event.Status.HELD, Event.Status.RESULTS_PUBLISHED, Event.Status.ARCHIVED)
WINNER_AWARDS = (Result.Award.FIRST, Result.Award.SECOND, Result.Award.THIRD, Result.Award.LAUREATE)
# Crockford's base32 without I, L, O, U: nothing to confuse when a code is typed from paper.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class CertificateError(DomainError):
    code = "certificate_refused"


def new_code() -> str:
    """``TP-XXXXX-XXXXX``: 50 random bits, not guessable, short enough to type."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"TP-{body[:5]}-{body[5:]}"


@dataclass(frozen=True)
class Due:
    """One document the event owes someone."""

    kind: str
    person: Person
    registration: Registration
    institution: Institution | None
    award: str = ""
    place: int | None = None
    nomination_title: str = ""
    hours: Decimal | None = None

    def same_as(self, certificate: Certificate, language: str) -> bool:
        return (
            certificate.award == self.award
            and certificate.place == self.place
            and certificate.nomination_title == self.nomination_title
            and certificate.hours == self.hours
            and certificate.recipient_name == self.person.full_name
            and certificate.language == language
        )


def _institution(registration: Registration, person: Person) -> Institution | None:
    if registration.institution_id:
        return registration.institution
    links = list(person.affiliations.all())
    return links[0].institution if links else None


def documents_due(event: Event) -> list[Due]:
    """Every document ``event`` owes, by the rules in the module's docstring (a handful of queries)."""
    registrations = list(
        event.registrations.filter(status=Registration.Status.CONFIRMED)
        .select_related("person", "institution", "nomination", "result")
        .prefetch_related(
            "members__person__affiliations__institution",
            "person__affiliations__institution",
            "supervisors__affiliations__institution",
        )
        .order_by("created_at", "id")
    )
    hours = dict(
        Attendance.objects.filter(registration__event=event)
        .values_list("registration_id")
        .annotate(total=Sum("session__hours"))
    )
    attended = set(Attendance.objects.filter(registration__event=event).values_list("registration_id", flat=True))
    is_course = event.kind == Event.Kind.COURSE
    due: list[Due] = []
    thanked: set[int] = set()
    for registration in registrations:
        result = getattr(registration, "result", None)
        people = (
            [registration.person]
            if registration.person is not None
            else [member.person for member in registration.members.all()]
        )
        nomination = registration.nomination.title if registration.nomination else ""
        if result is not None:
            kind = Certificate.Kind.DIPLOMA if result.award in WINNER_AWARDS else Certificate.Kind.PARTICIPATION
            extra: dict[str, Any] = {"award": result.award, "place": result.place, "nomination_title": nomination}
        elif registration.pk in attended:
            if is_course and registration.person is not None:
                total = hours.get(registration.pk)
                kind, extra = Certificate.Kind.COMPLETION, {"hours": total or None}
            else:
                kind, extra = Certificate.Kind.PARTICIPATION, {"nomination_title": nomination}
        else:
            continue
        for person in people:
            due.append(Due(kind, person, registration, _institution(registration, person), **extra))
        for teacher in registration.supervisors.all():
            if teacher.pk not in thanked:
                thanked.add(teacher.pk)
                due.append(Due(Certificate.Kind.GRATITUDE, teacher, registration, _institution(registration, teacher)))
    return due


def document_context(certificate: Certificate) -> dict[str, Any]:
    """What the PDF template shows, in the active language."""
    event = certificate.event
    heading, degree, lead, reason = {
        Certificate.Kind.DIPLOMA: (gettext("Diploma"), "", gettext("is awarded to"), gettext("for the victory in")),
        Certificate.Kind.PARTICIPATION: (
            gettext("Certificate"), gettext("of a participant"), gettext("is given to"),
            gettext("for taking part in"),
        ),
        Certificate.Kind.GRATITUDE: (
            gettext("Letter of gratitude"), "", gettext("is given to"),
            gettext("for preparing the participants of"),
        ),
        Certificate.Kind.COMPLETION: (
            gettext("Certificate"), gettext("of course completion"), gettext("is given to"),
            gettext("for completing the course"),
        ),
    }[Certificate.Kind(certificate.kind)]  # fmt: skip
    if certificate.kind == Certificate.Kind.DIPLOMA:
        degree = {
            Result.Award.FIRST: gettext("of the I degree"),
            Result.Award.SECOND: gettext("of the II degree"),
            Result.Award.THIRD: gettext("of the III degree"),
            Result.Award.LAUREATE: gettext("of a laureate"),
        }.get(Result.Award(certificate.award), "")
        if certificate.place:
            degree += " · " + gettext("place %(place)s") % {"place": certificate.place}
    first = timezone.localtime(event.starts_at).date() if event.starts_at else None
    last = timezone.localtime(event.ends_at).date() if event.ends_at else None
    dates = ""
    if first:
        dates = formats.date_format(first, "DATE_FORMAT")
        if last and last != first:
            dates = f"{formats.date_format(first, 'DATE_FORMAT')} – {formats.date_format(last, 'DATE_FORMAT')}"
    hours = certificate.hours
    return {
        "code": certificate.code,
        "heading": heading,
        "degree": degree,
        "lead": lead,
        "reason": reason,
        "recipient_name": certificate.recipient_name,
        "about": str(certificate.institution or ""),
        "event_title": event.title,
        "nomination_title": certificate.nomination_title,
        "hours": formats.number_format(hours.normalize()) if hours else "",
        "hours_int": int(hours) if hours else 0,
        "dates": dates,
        "issued_on": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
        "verify_url": pdf.verify_url(certificate.code),
    }


def _revoke(certificate: Certificate, reason: str, *, actor: Any) -> None:
    certificate.revoked_at = timezone.now()
    certificate.revoke_reason = reason[:300]
    certificate.save(update_fields=["revoked_at", "revoke_reason", "updated_at"])
    log_action(certificate, "events.certificate.revoked", actor=actor, data={"code": certificate.code, "why": reason})


@transaction.atomic
def _issue(due: Due, event: Event, *, language: str, actor: Any, replaces: Certificate | None) -> Certificate:
    if replaces is not None:
        _revoke(replaces, gettext("Reissued with changes"), actor=actor)
    certificate = Certificate(
        code=new_code(), kind=due.kind, event=event, registration=due.registration, person=due.person,
        recipient_name=due.person.full_name, institution=due.institution, award=due.award, place=due.place,
        nomination_title=due.nomination_title, hours=due.hours, language=language,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    with translation.override(language):
        content = pdf.render_certificate(document_context(certificate), language=language)
    certificate.file.save("certificate.pdf", ContentFile(content), save=False)
    certificate.save()
    log_action(certificate, "events.certificate.issued", actor=actor, data={"code": certificate.code})
    return certificate


def issue_certificates(
    event: Event, *, actor: Any, language: str = "ru", progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Issue every document ``event`` owes and revoke those no longer due; returns the counts.

    Not one transaction on purpose (module docstring): each document commits on its own.
    """
    if event.status not in HELD_STATUSES:
        raise CertificateError(_("Documents are issued after the event is held."))
    if not pdf.available():
        raise CertificateError(_("This server cannot make PDF files: the Pango library is not installed."))
    due = documents_due(event)
    valid = {(c.person_id, c.kind): c for c in event.certificates.filter(revoked_at__isnull=True)}
    counts = {"issued": 0, "reissued": 0, "unchanged": 0, "revoked": 0}
    total = len(due)
    if progress:
        progress(0, total)
    for done, item in enumerate(due, start=1):
        current = valid.pop((item.person.pk, item.kind), None)
        if current is not None and item.same_as(current, language):
            counts["unchanged"] += 1
        else:
            _issue(item, event, language=language, actor=actor, replaces=current)
            counts["reissued" if current else "issued"] += 1
        if progress and (done % 5 == 0 or done == total):
            progress(done, total)
    with transaction.atomic():
        for certificate in valid.values():
            _revoke(certificate, gettext("No longer due: the registration or its result changed"), actor=actor)
            counts["revoked"] += 1
        log_action(event, "events.certificates.issued", actor=actor, data=counts)
    return counts


@transaction.atomic
def revoke_certificate(certificate: Certificate, *, reason: str, actor: Any) -> Certificate:
    """Staff withdraw one document (issued by mistake); `/verify/` then says it is not valid."""
    if not certificate.is_valid:
        raise CertificateError(_("This document is already revoked."))
    if not reason.strip():
        raise CertificateError(_("Say why the document is revoked."))
    _revoke(certificate, reason.strip(), actor=actor)
    return certificate


def file_name(certificate: Certificate) -> str:
    """``diploma-ivanov-ivan-TP-XXXXX-XXXXX.pdf``: readable in a folder, unique by the code."""
    name = slugify(certificate.recipient_name, allow_unicode=True) or "person"
    return f"{certificate.kind}-{name}-{certificate.code}.pdf"


def zip_bytes(certificates: Iterable[Certificate]) -> bytes:
    """The PDFs in one ZIP (stored, not compressed: PDFs are compressed already)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            with certificate.file.open("rb") as handle:
                archive.writestr(file_name(certificate), handle.read())
    return buffer.getvalue()
