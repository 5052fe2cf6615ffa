"""Institutions as a table: the column set of import files, export files and the template.

The format is the one a school department's list comes in: one institution per row, a header row
with these column titles (in Russian, or the English keys), values as people type them ("Фрунзенский
район", "гимназия", "партнёр", "8 (017) 200-00-00"). An export uses the same columns in the reader's
language (Russian titles as above, Belarusian or English labels), so an exported list can be corrected and
imported again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from openpyxl import load_workbook

from technopark.core import spreadsheets
from technopark.core.text import search_key
from technopark.network.models import District, Institution

MAX_ROWS = 10_000


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # the Russian header of the school department's lists
    label: StrOrPromise  # for messages, in the reader's language
    required: bool = False


COLUMNS = [
    Column("full_name", "Полное наименование", _("Full official name"), required=True),
    Column("short_name", "Краткое наименование", _("Short name"), required=True),
    Column("kind", "Тип", _("Kind"), required=True),
    Column("district", "Район или область", _("District or region"), required=True),
    Column("country", "Страна", _("Country")),
    Column("address", "Адрес", _("Address")),
    Column("website", "Сайт", _("Website")),
    Column("email", "Электронная почта", _("E-mail")),
    Column("phone", "Телефон", _("Phone")),
    Column("cluster_role", "Роль в кластере", _("Role in the cluster"), required=True),
]
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


class TableError(Exception):
    """The file as a whole cannot be read (wrong type, no header, too many rows)."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.message = message


# --- Reading ---------------------------------------------------------------------------------------


def _header_titles() -> dict[str, str]:
    """Every header a column is known by: its Russian title, its key, and its label in the three languages (an
    export in Belarusian or English imports back)."""
    from django.utils import translation

    known = {search_key(column.title): column.key for column in COLUMNS} | {
        column.key: column.key for column in COLUMNS
    }
    for language in ("ru", "be", "en"):
        with translation.override(language):
            known |= {search_key(str(column.label)): column.key for column in COLUMNS}
    return known


def _header_map(header: list[str]) -> dict[int, str]:
    known = _header_titles()
    mapping = {}
    for index, title in enumerate(header):
        key = known.get(search_key(str(title or "")))
        if key:
            mapping[index] = key
    missing = [
        COLUMN_BY_KEY[key].title for key in COLUMN_BY_KEY if COLUMN_BY_KEY[key].required and key not in mapping.values()
    ]
    if missing:
        raise TableError(
            _("The header row lacks the columns: %(columns)s. Download the template to see the expected columns.")
            % {"columns": ", ".join(f"«{title}»" for title in missing)}
        )
    return mapping


