"""Exports never hand a spreadsheet a formula someone typed (OWASP "CSV Injection")."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from technopark.core import spreadsheets

HOSTILE = ['=HYPERLINK("http://evil.test","click")', "+1+2", "-2+3", "@SUM(1,2)", "\t=1", "\r=1"]


def test_xlsx_keeps_typed_formulas_as_text_and_numbers_as_numbers() -> None:
    body = spreadsheets.xlsx_bytes(["ФИО", "Число"], [[value, 5] for value in HOSTILE], sheet_title="Список")
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    cells = list(sheet.iter_rows(min_row=2))
    # XML keeps a lone carriage return as a line feed; the text is otherwise what was typed.
    assert [row[0].value for row in cells] == [value.replace("\r", "\n") for value in HOSTILE]
    assert {row[0].data_type for row in cells} == {"s"}
    assert {(row[1].value, row[1].data_type) for row in cells} == {(5, "n")}


def test_csv_prefixes_what_a_spreadsheet_would_evaluate() -> None:
    body = spreadsheets.csv_bytes(["ФИО", "Число"], [[value, -5] for value in [*HOSTILE, "Иванов", "'=quoted"]])
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [*("'" + value for value in HOSTILE), "Иванов", "''=quoted"]
    assert {row[1] for row in rows[1:]} == {"-5"}  # numbers the centre wrote stay numbers


@pytest.mark.parametrize("value", [*HOSTILE, "Иванов", "'просто апостроф", "'=quoted"])
def test_plain_text_gives_back_what_was_exported(value: str) -> None:
    neutral = spreadsheets.neutralise(value)
    assert isinstance(neutral, str)
    assert spreadsheets.plain_text(neutral) == value
