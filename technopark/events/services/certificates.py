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

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Sum
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core.errors import DomainError
from technopark.core.services import log_action
from technopark.core.text import quoted
from technopark.events import pdf
from technopark.events.models import Attendance, Certificate, Event, Registration, Result
from technopark.network.models import Institution
from technopark.people.models import Person

# Events past these statuses may have documents.
HELD_STATUSES = (Event.Status.HELD, Event.Status.RESULTS_PUBLISHED, Event.Status.ARCHIVED)
WINNER_AWARDS = (Result.Award.FIRST, Result.Award.SECOND, Result.Award.THIRD, Result.Award.LAUREATE)
# Crockford's base32 without I, L, O, U: nothing to confuse when a code is typed from paper.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


# A document names the event by its kind and then its title in quotes ("for the victory in the contest «…»"),
# so the title is never declined: the kind's noun is, in the case the sentence needs.
IN_KIND = {
    Event.Kind.CONTEST: pgettext_lazy("for the victory in / for taking part in the …", "the contest"),
    Event.Kind.COMPETITION: pgettext_lazy("for the victory in / for taking part in the …", "the competition"),
    Event.Kind.FESTIVAL: pgettext_lazy("for the victory in / for taking part in the …", "the festival"),
    Event.Kind.EXHIBITION: pgettext_lazy("for the victory in / for taking part in the …", "the exhibition"),
    Event.Kind.CAMP: pgettext_lazy("for the victory in / for taking part in the …", "the profile camp"),
    Event.Kind.EXCURSION: pgettext_lazy("for the victory in / for taking part in the …", "the excursion"),
    Event.Kind.TECH_WEEKEND: pgettext_lazy("for the victory in / for taking part in the …", "the technical weekend"),
    Event.Kind.INTERACTIVE: pgettext_lazy("for the victory in / for taking part in the …", "the interactive platform"),
    Event.Kind.MASTER_CLASS: pgettext_lazy("for the victory in / for taking part in the …", "the master class"),
    Event.Kind.COURSE: pgettext_lazy("for the victory in / for taking part in the …", "the training course"),
    Event.Kind.METHODICAL_MEETING: pgettext_lazy(
        "for the victory in / for taking part in the …", "the instructive-methodical meeting"
    ),
    Event.Kind.SEMINAR: pgettext_lazy("for the victory in / for taking part in the …", "the seminar"),
    Event.Kind.CONFERENCE: pgettext_lazy("for the victory in / for taking part in the …", "the conference"),
    Event.Kind.CONSULTATION: pgettext_lazy("for the victory in / for taking part in the …", "the consultation"),
}
OF_KIND = {
    Event.Kind.CONTEST: pgettext_lazy("for preparing the participants of the …", "the contest"),
    Event.Kind.COMPETITION: pgettext_lazy("for preparing the participants of the …", "the competition"),
    Event.Kind.FESTIVAL: pgettext_lazy("for preparing the participants of the …", "the festival"),
    Event.Kind.EXHIBITION: pgettext_lazy("for preparing the participants of the …", "the exhibition"),
    Event.Kind.CAMP: pgettext_lazy("for preparing the participants of the …", "the profile camp"),
    Event.Kind.EXCURSION: pgettext_lazy("for preparing the participants of the …", "the excursion"),
    Event.Kind.TECH_WEEKEND: pgettext_lazy("for preparing the participants of the …", "the technical weekend"),
    Event.Kind.INTERACTIVE: pgettext_lazy("for preparing the participants of the …", "the interactive platform"),
    Event.Kind.MASTER_CLASS: pgettext_lazy("for preparing the participants of the …", "the master class"),
    Event.Kind.COURSE: pgettext_lazy("for preparing the participants of the …", "the training course"),
    Event.Kind.METHODICAL_MEETING: pgettext_lazy(
        "for preparing the participants of the …", "the instructive-methodical meeting"
    ),
    Event.Kind.SEMINAR: pgettext_lazy("for preparing the participants of the …", "the seminar"),
    Event.Kind.CONFERENCE: pgettext_lazy("for preparing the participants of the …", "the conference"),
    Event.Kind.CONSULTATION: pgettext_lazy("for preparing the participants of the …", "the consultation"),
}


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

    def same_as(self, certificate: Certificate, language: str, signatory: tuple[str, str]) -> bool:
        return (
            certificate.award == self.award
            and certificate.place == self.place
            and certificate.nomination_title == self.nomination_title
            and certificate.hours == self.hours
            and certificate.recipient_name == self.person.full_name
            and certificate.language == language
            and (certificate.signatory_position, certificate.signatory_name) == signatory
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


def default_signatory(language: str) -> tuple[str, str]:
    """Who signs documents unless the staff name someone for the event: the centre's file (position, name)."""
    signatory = settings.CENTRE.get("certificate_signatory") or {}
    position = signatory.get("position") or {}
    return (position.get(language) or position.get("ru") or "", signatory.get("name") or "")


def signatory_of(event: Event, language: str) -> tuple[str, str]:
    """(position, name) that the event's documents print under the signature line."""
    if event.signatory_position or event.signatory_name:
        return (event.signatory_position, event.signatory_name)
    return default_signatory(language)


def _place(place: int) -> str:
    # English needs an ordinal; the first three are spelled out in every language, the rest by number.
    words = {1: gettext("1st place"), 2: gettext("2nd place"), 3: gettext("3rd place")}
    return words.get(place) or gettext("Place %(place)s") % {"place": place}


def document_context(certificate: Certificate, *, site_url: str | None = None) -> dict[str, Any]:
    """What the PDF template shows, in the active language."""
    event = certificate.event
    language = translation.get_language() or "ru"
    kind = Event.Kind(event.kind)
    # gettext() stays outside f-strings: makemessages does not read calls inside them.
    victory, taking_part, preparing = (
        gettext("for the victory in"),
        gettext("for taking part in"),
        gettext("for preparing the participants of"),
    )
    heading, degree, lead, reason = {
        Certificate.Kind.DIPLOMA: (gettext("Diploma"), "", gettext("is awarded to"), f"{victory} {IN_KIND[kind]}"),
        Certificate.Kind.PARTICIPATION: (
            gettext("Certificate"), gettext("of a participant"), gettext("is given to"),
            f"{taking_part} {IN_KIND[kind]}",
        ),
        Certificate.Kind.GRATITUDE: (
            gettext("Letter of gratitude"), "", gettext("is given to"), f"{preparing} {OF_KIND[kind]}"
        ),
        Certificate.Kind.COMPLETION: (
            gettext("Certificate"), gettext("of course completion"), gettext("is given to"),
            gettext("for completing the course"),
        ),
    }[Certificate.Kind(certificate.kind)]  # fmt: skip
    if certificate.kind == Certificate.Kind.DIPLOMA:
        degree = {
            Result.Award.FIRST: pgettext("diploma of the …", "First degree"),
            Result.Award.SECOND: pgettext("diploma of the …", "Second degree"),
            Result.Award.THIRD: pgettext("diploma of the …", "Third degree"),
            Result.Award.LAUREATE: pgettext("diploma of the …", "Laureate"),
        }.get(Result.Award(certificate.award), "")
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
        "place": _place(certificate.place)
        if certificate.kind == Certificate.Kind.DIPLOMA and certificate.place
        else "",
        "lead": lead,
        "reason": reason,
        "recipient_name": certificate.recipient_name,
        "about": str(certificate.institution or ""),
        "event_title": quoted(event.title, language),
        "nomination_title": quoted(certificate.nomination_title, language) if certificate.nomination_title else "",
        "hours": formats.number_format(hours.normalize()) if hours else "",
        "hours_int": int(hours) if hours else 0,
        "dates": dates,
        "issued_on": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
        "signatory_position": certificate.signatory_position,
        "signatory_name": certificate.signatory_name,
        "verify_url": pdf.verify_url(certificate.code, site_url=site_url),
    }