def _rows_from(cells: Iterator[list[object]]) -> list[tuple[int, dict[str, str]]]:
    """(row number as the user sees it, {column key: text}) for every non-empty data row."""
    header: list[str] | None = None
    mapping: dict[int, str] = {}
    rows: list[tuple[int, dict[str, str]]] = []
    for number, values in enumerate(cells, start=1):
        texts = ["" if value is None else spreadsheets.plain_text(str(value).strip()) for value in values]
        if header is None:
            if not any(texts):
                continue
            header = texts
            mapping = _header_map(header)
            continue
        if not any(texts):
            continue
        rows.append((number, {key: texts[index] if index < len(texts) else "" for index, key in mapping.items()}))
        if len(rows) > MAX_ROWS:
            raise TableError(_("The file has more than %(limit)s rows; split it into parts.") % {"limit": MAX_ROWS})
    if header is None:
        raise TableError(_("The file is empty."))
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise TableError(_("This is not a readable XLSX file.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return _rows_from(list(row) for row in sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    # Excel in Belarus saves CSV in Windows-1251 unless told otherwise; UTF-8 is tried first.
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("The CSV file is neither in UTF-8 nor in Windows-1251."))


def _csv_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return _rows_from(list(row) for row in reader)


def read_table(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """The data rows of an XLSX or CSV file, by its content (an XLSX is a ZIP archive)."""
    if data[:2] == b"PK":
        return _xlsx_rows(data)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise TableError(_("This is not a readable XLSX file."))
    return _csv_rows(data)


# --- Values as people type them ---------------------------------------------------------------------

_KIND_WORDS = {
    "школа": Institution.Kind.SCHOOL,
    "средняя школа": Institution.Kind.SCHOOL,
    "сш": Institution.Kind.SCHOOL,
    "гимназия": Institution.Kind.GYMNASIUM,
    "лицей": Institution.Kind.LYCEUM,
    "колледж": Institution.Kind.COLLEGE,
    "университет": Institution.Kind.UNIVERSITY,
    "вуз": Institution.Kind.UNIVERSITY,
    "учреждение высшего образования": Institution.Kind.UNIVERSITY,
    "цдо": Institution.Kind.ADDITIONAL,
    "учреждение дополнительного образования": Institution.Kind.ADDITIONAL,
    "институт нан": Institution.Kind.NAS_INSTITUTE,
    "нан": Institution.Kind.NAS_INSTITUTE,
    "предприятие": Institution.Kind.ENTERPRISE,
    "общественная организация": Institution.Kind.PUBLIC_ORGANISATION,
    "организация": Institution.Kind.OTHER,
}
_ROLE_WORDS = {
    "базовое": Institution.ClusterRole.BASE,
    "базовое учреждение": Institution.ClusterRole.BASE,
    "партнер": Institution.ClusterRole.PARTNER,
    "ассоциированный": Institution.ClusterRole.ASSOCIATE,
    "ассоциированный член": Institution.ClusterRole.ASSOCIATE,
}
_DISTRICT_NOISE = (
    "район",
    "р-н",
    "область",
    "обл.",
    "обл",
    "раён",
    "вобласць",
    "district",
    "region",
    "г. минск",
    "г.минск",
)


def _choice_lookup(
    choices: type[Institution.Kind] | type[Institution.ClusterRole], words: Mapping[str, str]
) -> dict[str, str]:
    from django.utils import translation

    lookup: dict[str, str] = {search_key(value): value for value in choices.values}
    for language in ("ru", "be", "en"):
        with translation.override(language):
            lookup |= {search_key(str(label)): value for value, label in choices.choices}
    lookup.update(words)
    return lookup


def kind_lookup() -> dict[str, str]:
    return _choice_lookup(Institution.Kind, _KIND_WORDS)


def role_lookup() -> dict[str, str]:
    return _choice_lookup(Institution.ClusterRole, _ROLE_WORDS)


def district_key(text: str) -> str:
    key = search_key(text)
    for noise in _DISTRICT_NOISE:
        key = key.replace(noise, " ")
    return " ".join(key.split())


def district_lookup() -> dict[str, District]:
    lookup: dict[str, District] = {}
    for district in District.objects.all():
        for name in (district.code, district.name_ru, district.name_be, district.name_en):
            lookup[district_key(name)] = district
    return lookup


# --- Writing ---------------------------------------------------------------------------------------


def institution_row(institution: Institution) -> list[str]:
    return [
        institution.full_name,
        institution.short_name,
        str(institution.get_kind_display()),
        institution.district.name,
        institution.country,
        institution.address,
        institution.website,
        institution.email,
        institution.phone,
        str(institution.get_cluster_role_display()),
    ]


def header() -> list[str]:
    """The header row in the reader's language: in Russian the school departments' own titles, otherwise the
    columns' labels; the import knows them all."""
    from django.utils import translation

    if (translation.get_language() or "ru").startswith("ru"):
        return [column.title for column in COLUMNS]
    return [str(column.label) for column in COLUMNS]


def xlsx_bytes(rows: Iterable[list[str]], *, sheet_title: str | None = None) -> bytes:
    return spreadsheets.xlsx_bytes(
        header(),
        rows,
        sheet_title=sheet_title or str(_("Institutions")),
        widths=[60, 30, 24, 26, 14, 40, 30, 28, 20, 22],
    )


def csv_bytes(rows: Iterable[list[str]]) -> bytes:
    return spreadsheets.csv_bytes(header(), rows)


def template_bytes() -> bytes:
    """An XLSX with the header, one example row and a sheet of the allowed values."""
    from django.utils import translation

    example = [
        "Государственное учреждение образования «Гимназия № 1 г. Минска»",
        "Гимназия № 1",
        "Гимназия",
        "Фрунзенский район",
        "",
        "г. Минск, ул. Примерная, 1",
        "https://gymn1.minsk.edu.by",
        "gymn1@minsk.edu.by",
        "+375 17 200-00-00",
        "Базовое учреждение",
    ]
    with translation.override("ru"):  # the template is the school departments' own format, in Russian
        data = xlsx_bytes([example], sheet_title="Учреждения")
    workbook = load_workbook(io.BytesIO(data))
    values = workbook.create_sheet("Допустимые значения")
    with translation.override("ru"):
        values.append(["Тип", "Район или область", "Роль в кластере"])
        kinds = [str(label) for _value, label in Institution.Kind.choices]
        districts = [district.name_ru for district in District.objects.all()]
        roles = [str(label) for _value, label in Institution.ClusterRole.choices]
    for index in range(max(len(kinds), len(districts), len(roles))):
        values.append(
            [
                kinds[index] if index < len(kinds) else None,
                districts[index] if index < len(districts) else None,
                roles[index] if index < len(roles) else None,
            ]
        )
    for column in ("A", "B", "C"):
        values.column_dimensions[column].width = 36
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
