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
