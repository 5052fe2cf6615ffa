from __future__ import annotations

import datetime as dt

import pytest
from django.utils import formats, translation


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("ru", "26 ноября 2026 г.", "26.11.2026 09:05"),
        ("be", "26 лістапада 2026 г.", "26.11.2026 09:05"),
        ("en", "26 November 2026", "26.11.2026 09:05"),
    ],
)
def test_dates_are_written_as_in_minsk_in_every_language(language, long, short):
    moment = dt.datetime(2026, 11, 26, 9, 5)
    with translation.override(language):
        assert formats.date_format(moment, "DATE_FORMAT") == long
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == short


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Открытый конкурс «Роботы»", "ru", "«Открытый конкурс „Роботы“»"),
        ("«Открытый конкурс «Роботы»»", "ru", "«Открытый конкурс „Роботы“»"),
        ("«Роботы» и «Дроны»", "be", "«„Роботы“ и „Дроны“»"),
        ("Юный инженер", "ru", "«Юный инженер»"),
        ("Robots «Junior»", "en", "“Robots ‘Junior’”"),
    ],
)
def test_a_quoted_name_nests_its_inner_quotes(text: str, language: str, expected: str) -> None:
    from technopark.core.text import quoted

    assert quoted(text, language) == expected


def test_belarusian_months_name_the_month_in_headings_and_decline_it_in_dates() -> None:
    from django.utils import dateformat

    with translation.override("be"):
        assert dateformat.format(dt.date(2026, 9, 1), "F Y") == "Верасень 2026"
        assert dateformat.format(dt.date(2026, 12, 5), "j E Y") == "5 снежня 2026"
