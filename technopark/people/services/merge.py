"""Duplicates: pairs staff decided are different people, and the merge of two records into one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from technopark.accounts.models import User
from technopark.core.errors import ConflictError
from technopark.core.locking import lock_rows
from technopark.core.services import log_action
from technopark.people.access import forget_what_changed
from technopark.people.models import Guardianship, NotDuplicate, Person
from technopark.people.services.consent import end_consents_of_wrong_givers
from technopark.people.services.people import PERSON_FIELDS, PersonError, refresh_search_text, snapshot_of


def _ordered_pair(first: Person, second: Person) -> tuple[Person, Person]:
    return (first, second) if first.pk < second.pk else (second, first)


@transaction.atomic
def mark_not_duplicate(first: Person, second: Person, *, actor: User | AnonymousUser | None) -> None:
    """Remember that two similar records are different people, so they are no longer offered for merging."""
    low, high = _ordered_pair(first, second)
    if low.pk == high.pk:
        raise PersonError(_("Choose two different records."), code="same_person")
    _pair, created = NotDuplicate.objects.get_or_create(
        first=low, second=high, defaults={"created_by": actor if isinstance(actor, User) else None}
    )
    if created:
        log_action(low, "accounts.person.not_duplicate", actor=actor, data={"other": high.pk, "name": str(high)})


def _reverse_relations() -> list[models.ForeignObjectRel]:
    """Every foreign key to `Person` from any app, including ones added later (events, projects…)."""
    return [
        rel
        for rel in Person._meta.get_fields(include_hidden=True)
        if isinstance(rel, models.ForeignObjectRel) and (rel.one_to_many or rel.one_to_one) and rel.field.concrete
    ]


@dataclass
class MergeSummary:
    """What a merge moves to the record that stays and what it drops, row by row: shown on the merge page
    before staff confirm (`preview_merge`) and kept in the audit record of the merge."""

    moved: dict[str, int] = field(default_factory=dict)  # "app.Model.field" → rows moved
    dropped: dict[str, int] = field(default_factory=dict)  # "app.Model.field" → rows dropped
    moved_rows: list[dict[str, Any]] = field(default_factory=list)  # {"model": verbose name, "what": str(row)}
    dropped_rows: list[dict[str, Any]] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)  # fields of the kept record filled from the duplicate
    # Consents that moved but were given by someone the kept record's date of birth does not allow.
    ended_consents: list[dict[str, Any]] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        return {
            "moved": self.moved,
            "dropped": self.dropped,
            "moved_rows": self.moved_rows,
            "dropped_rows": self.dropped_rows,
            "filled": self.filled,
            "ended_consents": self.ended_consents,
        }


def _row(model: type[models.Model], row: models.Model) -> dict[str, Any]:
    return {"model": str(model._meta.verbose_name), "id": row.pk, "what": str(row)}


def _merge(
    keep: Person, duplicate: Person, *, actor: User | AnonymousUser | None
) -> tuple[Person, dict[str, Any], MergeSummary]:
    if keep.pk == duplicate.pk:
        raise PersonError(_("Choose two different records."), code="same_person")
    locked = {p.pk: p for p in lock_rows(Person.objects.filter(pk__in=[keep.pk, duplicate.pk]))}
    if len(locked) != 2:
        raise ConflictError(_("One of the records no longer exists."), code="person_gone")
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    if keep.user_id and duplicate.user_id:
        raise PersonError(
            _("Both records have logins. An administrator must block one of the logins first."),
            code="both_have_logins",
        )
    removed = {**snapshot_of(duplicate), "id": duplicate.pk, "user": duplicate.user_id}
    summary = MergeSummary()
    for rel in _reverse_relations():
        model, field_ = rel.related_model, rel.field
        assert isinstance(model, type)  # resolved once the app registry is ready
        label = f"{model._meta.label}.{field_.name}"
        rows = model._default_manager.filter(**{field_.name: duplicate})
        # A one-to-one link (one row per person) moves only when ``keep`` has none; the duplicate's goes.
        if rel.one_to_one and model._default_manager.filter(**{field_.name: keep}).exists():
            for row in rows:
                summary.dropped[label] = summary.dropped.get(label, 0) + 1
                summary.dropped_rows.append(_row(model, row))
            continue
        for row in rows:
            described = _row(model, row)
            setattr(row, field_.attname, keep.pk)
            try:
                with transaction.atomic():
                    row.save(update_fields=[field_.name])
            except IntegrityError:
                # ``keep`` already has this very link (the same guardian, the same school as the same kind):
                # the copy goes. Two different schools are two links, and both stay.
                row.delete()
                summary.dropped[label] = summary.dropped.get(label, 0) + 1
                summary.dropped_rows.append(described)
            else:
                summary.moved[label] = summary.moved.get(label, 0) + 1
                summary.moved_rows.append(described)
    # A guardianship turned into a link from a person to themself cannot stand.
    Guardianship.objects.filter(child=keep, guardian=keep).delete()
    for name in PERSON_FIELDS:
        if getattr(keep, name) in ("", None) and getattr(duplicate, name) not in ("", None):
            setattr(keep, name, getattr(duplicate, name))
            summary.filled.append(name)
    # The confirmation travels with the date it confirms.
    same_date = keep.birth_date is not None and keep.birth_date == duplicate.birth_date
    if "birth_date" in summary.filled or (
        same_date and duplicate.birth_date_confirmed and not keep.birth_date_confirmed
    ):
        keep.birth_date_confirmed_at = duplicate.birth_date_confirmed_at
        keep.birth_date_confirmed_by_id = duplicate.birth_date_confirmed_by_id
    user = duplicate.user
    duplicate.delete()
    if user is not None and keep.user_id is None:
        keep.user = user
        summary.filled.append("user")
    refresh_search_text(keep)
    keep.full_clean()
    keep.save()
    for consent in end_consents_of_wrong_givers(keep, actor=actor):
        summary.ended_consents.append(
            {"id": consent.pk, "purpose": consent.purpose, "giver": consent.giver_id, "what": str(consent)}
        )
    return keep, removed, summary


@transaction.atomic
def merge_persons(keep: Person, duplicate: Person, *, actor: User | AnonymousUser | None) -> Person:
    """Merge ``duplicate`` into ``keep``: every link to the duplicate (guardianship, affiliations,
    consents, and whatever later modules attach) moves to ``keep``, empty fields of ``keep`` are filled
    from the duplicate, and the duplicate is deleted. A link ``keep`` already has is not doubled; links that
    differ all stay (a student of two schools, or of a school and a centre of additional education, keeps
    both, and staff detach the one that no longer holds). `preview_merge` shows the same before.

    Raises `PersonError` when both records have logins (an administrator must decide which login stays)
    or when they are the same record. The audit record keeps the duplicate's details and, row by row, what
    moved and what was dropped.
    """
    keep, removed, summary = _merge(keep, duplicate, actor=actor)
    log_action(keep, "accounts.person.merged", actor=actor, data={"removed": removed, **summary.as_data()})
    forget_what_changed(actor, keep.user)
    return keep


class _PreviewDone(Exception):
    def __init__(self, summary: MergeSummary) -> None:
        super().__init__("merge preview")
        self.summary = summary


def preview_merge(keep: Person, duplicate: Person, *, actor: User | AnonymousUser | None) -> MergeSummary:
    """What `merge_persons` would move and drop, found by merging for real in a transaction that is then
    rolled back, so the answer is exactly what the constraints will decide. Raises what `merge_persons`
    raises."""
    try:
        with transaction.atomic():
            _kept, _removed, summary = _merge(keep, duplicate, actor=actor)
            raise _PreviewDone(summary)
    except _PreviewDone as done:
        return done.summary
