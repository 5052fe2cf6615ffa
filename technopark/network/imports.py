"""Importing a list of institutions: every row checked first, then all of it or nothing.

`check_rows` turns the rows of a file into a plan (create or update, row by row) and a report of
every problem (row, column, message). `apply_plan` carries the plan out in one transaction, through
the same services as the pages; if anything fails, nothing is saved. Institutions already in the
registry are matched by name (full or short, whatever the case, quotes and ё), not doubled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from technopark.accounts.models import User
from technopark.core.locking import lock_rows
from technopark.core.services import log_action
from technopark.core.text import normalize_phone, search_key
from technopark.network import services
from technopark.network.models import District, Institution
from technopark.network.tabular import COLUMN_BY_KEY, COLUMNS, district_key, district_lookup, kind_lookup, role_lookup


@dataclass
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class PlannedRow:
    row: int
    action: str  # "create", "update" or "unchanged"
    values: dict[str, Any]
    institution_id: int | None = None
    name: str = ""
    # For an update: each field that changes, as the preview shows it ({"column", "old", "new"}), and when the
    # institution was last changed, so that the import refuses to overwrite a change made after the check.
    changes: list[dict[str, str]] = field(default_factory=list)
    seen_at: str = ""


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for row in self.rows if row.action == "create")

    @property
    def updated(self) -> int:
        return sum(1 for row in self.rows if row.action == "update")

    @property
    def unchanged(self) -> int:
        return sum(1 for row in self.rows if row.action == "unchanged")

    def as_data(self) -> dict[str, Any]:
        return {
            "rows": [asdict(row) for row in self.rows],
            "problems": [asdict(problem) for problem in self.problems],
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ImportPlan:
        return cls(
            rows=[PlannedRow(**row) for row in data.get("rows", [])],
            problems=[RowProblem(**problem) for problem in data.get("problems", [])],
        )


_url = URLValidator(schemes=["http", "https"])


def _existing_by_name() -> dict[str, Institution]:
    index: dict[str, Institution] = {}
    for institution in Institution.objects.all():
        index.setdefault(search_key(institution.full_name), institution)
        index.setdefault(search_key(institution.short_name), institution)
    return index


def _shown(key: str, value: Any, districts: dict[int, District]) -> str:
    """A value of a column as the preview shows it, in the reader's language."""
    if value in (None, ""):
        return "—"
    if key == "kind":
        return str(Institution.Kind(value).label)
    if key == "cluster_role":
        return str(Institution.ClusterRole(value).label)
    if key == "district":
        district = districts.get(value)
        return district.name if district else "—"
    return str(value)


def _changes(institution: Institution, values: dict[str, Any], districts: dict[int, District]) -> list[dict[str, str]]:
    """What an update would change in ``institution``, field by field (old → new)."""
    changes = []
    for column in COLUMNS:
        current = institution.district_id if column.key == "district" else getattr(institution, column.key)
        if (current or "") != (values[column.key] or ""):
            changes.append(
                {
                    "column": str(column.label),
                    "old": _shown(column.key, current, districts),
                    "new": _shown(column.key, values[column.key], districts),
                }
            )
    return changes


