"""Lists as XLSX and CSV, the way people at the centre open them: a bold, frozen header row, sensible
column widths, and CSV in UTF-8 with a byte-order mark and semicolons, which Excel opens with Cyrillic
intact in a Russian locale.

Every export goes through here, and what it writes was typed by people: a pupil's name such as
`=HYPERLINK("http://…","click")`, `+1+2` or `@SUM(1,2)` must never become a live formula in a staff
member's spreadsheet (formula injection, OWASP "CSV Injection"). XLSX cells holding text are written as
text, never as formulas; CSV values that begin with a character a spreadsheet reads as the start of a
formula get a leading apostrophe, which `plain_text` removes again when the centre's own file is
imported back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# What Excel, LibreOffice and Google Sheets take as the start of a formula or a DDE call.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Dates and moments are real date cells in XLSX (sortable, filterable), written as in Minsk; in CSV, text so.
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"


def _csv_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return neutralise(value)


def neutralise(value: object) -> object:
    """A CSV value that no spreadsheet evaluates: text starting like a formula gets an apostrophe."""
    # A text that already starts with apostrophes before a formula gets one more, so `plain_text` is exact.
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plain_text(value: str) -> str:
    """The text `neutralise` was given back: an imported export does not gain an apostrophe."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value


def xlsx_bytes(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, sheet_title: str, widths: Sequence[int] = ()
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title[:31]  # Excel's limit for a sheet name
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            # openpyxl makes any text beginning with "=" a formula; people's text stays text.
            if cell.data_type == "f":
                cell.data_type = "s"
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([neutralise(title) for title in header])
    writer.writerows([_csv_value(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