def _revoke(certificate: Certificate, because: str, *, actor: User | None, reason: str = "") -> None:
    certificate.revoked_at = timezone.now()
    certificate.revoked_because = because
    certificate.revoke_reason = reason[:300]
    certificate.save(update_fields=["revoked_at", "revoked_because", "revoke_reason", "updated_at"])
    log_action(
        certificate, "events.certificate.revoked", actor=actor,
        data={"code": certificate.code, "because": because, "why": reason},
    )  # fmt: skip


@transaction.atomic
def _issue(
    due: Due, event: Event, *, language: str, actor: User | None, replaces: Certificate | None, site_url: str | None
) -> Certificate:
    if replaces is not None:
        _revoke(replaces, Certificate.Revocation.REISSUED, actor=actor)
    position, name = signatory_of(event, language)
    certificate = Certificate(
        code=new_code(), kind=due.kind, event=event, registration=due.registration, person=due.person,
        recipient_name=due.person.full_name, institution=due.institution, award=due.award, place=due.place,
        nomination_title=due.nomination_title, hours=due.hours, language=language,
        signatory_position=position, signatory_name=name,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    with translation.override(language):
        content = pdf.render_certificate(document_context(certificate, site_url=site_url), language=language)
    certificate.file.save("certificate.pdf", ContentFile(content), save=False)
    certificate.save()
    log_action(certificate, "events.certificate.issued", actor=actor, data={"code": certificate.code})
    return certificate


def issue_certificates(
    event: Event,
    *,
    actor: User | None,
    language: str = "ru",
    site_url: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Issue every document ``event`` owes and revoke those no longer due; returns the counts.

    ``site_url`` is the address the verification link and QR code point at (the configured `SITE_URL` when
    not given). Not one transaction on purpose (module docstring): each document commits on its own.
    """
    if event.status not in HELD_STATUSES:
        raise CertificateError(_("Documents are issued after the event is held."))
    if not pdf.available():
        raise CertificateError(_("This server cannot make PDF files: the Pango library is not installed."))
    due = documents_due(event)
    valid = {(c.person_id, c.kind): c for c in event.certificates.filter(revoked_at__isnull=True)}
    counts = {"issued": 0, "reissued": 0, "unchanged": 0, "revoked": 0}
    signatory = signatory_of(event, language)
    total = len(due)
    if progress:
        progress(0, total)
    for done, item in enumerate(due, start=1):
        current = valid.pop((item.person.pk, item.kind), None)
        if current is not None and item.same_as(current, language, signatory):
            counts["unchanged"] += 1
        else:
            _issue(item, event, language=language, actor=actor, replaces=current, site_url=site_url)
            counts["reissued" if current else "issued"] += 1
        if progress and (done % 5 == 0 or done == total):
            progress(done, total)
    with transaction.atomic():
        for certificate in valid.values():
            _revoke(certificate, Certificate.Revocation.NO_LONGER_DUE, actor=actor)
            counts["revoked"] += 1
        log_action(event, "events.certificates.issued", actor=actor, data=counts)
    return counts


@transaction.atomic
def revoke_certificate(certificate: Certificate, *, reason: str, actor: User) -> Certificate:
    """Staff withdraw one document (issued by mistake); `/verify/` then says it is not valid."""
    if not certificate.is_valid:
        raise CertificateError(_("This document is already revoked."))
    if not reason.strip():
        raise CertificateError(_("Say why the document is revoked."))
    _revoke(certificate, Certificate.Revocation.BY_STAFF, actor=actor, reason=reason.strip())
    return certificate


@transaction.atomic
def set_signatory(event: Event, *, position: str, name: str, actor: User) -> Event:
    """Who signs the event's documents from the next issue on (documents already issued keep theirs)."""
    event.signatory_position, event.signatory_name = position.strip(), name.strip()
    for name in ("signatory_position", "signatory_name"):
        field = Event._meta.get_field(name)
        assert isinstance(field, models.CharField)
        field.clean(getattr(event, name), event)  # its length, as the form and the API check it
    event.save(update_fields=["signatory_position", "signatory_name", "updated_at"])
    log_action(event, "events.event.signatory_set", actor=actor, data={"position": position, "name": name})
    return event


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