def check_rows(
    rows: list[tuple[int, dict[str, str]]], *, progress: Callable[[int, int], None] | None = None
) -> ImportPlan:
    """Validate every row and match it against the registry; never writes."""
    plan = ImportPlan()
    kinds, roles, districts = kind_lookup(), role_lookup(), district_lookup()
    districts_by_pk = {district.pk: district for district in districts.values()}
    existing = _existing_by_name()
    seen: dict[str, int] = {}
    for done, (number, raw) in enumerate(rows, start=1):
        problems: list[RowProblem] = []

        def problem(key: str, message: str, number: int = number, problems: list[RowProblem] = problems) -> None:
            problems.append(RowProblem(number, str(COLUMN_BY_KEY[key].title), message))

        values: dict[str, Any] = {}
        for column in COLUMNS:
            text = raw.get(column.key, "").strip()
            if column.required and not text:
                problem(column.key, _("Required; the cell is empty."))
            values[column.key] = text
        if values["kind"]:
            kind = kinds.get(search_key(values["kind"]))
            if kind is None:
                problem(
                    "kind",
                    _("Unknown kind «%(value)s»; see the template's list of values.") % {"value": values["kind"]},
                )
            values["kind"] = kind
        if values["cluster_role"]:
            role = roles.get(search_key(values["cluster_role"]))
            if role is None:
                problem(
                    "cluster_role",
                    _("Unknown role «%(value)s»; use base institution, partner or associate member.")
                    % {"value": values["cluster_role"]},
                )
            values["cluster_role"] = role
        district: District | None = None
        if values["district"]:
            district = districts.get(district_key(values["district"]))
            if district is None:
                problem("district", _("Unknown district or region «%(value)s».") % {"value": values["district"]})
        values["district"] = district.pk if district else None
        if district is not None and district.kind == District.Kind.ABROAD and not values["country"]:
            problem("country", _("Name the country of an institution abroad."))
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                problem("email", _("Not an e-mail address: «%(value)s».") % {"value": values["email"]})
        if values["website"]:
            if "://" not in values["website"]:
                values["website"] = "https://" + values["website"]
            try:
                _url(values["website"])
            except ValidationError:
                problem("website", _("Not a web address: «%(value)s».") % {"value": values["website"]})
        if values["phone"]:
            try:
                values["phone"] = normalize_phone(values["phone"])
            except ValidationError:
                problem(
                    "phone",
                    _("Not a phone number: «%(value)s»; write it as +375 17 123-45-67.") % {"value": values["phone"]},
                )
        for column in COLUMNS:
            limit = getattr(Institution._meta.get_field(column.key), "max_length", None)
            if limit and isinstance(values[column.key], str) and len(values[column.key]) > limit:
                problem(column.key, _("Too long: at most %(limit)s characters.") % {"limit": limit})

        names = [search_key(values["full_name"]), search_key(values["short_name"])]
        duplicate_of = next((seen[name] for name in names if name and name in seen), None)
        if duplicate_of is not None:
            problem("full_name", _("The same institution as in row %(row)s.") % {"row": duplicate_of})
        for name in names:
            if name:
                seen.setdefault(name, number)
        match = next((existing[name] for name in names if name in existing), None)

        if problems:
            plan.problems.extend(problems)
        else:
            changes = _changes(match, values, districts_by_pk) if match else []
            plan.rows.append(
                PlannedRow(
                    row=number,
                    action="create" if match is None else "update" if changes else "unchanged",
                    values=values,
                    institution_id=match.pk if match else None,
                    name=values["short_name"],
                    changes=changes,
                    seen_at=match.updated_at.isoformat() if match else "",
                )
            )
        if progress is not None and (done % 50 == 0 or done == len(rows)):
            progress(done, len(rows))
    return plan


@transaction.atomic
def apply_plan(plan: ImportPlan, *, actor: User | None, source: str = "") -> dict[str, int]:
    """Create and update the planned institutions, all or nothing. Refuses a plan with problems."""
    if plan.problems:
        raise services.NetworkError(_("The file has errors; nothing was imported."), code="import_has_errors")
    districts = {district.pk: district for district in District.objects.all()}
    # The rows to update as they are now, all locked at once (`core.locking`), not one by one in the file's order.
    updated = [row.institution_id for row in plan.rows if row.action == "update" and row.institution_id]
    locked = {institution.pk: institution for institution in lock_rows(Institution.objects.filter(pk__in=updated))}
    for row in plan.rows:
        if row.action == "unchanged":
            continue
        values = dict(row.values)
        values["district"] = districts[values["district"]]
        if row.action == "update":
            institution = locked.get(row.institution_id or 0)
            if institution is None:
                raise Institution.DoesNotExist(f"institution {row.institution_id} no longer exists")
            if row.seen_at and institution.updated_at.isoformat() != row.seen_at:
                # Someone edited it after the preview was shown: what they did is not overwritten unseen.
                raise services.NetworkError(
                    _("«%(name)s» was changed after the file was checked; nothing was imported. Check the file again.")
                    % {"name": institution.short_name},
                    code="import_stale",
                )
            services.update_institution(institution, actor=actor, **values)
        else:
            services.create_institution(actor=actor, **values)
    summary = {"created": plan.created, "updated": plan.updated}
    log_action(None, "network.import.completed", actor=actor, data={**summary, "file": source})
    return summary
