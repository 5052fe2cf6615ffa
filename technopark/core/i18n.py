"""Content in three languages: a field per language, Russian required, the others fall back to it.

Interface strings are translated with gettext; texts that staff write (news, home page blocks) are
stored as ``<name>_ru``, ``<name>_be``, ``<name>_en``. Readers see their language when it is filled
in and Russian otherwise, so a half-translated site never shows an empty heading.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import get_language

CONTENT_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def translated(obj: Any, name: str, language: str | None = None) -> str:
    lang = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    value = getattr(obj, f"{name}_{lang}", "") if lang in CONTENT_LANGUAGES else ""
    return value or getattr(obj, f"{name}_{settings.LANGUAGE_CODE}", "")


def translated_fields(name: str) -> list[str]:
    return [f"{name}_{code}" for code in CONTENT_LANGUAGES]
